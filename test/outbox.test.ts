// The outbox and its sender against a misbehaving Open Platform: rate limits, 5xx, an outage, a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queue } from '../src/outbox.js';
import { startHarness, type Harness } from './support/harness.js';
import { messageEvent } from './support/lark-events.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ plan: false, env: { SEND_PER_SECOND: '200', SEND_PER_MINUTE: '100000', SEND_PER_CHAT_PER_SECOND: '5' } });
});
afterAll(() => h.close());

/** Sends Lark accepted (HTTP 200), per uuid: a duplicate would show as 2. */
function acceptedPerUuid(): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of h.fake.calls) {
    if (c.method === 'POST' && /\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(c.path) && c.status === 200) m.set(c.body.uuid, (m.get(c.body.uuid) ?? 0) + 1);
  }
  return m;
}

describe('delivery under faults', () => {
  it('10% rate limits, 5% chat limits and 5% server errors still end with exactly one copy of each message', async () => {
    h.fake.reset();
    h.fake.setFaults({ rateLimit: 0.1, chatRateLimit: 0.05, serverError: 0.05, seed: 7, resetSeconds: 1 });
    const rt = h.server.runtime;
    const messages = Array.from({ length: 300 }, (_, i) => ({
      dedupeKey: `test:faults:${i}`,
      kind: 'send' as const,
      target: `oc_chat_${i % 40}`,
      msgType: 'text' as const,
      content: { text: `message ${i}` },
    }));
    await queue(rt.dbh, rt.clock, messages);
    await h.settle();
    h.fake.setFaults({});
    const faults = h.fake.calls.filter((c) => c.status !== 200).length;
    expect(faults).toBeGreaterThan(20);
    expect(h.fake.messages).toHaveLength(300);
    const per = acceptedPerUuid();
    expect(per.size).toBe(300);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(h.fake.limitViolations().chat1s).toBe(0);
  });

  it('queuing the same dedupe key twice sends once', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    const m = { dedupeKey: 'test:once', kind: 'send' as const, target: 'oc_once', msgType: 'text' as const, content: { text: 'once' } };
    await queue(rt.dbh, rt.clock, [m]);
    await queue(rt.dbh, rt.clock, [m]);
    await h.settle();
    expect(h.fake.messagesIn('oc_once')).toHaveLength(1);
  });

  it('Lark down for a while: messages wait and are delivered once when it returns', async () => {
    h.fake.reset();
    h.fake.setFaults({ down: true });
    const rt = h.server.runtime;
    await queue(rt.dbh, rt.clock, Array.from({ length: 20 }, (_, i) => ({ dedupeKey: `test:down:${i}`, kind: 'send' as const, target: `oc_down_${i % 4}`, msgType: 'text' as const, content: { text: `d${i}` } })));
    // While Lark is down the sender keeps retrying due rows (backoff capped at 200 ms here): its pass may not end
    // before Lark is back, so the test does not wait for it.
    void rt.sender.kick();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.messages).toHaveLength(0);
    expect(await rt.sender.pendingCount()).toBe(20);
    h.fake.setFaults({});
    await h.settle();
    expect(h.fake.messages).toHaveLength(20);
    expect([...acceptedPerUuid().values()].every((n) => n === 1)).toBe(true);
  });

  it('the per-chat limit is kept: 30 messages to one chat take at least 5 seconds’ worth of windows', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    await queue(rt.dbh, rt.clock, Array.from({ length: 12 }, (_, i) => ({ dedupeKey: `test:chat:${i}`, kind: 'send' as const, target: 'oc_busy', msgType: 'text' as const, content: { text: `c${i}` } })));
    const t0 = Date.now();
    await h.settle();
    expect(h.fake.messagesIn('oc_busy')).toHaveLength(12);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(h.fake.limitViolations().chat1s).toBe(0);
  });
});

describe('inbox', () => {
  it('an event stored but not handled (the server stopped) is handled at the next start, once', async () => {
    h.fake.reset();
    const ev = messageEvent({ from: 'ou_x', chat: 'oc_p2p_x', chatType: 'p2p', text: 'help' });
    h.fake.seedMessage(ev.event.message.message_id, 'oc_p2p_x');
    // What the HTTP route does before it answers, without the handling after it: a crash in between.
    expect(await h.server.runtime.bot.record(ev.header.event_id, ev.header.event_type, ev)).toBe(true);
    await h.restart();
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
    await h.restart();
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
  });
});
