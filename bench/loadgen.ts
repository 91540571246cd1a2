// The load generator, in its own process: it builds the signed, encrypted events and sends them (fixed concurrency or a
// fixed rate), so its timing is not disturbed by the fake Open Platform, which runs in the bench's main process and
// receives up to a thousand replies a second. It answers each request over IPC with the samples.
import { deliver, messageEvent } from '../test/support/lark-events.js';
import { closedLoop, openLoop, type Sample } from './load.js';

export interface LoadRequest {
  mode: 'open' | 'closed';
  url: string;
  n: number;
  /** makes chat ids (and so message ids) unique per phase */
  tag: string;
  key: string;
  rate?: number;
  concurrency?: number;
}

export interface LoadResult {
  samples: Sample[];
  perSecond: number;
  /** message_id → when its event was sent (ms since the epoch), for end-to-end times */
  sentAt: Array<[string, number]>;
}

function events(n: number, tag: string, key: string) {
  return Array.from({ length: n }, (_, i) => {
    const ev = messageEvent({ from: `ou_bench_${(i % 200) + 1}`, chat: `oc_p2p_${tag}_${i}`, chatType: 'p2p', text: '帮助' });
    return { id: ev.event.message.message_id, ...deliver(ev, key) };
  });
}

process.on('message', (req: LoadRequest) => {
  void (async () => {
    const list = events(req.n, req.tag, req.key);
    // Building thousands of encrypted events leaves garbage: collect it now, not during the measured sends.
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 100));
    const url = `${req.url}/lark/events`;
    if (req.mode === 'closed') {
      const { samples, perSecond } = await closedLoop(url, list, req.concurrency ?? 16);
      process.send!({ samples, perSecond, sentAt: [] } satisfies LoadResult);
      return;
    }
    const sentAt: Array<[string, number]> = [];
    const t0 = Date.now();
    const samples = await openLoop(url, list, req.rate ?? 1000, (i, t) => sentAt.push([list[i]!.id, t]));
    process.send!({ samples, perSecond: list.length / ((Date.now() - t0) / 1000), sentAt } satisfies LoadResult);
  })();
});
process.send!('ready');
