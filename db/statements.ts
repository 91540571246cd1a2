// The statements on the hot paths (every event handled, every message sent), prepared once per database with drizzle's
// `.prepare()` and placeholders, instead of building and preparing their SQL for each call. At a thousand events a
// second, preparing cost more than running. Other queries are built where they are used.
import { and, eq, getTableColumns, gt, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import { chats, inbox, inboxClaims, outbox, outboxContent, people } from './schema.js';

const p = sql.placeholder;
/** a placeholder where drizzle's types want an SQL value (update's set) */
const v = (name: string) => sql`${sql.placeholder(name)}`;

/**
 * The row that goes next in the chat of `key` (chat_id, or else target), `offset` 0, or the one after it: the chat's
 * oldest unsent rows that hold it (hold_left > 0). The first entries of the partial index outbox_chat_head, named so
 * that statistics (ANALYZE, D1's `PRAGMA optimize`) cannot turn the walk into a scan of the table.
 */
const headOf = (key: SQL, offset = 0) =>
  sql`(select o2.id from outbox o2 indexed by outbox_chat_head where o2.status in ('pending', 'sending') and o2.hold_left > 0 and coalesce(o2.chat_id, o2.target) = ${key} and o2.id > ${p('floor')} order by o2.id limit 1 offset ${sql.raw(String(offset))})`;
const chatKey = sql`coalesce(${outbox.chatId}, ${outbox.target})`;
/**
 * A LIMIT as `? + 0`: drizzle's `.limit(n)` binds even a number as a bare parameter, and SQLite compiles a bare bound
 * LIMIT with the value bound to it (sqlite3ExprIsInteger, in better-sqlite3's sqlite3.c), marking the statement to be
 * compiled again whenever that parameter is bound: at every run, as better-sqlite3 binds each time. Measured (SQLite
 * 3.53, an empty outbox): the dedupe check 3.6 µs a run against 0.4, the due rows' query 14.4 µs against 0.3; under the
 * bench's load the dedupe check was the dearest statement of a handling (25–37 µs). An expression is bound like any
 * value and the compiled statement is kept.
 */
const limitOf = (n: number | ReturnType<typeof p>) => sql`${n} + 0` as unknown as number;
/** due rows that may go now in their chat: its head, or a row that no longer holds it (hold_left 0) */
const mayGo = sql`(${outbox.holdLeft} = 0 or ${outbox.id} = ${headOf(chatKey)})`;

function prepareAll(db: Db) {
  // an inbox row for the event, unless its event_id was claimed (recordEvent, storeEvent)
  const eventRow = db
    .select({
      // every column in the table's order, as drizzle's insert-select wants (id null: the next number)
      id: sql`null`.as('id'),
      eventId: sql`${p('eventId')}`.as('event_id'),
      eventType: sql`${p('eventType')}`.as('event_type'),
      receivedAt: sql`${p('receivedAt')}`.as('received_at'),
      payload: sql`${p('payload')}`.as('payload'),
      handledAt: sql`null`.as('handled_at'),
      outcome: sql`null`.as('outcome'),
    })
    .from(sql`(select 1)`)
    .where(sql`not exists (select 1 from ${inboxClaims} where ${inboxClaims.eventId} = ${p('eventId')})`);
  const dueCols = { id: outbox.id, status: outbox.status, attempts: outbox.attempts, target: outbox.target, chatId: outbox.chatId, nextAttemptAt: outbox.nextAttemptAt, holdLeft: outbox.holdLeft };
  return {
    /**
     * when the inbox row `id` was handled (null: not yet; none: no such row), and the inbox row that claimed its event
     * `eventId`, if any (inbox_claims): both a handling looks at before it runs, in one statement
     */
    handledAt: db
      .select({ h: inbox.handledAt, holder: sql<number | null>`(select ${inboxClaims.inboxId} from ${inboxClaims} where ${inboxClaims.eventId} = ${p('eventId')})` })
      .from(inbox)
      .where(eq(inbox.id, p('id')))
      .prepare(),
    /** the oldest row of an event not handled yet (for a caller that did not get the row's id with the event) */
    unhandledRow: db
      .select({ id: inbox.id })
      .from(inbox)
      .where(and(isNull(inbox.handledAt), eq(inbox.eventId, p('eventId'))))
      .orderBy(inbox.id)
      .limit(limitOf(1))
      .prepare(),
    /**
     * claims an event's handling for the inbox row `inboxId`, and answers the row that holds the claim: this one, or
     * the copy that claimed it first (its own no-op update returns that row)
     */
    claimEvent: db
      .insert(inboxClaims)
      .values({ eventId: p('eventId'), inboxId: p('inboxId'), claimedAt: p('at') })
      .onConflictDoUpdate({ target: inboxClaims.eventId, set: { inboxId: sql`${sql.identifier('inbox_claims')}.${sql.identifier('inbox_id')}` } })
      .returning({ inboxId: inboxClaims.inboxId })
      .prepare(),
    /**
     * writes an event's claim with its handling's commit (better-sqlite3), kept by the copy that claimed it first; no
     * RETURNING (see storeEvent): the handling read the claim with its row's handled-at before it ran (handledAt)
     */
    writeClaim: db.insert(inboxClaims).values({ eventId: p('eventId'), inboxId: p('inboxId'), claimedAt: p('at') }).onConflictDoNothing().prepare(),
    /** a queued row with this dedupe key, if any */
    queued: db.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, p('key'))).limit(limitOf(1)).prepare(),
    /** the campaigns an active chat is bound to */
    chatCampaigns: db.select({ c: chats.campaignId }).from(chats).where(and(eq(chats.chatId, p('chatId')), eq(chats.active, true))).prepare(),
    /** the campaigns an active person belongs to */
    personCampaigns: db.select({ c: people.campaignId, id: people.id }).from(people).where(and(eq(people.openId, p('openId')), eq(people.active, true))).prepare(),
    /** rows due now that may go in their chat (`mayGo`), oldest first, without their content */
    duePending: db
      .select(dueCols)
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, p('now')), gt(outbox.id, p('floor')), mayGo))
      .orderBy(outbox.nextAttemptAt, outbox.id)
      .limit(limitOf(p('limit')))
      .prepare(),
    /**
     * rows claimed by a sender that died (their lease ran out) that may go in their chat. A row is claimed with its
     * next_attempt_at at its lease's end, so the index walks only the rows whose lease may have run out, not every row
     * being sent (thousands handed to the sender in a backlog: 85 µs a pass for each thousand). A row claimed before
     * that was so (next_attempt_at its due time) is walked, and told by its lease.
     */
    orphaned: db
      .select(dueCols)
      .from(outbox)
      .where(and(eq(outbox.status, 'sending'), lte(outbox.nextAttemptAt, p('now')), lte(outbox.leaseUntil, p('now')), gt(outbox.id, p('floor')), mayGo))
      .limit(limitOf(p('limit')))
      .prepare(),
    /**
     * stores an accepted event as the inbox's next row, answering its id, unless its event_id was claimed already (a
     * redelivery of an event being handled or handled: answered and dropped). Reads the claims, writes only the inbox.
     * (D1; on better-sqlite3 the answer's path runs storeEvent.)
     */
    recordEvent: db.insert(inbox).select(eventRow).returning({ id: inbox.id }).prepare(),
    /**
     * recordEvent without RETURNING (better-sqlite3): stored when the run changed a row, its id the run's
     * lastInsertRowid. RETURNING makes SQLite gather the returned rows in a table of their own before the first is
     * read: 11 µs an insert against 6.5 in a commit of 32 (SQLite 3.53), on every event answered.
     */
    storeEvent: db.insert(inbox).select(eventRow).prepare(),
    /** marks an event handled, once */
    markHandled: db
      .update(inbox)
      .set({ handledAt: v('at'), outcome: v('outcome') })
      .where(and(eq(inbox.id, p('id')), isNull(inbox.handledAt)))
      .prepare(),
    /** queues one message row (a second row with the same dedupe key is a no-op) */
    queueRow: db
      .insert(outbox)
      .values({ dedupeKey: p('dedupeKey'), campaignId: p('campaignId'), kind: p('kind'), target: p('target'), targetType: p('targetType'), chatId: p('chatId'), msgType: p('msgType'), createdAt: p('createdAt') })
      .onConflictDoNothing()
      .prepare(),
    /**
     * queues one message row already claimed by this process's sender (status 'sending', one attempt, leased): it is
     * handed over in memory and sent without being read back (src/outbox.ts, Sender.handOver)
     */
    queueClaimed: db
      .insert(outbox)
      .values({ dedupeKey: p('dedupeKey'), campaignId: p('campaignId'), kind: p('kind'), target: p('target'), targetType: p('targetType'), chatId: p('chatId'), msgType: p('msgType'), createdAt: p('createdAt'), status: 'sending', attempts: 1, leaseUntil: p('leaseUntil'), nextAttemptAt: p('leaseUntil') })
      .onConflictDoNothing()
      .prepare(),
    /** a sender takes a due row, only if no other sender changed it since it was read: the row with its content */
    claim: db
      .update(outbox)
      .set({ status: 'sending', leaseUntil: v('leaseUntil'), nextAttemptAt: v('leaseUntil'), attempts: v('attempts') })
      .where(and(eq(outbox.id, p('id')), eq(outbox.status, p('status')), eq(outbox.attempts, p('was'))))
      .returning({ ...getTableColumns(outbox), content: sql<string | null>`(select c.content from outbox_content c where c.outbox_id = outbox.id)` })
      .prepare(),
    /** the content of a row just queued (written once: its state changes in the outbox row) */
    putContent: db.insert(outboxContent).values({ outboxId: p('outboxId'), content: p('content') }).prepare(),
    /** the row that goes next in each chat asked about (`keys`: a JSON array of chat keys), or null (`headOf`), and the one after it */
    chatHeads: db
      .select({ key: sql<string>`j.value`, id: sql<number | null>`${headOf(sql`j.value`)}`, then: sql<number | null>`${headOf(sql`j.value`, 1)}` })
      .from(sql`json_each(${p('keys')}) j`)
      .prepare(),
    /** a row Lark accepted */
    markSent: db
      .update(outbox)
      .set({ status: 'sent', sentAt: v('sentAt'), messageId: v('messageId'), chatId: v('chatId'), lastError: null })
      .where(eq(outbox.id, p('id')))
      .prepare(),
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
