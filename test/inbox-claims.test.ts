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
    const first = await h.post(ev, { path: '/lark/cards' });
    const second = await h.post(ev, { path: '/lark/cards' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(((await second.json()) as { toast: { content: string } }).toast.content).toContain('已处理');
    await h.settle();
    const [n] = await h.server.runtime.dbh.db.select({ n: count() }).from(inbox).where(eq(inbox.eventId, ev.header.event_id));
    expect(n!.n).toBe(1);
  });
});
