// Which copy of an event is handled (db/schema/transport.ts, inbox_claims): the answer stores each event without a
// unique key of random event_ids to keep up; the same event pushed again is dropped at the answer when this process
// stored it or its handling started, and is otherwise stored and handled as nothing ('redelivered'). Through the real
// path: signed, encrypted events over HTTP, replies at the fake Open Platform.
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, inboxClaims } from '../db/schema.js';
import { fixture, messageEvent } from './support/lark-events.js';
import { startHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const rowsOf = async (eventId: string) =>
  h.server.runtime.dbh.db.select({ id: inbox.id, outcome: inbox.outcome, handledAt: inbox.handledAt }).from(inbox).where(eq(inbox.eventId, eventId)).orderBy(inbox.id);
const repliesTo = (messageId: string) => h.fake.messages.filter((m) => m.reply_to === messageId);

function fresh(chat: string) {
  const ev = messageEvent({ from: 'ou_chenbo', chat, chatType: 'p2p', text: '帮助' });
  h.fake.seedMessage(ev.event.message.message_id, chat);
  return ev;
}

describe('the same event pushed again', () => {
  it('after it was handled: answered 200, not stored again, no second reply', async () => {
    const ev = fresh('oc_p2p_claims_later');
    expect((await h.post(ev)).status).toBe(200);
    await h.settle();
    expect((await h.post(ev)).status).toBe(200);
    await h.settle();
    expect(await rowsOf(ev.header.event_id)).toEqual([{ id: expect.any(Number), outcome: 'ok', handledAt: expect.any(String) }]);
    expect(repliesTo(ev.event.message.message_id)).toHaveLength(1);
    const [claim] = await h.server.runtime.dbh.db.select().from(inboxClaims).where(eq(inboxClaims.eventId, ev.header.event_id));
    expect(claim?.inboxId).toBe((await rowsOf(ev.header.event_id))[0]!.id);
  });

  it('three times at once: stored once, one reply', async () => {
    const ev = fresh('oc_p2p_claims_once');
    const res = await Promise.all([h.post(ev), h.post(ev), h.post(ev)]);
    expect(res.map((r) => r.status)).toEqual([200, 200, 200]);
    await h.settle();
    expect(await rowsOf(ev.header.event_id)).toHaveLength(1);
    expect(repliesTo(ev.event.message.message_id)).toHaveLength(1);
  });

  it('stored twice before either was handled (a server stopped in between): the first is handled, the second marked redelivered', async () => {
    const ev = fresh('oc_p2p_claims_twice');
    // What the answer does before the server stopped, twice: once here, once as another process stored the copy.
    expect(await h.server.runtime.bot.record(ev.header.event_id, ev.header.event_type, ev)).toBe(true);
    await h.server.runtime.dbh.db.run(sql`insert into inbox (event_id, event_type, received_at, payload) select event_id, event_type, received_at, payload from inbox where event_id = ${ev.header.event_id}`);
    await h.restart();
    await h.settle();
    const rows = await rowsOf(ev.header.event_id);
    expect(rows.map((r) => r.outcome)).toEqual(['ok', 'redelivered']);
    expect(rows.every((r) => r.handledAt)).toBe(true);
    expect(repliesTo(ev.event.message.message_id)).toHaveLength(1);
    // and once more after that: dropped at the answer, its event claimed
    expect((await h.post(ev)).status).toBe(200);
    await h.settle();
    expect(await rowsOf(ev.header.event_id)).toHaveLength(2);
    expect(repliesTo(ev.event.message.message_id)).toHaveLength(1);
  });

  it('a card click pushed again runs once', async () => {
    const ev = fixture('card.action.trigger');
    ev.header.event_id = 'ev_claims_click';
    ev.event.operator.open_id = 'ou_chenbo';
    ev.event.action.value = { a: 'task.list' };
    ev.event.context.open_chat_id = 'oc_xinhe_office';
    // twice at once, then once more after
    const both = await Promise.all([h.post(ev, { path: '/lark/cards' }), h.post(ev, { path: '/lark/cards' })]);
    const later = await h.post(ev, { path: '/lark/cards' });
    expect([...both, later].map((r) => r.status)).toEqual([200, 200, 200]);
    const toasts = await Promise.all([...both, later].map(async (r) => ((await r.json()) as { toast: { content: string } }).toast.content));
    expect(toasts.filter((t) => t.includes('已处理'))).toHaveLength(2);
    await h.settle();
    const rows = await rowsOf(ev.header.event_id);
    expect(rows.map((r) => r.outcome)).toEqual(['ok']);
  });
});

describe('a message that waits while Lark is down, pushed again', () => {
  it('before and after a restart: stored twice at most, handled once when Lark is back, one reply', async () => {
    // Lark is unreachable from the start (the server asks for the bot's identity as it starts): the bot cannot learn
    // its own open_id, so a group message waits in the inbox, unclaimed.
    const w = await startHarness({ faults: { down: true } });
    try {
      const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
      w.fake.seedMessage(ev.event.message.message_id, 'oc_xinhe_office');
      const rows = async () => w.server.runtime.dbh.db.select({ outcome: inbox.outcome }).from(inbox).where(eq(inbox.eventId, ev.header.event_id)).orderBy(inbox.id);
      expect((await w.post(ev)).status).toBe(200);
      await w.server.runtime.settled();
      // pushed again by Lark (no answer seen): this process stored it, so not again
      expect((await w.post(ev)).status).toBe(200);
      expect(await rows()).toEqual([{ outcome: null }]);
      // a restart forgets what it stored; the event is not claimed yet, so the next push is stored
      await w.restart();
      expect((await w.post(ev)).status).toBe(200);
      await w.server.runtime.settled();
      expect(await rows()).toHaveLength(2);
      // Lark is back: the next event lets the bot learn its open_id; one copy is handled, the other does nothing
      w.fake.setFaults({});
      await w.say({ from: 'ou_chenbo', chat: 'oc_p2p_chenbo', chatType: 'p2p', text: 'help' });
      await w.settle();
      expect((await rows()).map((r) => r.outcome).sort()).toEqual(['ok', 'redelivered']);
      expect(w.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
    } finally {
      await w.close();
    }
  });
});

describe('on D1 (Workers: a core per request, no group commit)', () => {
  // Two requests' bots on one database, as two Worker requests on one D1: the path without `grouped`, where the
  // claim is written before anything is done. The click's command is held for 200 ms, past Lark's push of it again.
  it('a click Lark pushes again while the first request still runs it runs once', async () => {
    const { openSqlite } = await import('../db/client.js');
    const { Bot } = await import('../src/bot.js');
    const { SandboxMessenger } = await import('../src/lark/sandbox-messenger.js');
    const { createLog } = await import('../src/log.js');
    const { systemClock } = await import('../src/core/clock.js');
    const node = openSqlite(':memory:');
    const d1 = { db: node.db, driver: 'd1' as const, atomic: node.atomic, close: node.close };
    let runs = 0;
    const request = () => {
      const bot = new Bot({ dbh: d1 as never, clock: systemClock, messenger: new SandboxMessenger(), log: createLog({}, () => {}, 'silent') });
      (bot as unknown as { clickTurn(): Promise<unknown> }).clickTurn = async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 200));
        return { toast: { type: 'success', content: 'ok' }, outcome: 'ok', out: [] };
      };
      return bot;
    };
    const ev = fixture('card.action.trigger');
    ev.header.event_id = 'ev_claims_d1_click';
    const first = request().handleCardAction(ev);
    await new Promise((r) => setTimeout(r, 50));
    const second = await request().handleCardAction(ev);
    expect(second.toast.content).toContain('已处理');
    expect((await first).toast.type).toBe('success');
    expect(runs).toBe(1);
    node.close();
  });
});

