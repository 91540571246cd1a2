// Issue 16, finding 8: the verification token is not stored with the events, and handled events and sent messages are
// deleted after RETENTION_DAYS by a nightly job that goes through the exactly-once ledger and never touches anything
// still pending.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, inboxClaims, outbox, outboxContent } from '../db/schema.js';
import { startHarness, TOKEN, type Harness } from './support/harness.js';
import { fixture, messageEvent } from './support/lark-events.js';

const DAY = 86_400_000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-11-23T02:00:00Z', env: { RETENTION_DAYS: '30' } });
});
afterAll(() => h.close());

const row = async (eventId: string) => (await h.server.runtime.dbh.db.select().from(inbox).where(eq(inbox.eventId, eventId)))[0];

describe('the verification token is not stored', () => {
  it('a message event is stored in the inbox without its token', async () => {
    const said = await h.say({ from: 'ou_chenbo', chat: 'oc_ret_token', text: '帮助', token: TOKEN });
    const stored = await row(said.eventId);
    expect(stored?.outcome).toBe('ok');
    expect(stored!.payload).not.toContain(TOKEN);
    expect(JSON.parse(stored!.payload).header.event_id).toBe(said.eventId);
  });

  it('a card click is stored without its token', async () => {
    const click = fixture<any>('card.action.trigger');
    click.header.token = TOKEN;
    click.header.event_id = `evt_card_${Date.now()}`;
    const res = await h.post(click, { path: '/lark/cards' });
    expect(res.status).toBe(200);
    const stored = await row(click.header.event_id);
    expect(stored).toBeDefined();
    expect(stored!.payload).not.toContain(TOKEN);
  });
});

describe('retention', () => {
  it('deletes handled events and sent messages older than RETENTION_DAYS, keeps pending ones, once per night', async () => {
    const { dbh, runner } = h.server.runtime;
    const old = await h.say({ from: 'ou_chenbo', chat: 'oc_ret_old', text: '帮助' });
    const longAgo = h.clock.now().toISOString();
    // The sender stamps sent_at with the wall clock; the night chosen is 31 days after the latest stamp.
    const [stamp] = await dbh.db.all<{ last: string }>(sql`select max(coalesce(sent_at, '')) as last from outbox`);
    const night = new Date(Math.max(Date.parse(stamp!.last), h.clock.now().getTime()) + 31 * DAY);
    // An event handled 10 days before that night stays.
    h.clock.set(new Date(night.getTime() - 10 * DAY));
    const recent = await h.say({ from: 'ou_chenbo', chat: 'oc_ret_recent', text: '帮助' });
    h.clock.set(night);

    // An event answered but never handled (a crash), and messages not yet sent or given up on: all must stay.
    const pending = messageEvent({ from: 'ou_chenbo', chat: 'oc_ret_pending', text: '帮助' });
    await dbh.db.insert(inbox).values({ eventId: pending.header.event_id, eventType: pending.header.event_type, receivedAt: longAgo, payload: JSON.stringify(pending) });
    const kept = await dbh.db
      .insert(outbox)
      .values([
        // waiting for a retry a long way off (Lark down), so the sender leaves it pending
        { dedupeKey: 'ret:pending', kind: 'send', target: 'oc_ret_pending', chatId: 'oc_ret_pending', msgType: 'text', createdAt: longAgo, nextAttemptAt: Date.parse('2099-01-01T00:00:00Z') },
        { dedupeKey: 'ret:failed', kind: 'send', target: 'oc_ret_pending', chatId: 'oc_ret_pending', msgType: 'text', createdAt: longAgo, status: 'failed' },
        // sent 10 days before that night (the sender's own stamps are all older): it stays, and what it said with it
        { dedupeKey: 'ret:sent-lately', kind: 'send', target: 'oc_ret_recent', chatId: 'oc_ret_recent', msgType: 'text', createdAt: longAgo, status: 'sent', sentAt: new Date(night.getTime() - 10 * DAY).toISOString() },
      ])
      .returning({ id: outbox.id });
    await dbh.db.insert(outboxContent).values(kept.map((k) => ({ outboxId: k.id, content: '{"text":"x"}' })));
    // A token stored by an older version in a recent event is removed by the same run; the event stays.
    const legacy = messageEvent({ from: 'ou_chenbo', chat: 'oc_ret_legacy', text: '帮助', token: TOKEN });
    const lately = new Date(night.getTime() - 5 * DAY).toISOString();
    await dbh.db.insert(inbox).values({ eventId: legacy.header.event_id, eventType: legacy.header.event_type, receivedAt: lately, handledAt: lately, outcome: 'ok', payload: JSON.stringify(legacy) });

    const sentBefore = (await dbh.db.select().from(outbox).where(eq(outbox.status, 'sent'))).filter((r) => Date.parse(r.sentAt!) < night.getTime() - 30 * DAY - DAY);
    expect(sentBefore.length).toBeGreaterThan(0);
    const [first] = await runner.runNow('retention', night);
    expect(first!.outcome).toBe('nothing');

    expect(await row(old.eventId)).toBeUndefined();
    expect(await row(pending.header.event_id)).toBeDefined();
    expect(await row(recent.eventId)).toBeDefined();
    // the claims go with the events deleted, and stay with those kept
    const claimed = async (eventId: string) => (await dbh.db.select().from(inboxClaims).where(eq(inboxClaims.eventId, eventId))).length;
    expect(await claimed(old.eventId)).toBe(0);
    expect(await claimed(recent.eventId)).toBe(1);
    expect((await row(legacy.header.event_id))!.payload).not.toContain(TOKEN);
    const left = await dbh.db.select().from(outbox);
    for (const r of sentBefore) expect(left.find((x) => x.id === r.id), r.dedupeKey).toBeUndefined();
    expect(left.map((r) => r.dedupeKey)).toEqual(expect.arrayContaining(['ret:pending', 'ret:failed', 'ret:sent-lately']));
    // what the deleted messages said goes with them; every message kept still has its content
    const said = new Set((await dbh.db.select({ id: outboxContent.outboxId }).from(outboxContent)).map((c) => c.id));
    for (const r of sentBefore) expect(said.has(r.id), r.dedupeKey).toBe(false);
    expect(left.filter((r) => !said.has(r.id))).toEqual([]);

    const [again] = await runner.runNow('retention', night);
    expect(again!.outcome).toBe('already');
  });

  it('the retention job is listed with the jobs', async () => {
    const { jobs } = await h.server.runtime.runner.list();
    expect(jobs.map((j) => j.name)).toContain('retention');
    expect(jobs.find((j) => j.name === 'retention')!.summary).toContain('30 天前');
  });
});
