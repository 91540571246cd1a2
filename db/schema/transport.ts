// Transport and bookkeeping: the inbox of Lark events, the outbox of messages, the job ledger and meta values.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { campaigns } from './org.js';

/**
 * Inbox: every Lark event accepted, as it came, stored before the HTTP answer; handled_at is set once it was handled.
 * Rows are numbered in the order they were stored (`id`, the handler thread's read position) and every delivery is a
 * row, a redelivery too: which copy of an event is handled is decided when handling starts (inbox_claims), off the
 * answer. Keyed by event_id, each answer inserted into an index of random keys, a page of it written for each event
 * (WAL 8 KB an event, about 15 µs of the answer's CPU at 30,000 rows).
 */
export const inbox = sqliteTable(
  'inbox',
  {
    id: integer('id').primaryKey(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    receivedAt: text('received_at').notNull(),
    payload: text('payload').notNull(),
    handledAt: text('handled_at'),
    outcome: text('outcome'),
  },
  // only the rows not handled yet, in the order they were stored: small however long the inbox is kept
  (t) => [index('inbox_unhandled').on(t.id).where(sql`${t.handledAt} is null`)],
);

/**
 * The copy of each event that is handled: the first whose handling started claims its event_id, and any other copy
 * (Lark pushing again what it had no answer to in 3 s) is marked handled as 'redelivered' without doing anything.
 */
export const inboxClaims = sqliteTable('inbox_claims', {
  eventId: text('event_id').primaryKey(),
  inboxId: integer('inbox_id').notNull(),
  claimedAt: text('claimed_at').notNull(),
});

/**
 * A message that Lark has refused this many times, while it accepted others, stops holding back the later messages of
 * its chat: they go on while it is retried (a 5xx never fails a message for good).
 */
export const HOLDS_CHAT_FAILURES = 5;

/** Outbox: every outgoing message is a row first; dedupe_key doubles as Lark's message uuid. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull().unique(),
    campaignId: integer('campaign_id'),
    /** send: target is a chat_id / open_id; reply: target is a message_id; patch: target is a message_id */
    kind: text('kind').$type<'send' | 'reply' | 'patch' | 'file'>().notNull(),
    target: text('target').notNull(),
    targetType: text('target_type').notNull().default('chat_id'),
    /** the chat the message shows in, when known (replies and sends to chats) */
    chatId: text('chat_id'),
    msgType: text('msg_type').notNull(),
    status: text('status').$type<'pending' | 'sending' | 'sent' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** epoch ms: not before; for a row being sent ('sending'), when its lease runs out (the orphans' walk, db/statements.ts) */
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    leaseUntil: integer('lease_until').notNull().default(0),
    /**
     * Failures about this message itself (Lark refused it while accepting others) it may still have before it stops
     * holding back the later messages of its chat; outages and rate limits do not count (src/outbox.ts).
     */
    holdLeft: integer('hold_left').notNull().default(HOLDS_CHAT_FAILURES),
    lastError: text('last_error'),
    messageId: text('message_id'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [
    index('outbox_due').on(t.status, t.nextAttemptAt),
    // The unsent rows that hold their chat, by chat, oldest first: the first is the chat's head, the one that goes
    // next (db/statements.ts headOf). Partial, so it holds only what waits.
    index('outbox_chat_head')
      .on(sql`coalesce(${t.chatId}, ${t.target})`, t.id)
      .where(sql`${t.status} in ('pending', 'sending') and ${t.holdLeft} > 0`),
  ],
);

/**
 * What each outbox row says (its message's content, as Lark takes it), apart from its delivery state: the content is
 * written once, when the message is queued, while the row's state changes at each try (claimed, sent, failed). SQLite
 * writes a row again whole when it changes size, and a card's content (several KB, on overflow pages) was written again
 * with it each time: a reply's twice (queued, sent), a job's post's three times (queued, claimed, sent) and twice more
 * for each retry.
 */
export const outboxContent = sqliteTable('outbox_content', {
  outboxId: integer('outbox_id').primaryKey(),
  content: text('content').notNull(),
});

/** The exactly-once ledger of job runs, keyed by (job, campaign, period, chat). */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    job: text('job').notNull(),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    period: text('period').notNull(),
    chatId: text('chat_id').notNull(),
    ranAt: text('ran_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.campaignId, t.period, t.chatId] })],
);

/** Small key/value state: the bot's own open_id, the calendar id, "said once" log flags. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
