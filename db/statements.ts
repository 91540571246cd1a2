// The statements on the hot paths (every event handled, every message sent), prepared once per database with drizzle's
// `.prepare()` and placeholders, instead of building and preparing their SQL for each call. At a thousand events a
// second, preparing cost more than running. Other queries are built where they are used.
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { chats, inbox, outbox, people } from './schema.js';

const p = sql.placeholder;

function prepareAll(db: Db) {
  const dueCols = { id: outbox.id, status: outbox.status, attempts: outbox.attempts, target: outbox.target, chatId: outbox.chatId, nextAttemptAt: outbox.nextAttemptAt };
  return {
    /** when an event was handled (none: not yet) */
    handledAt: db.select({ h: inbox.handledAt }).from(inbox).where(eq(inbox.eventId, p('eventId'))).prepare(),
    /** a queued row with this dedupe key, if any */
    queued: db.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, p('key'))).limit(1).prepare(),
    /** the campaigns an active chat is bound to */
    chatCampaigns: db.select({ c: chats.campaignId }).from(chats).where(and(eq(chats.chatId, p('chatId')), eq(chats.active, true))).prepare(),
    /** the campaigns an active person belongs to */
    personCampaigns: db.select({ c: people.campaignId, id: people.id }).from(people).where(and(eq(people.openId, p('openId')), eq(people.active, true))).prepare(),
    /** rows due now, oldest first, without their content */
    duePending: db
      .select(dueCols)
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, p('now')), gt(outbox.id, p('floor'))))
      .orderBy(outbox.nextAttemptAt, outbox.id)
      .limit(p('limit'))
      .prepare(),
    /** one row with its content, to send */
    outboxRow: db.select().from(outbox).where(eq(outbox.id, p('id'))).prepare(),
  };
}

export type Statements = ReturnType<typeof prepareAll>;

const byDb = new WeakMap<Db, Statements>();

/** The hot statements of this database, prepared at first use. */
export function statements(db: Db): Statements {
  let s = byDb.get(db);
  if (!s) byDb.set(db, (s = prepareAll(db)));
  return s;
}