// Bot.recent and Bot.rows keep at most RECENT_EVENTS keys and at least the last half of them (src/bot.ts, recentMap).
describe('what a process remembers of the events it stored', () => {
  it('past RECENT_EVENTS stored: a copy of one of the last RECENT_EVENTS / 2 is still dropped, an old one stored again', async () => {
    const { openSqlite } = await import('../db/client.js');
    const { Bot, RECENT_EVENTS } = await import('../src/bot.js');
    const { SandboxMessenger } = await import('../src/lark/sandbox-messenger.js');
    const { createLog } = await import('../src/log.js');
    const { systemClock } = await import('../src/core/clock.js');
    const node = openSqlite(':memory:');
    const bot = new Bot({ dbh: node, clock: systemClock, messenger: new SandboxMessenger(), log: createLog({}, () => {}, 'silent') });
    const evs = Array.from({ length: RECENT_EVENTS + 2_000 }, (_, i) => {
      const ev = messageEvent({ from: 'ou_chenbo', chat: `oc_p2p_recent_${i}`, chatType: 'p2p', text: '帮助' });
      ev.header.event_id = `ev_recent_${i}`;
      return ev;
    });
    for (const ev of evs) expect(await bot.record(ev.header.event_id, ev.header.event_type, ev)).toBe(true);
    const kept = (bot as unknown as { recent: Map<string, unknown> }).recent;
    expect([...kept.keys()].length).toBeLessThanOrEqual(RECENT_EVENTS);
    // the last half: answered and not stored again
    for (const ev of evs.slice(-RECENT_EVENTS / 2)) expect(await bot.record(ev.header.event_id, ev.header.event_type, ev)).toBe(false);
    // the first ones, long forgotten and never claimed: stored again (their handling marks the copy 'redelivered')
    expect(await bot.record(evs[0]!.header.event_id, evs[0]!.header.event_type, evs[0])).toBe(true);
    const [row] = await node.db.select({ n: count() }).from(inbox).where(eq(inbox.eventId, evs[0]!.header.event_id));
    expect(row!.n).toBe(2);
    node.close();
  });
});
