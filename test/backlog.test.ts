// The memory budget for waiting events (issue 19): past the budget, events stay in the inbox (stored before the
// answer either way) and are read back in batches when the work queue is empty. A burst far past the budget is
// answered at once, every event is handled, and each gets exactly one reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { messageEvent } from './support/lark-events.js';

let h: Harness;
const lines: string[] = [];
beforeAll(async () => {
  h = await startHarness({ backlogBudget: 3, logLines: lines, env: { LOG_LEVEL: 'info' } });
});
afterAll(() => h.close());

describe('backlog budget', () => {
  it('a burst of 60 events with a budget of 3: all answered 200, all handled, one reply each', async () => {
    const events = Array.from({ length: 60 }, (_, i) => messageEvent({ from: 'ou_chenbo', chat: `oc_p2p_burst_${i}`, chatType: 'p2p', text: '帮助' }));
    for (const [i, ev] of events.entries()) h.fake.seedMessage(ev.event.message.message_id, `oc_p2p_burst_${i}`);
    const answers = await Promise.all(events.map((ev) => h.post(ev)));
    expect(answers.map((r) => r.status)).toEqual(events.map(() => 200));
    // settling waits for the events read back from the inbox too (they queue more work after the queue was idle)
    await h.settle();
    const replies = h.fake.messages.filter((m) => m.reply_to);
    const perMessage = new Map<string, number>();
    for (const m of replies) perMessage.set(m.reply_to!, (perMessage.get(m.reply_to!) ?? 0) + 1);
    expect(perMessage.size).toBe(60);
    expect([...perMessage.values()].every((n) => n === 1)).toBe(true);
    expect(lines.some((l) => l.includes('events wait in the inbox'))).toBe(true);
    // nothing is left unhandled
    expect(await h.server.runtime.bot.unhandled()).toEqual([]);
  });

  it('events left unhandled by the last run (a crash in a burst) are read back at the next start, a budget’s worth at a time, each handled once', async () => {
    h.fake.reset();
    const events = Array.from({ length: 40 }, (_, i) => messageEvent({ from: 'ou_chenbo', chat: `oc_p2p_left_${i}`, chatType: 'p2p', text: '帮助' }));
    for (const [i, ev] of events.entries()) {
      h.fake.seedMessage(ev.event.message.message_id, `oc_p2p_left_${i}`);
      // what the HTTP route does before it answers, without the handling after it
      expect(await h.server.runtime.bot.record(ev.header.event_id, ev.header.event_type, ev)).toBe(true);
    }
    expect(await h.server.runtime.bot.unhandledCount()).toBe(40);
    lines.length = 0;
    await h.restart();
    // read back from the inbox as a backlog is while running, not all taken into memory at once
    expect(h.server.runtime.waitingInInbox()).toBe(true);
    expect(lines.some((l) => l.includes('handling events left unhandled by the last run') && l.includes('40'))).toBe(true);
    await h.settle();
    const perMessage = new Map<string, number>();
    for (const m of h.fake.messages) if (m.reply_to) perMessage.set(m.reply_to, (perMessage.get(m.reply_to) ?? 0) + 1);
    expect(perMessage.size).toBe(40);
    expect([...perMessage.values()].every((n) => n === 1)).toBe(true);
    expect(await h.server.runtime.bot.unhandledCount()).toBe(0);
  });
});
