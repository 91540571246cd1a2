// Queuing into the outbox: a message is a row first, keyed by a dedupe key (a second queue of the same key is a no-op),
// written alone or inside the atomic write that also marks an event handled or a job occasion run.
import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client.js';
import { HOLDS_CHAT_FAILURES, outbox, outboxContent } from '../db/schema.js';
import { statements } from '../db/statements.js';
import type { Clock } from './core/clock.js';
import { fitMessage } from './lark/card-size.js';

export interface Outgoing {
  dedupeKey: string;
  campaignId?: number | null;
  kind: 'send' | 'reply' | 'patch';
  target: string;
  targetType?: 'chat_id' | 'open_id';
  chatId?: string | null;
  msgType: 'text' | 'interactive' | 'file';
  content: unknown;
}

/**
 * The statements that queue one message; run them alone or inside an atomic batch with other writes. A message over
 * Lark's size limits is queued as the several rows that carry it (src/lark/card-size.ts). Each row's content goes
 * into outbox_content, written once, and only for a row that is new (a dedupe key queued before inserts nothing).
 */
export function queueStatements(dbh: DbHandle, m: Outgoing, now: Date): Array<{ run(): unknown }> {
  const rows = rowsOf(m, now);
  // D1 batches take query builders: the contents by each row's dedupe key, after the rows
  if (dbh.driver === 'd1') {
    const { db } = dbh;
    return [
      db.insert(outbox).values(rows).onConflictDoNothing(),
      ...rows.map((r) =>
        db
          .insert(outboxContent)
          .select(db.select({ outboxId: outbox.id, content: sql<string>`${r.content}`.as('content') }).from(outbox).where(eq(outbox.dedupeKey, r.dedupeKey)))
          .onConflictDoNothing(),
      ),
    ];
  }
  // on better-sqlite3 the prepared inserts skip building the SQL for every row
  const { queueRow, putContent } = statements(dbh.db);
  return [
    {
      run: () =>
        rows.forEach((r) => {
          const res = queueRow.run(r);
          if (res.changes === 1) putContent.run({ outboxId: Number(res.lastInsertRowid), content: r.content });
        }),
    },
  ];
}

/** The rows that carry one message (several when it is over Lark's size limits). */
function rowsOf(m: Outgoing, now: Date) {
  return fitMessage(m).map((m) => ({
    dedupeKey: m.dedupeKey,
    campaignId: m.campaignId ?? null,
    kind: m.kind,
    target: m.target,
    targetType: m.targetType ?? 'chat_id',
    chatId: m.chatId ?? (m.kind === 'send' && (m.targetType ?? 'chat_id') === 'chat_id' ? m.target : null),
    msgType: m.msgType,
    content: m.content as string,
    createdAt: now.toISOString(),
  }));
}

/** An outbox row with what it says (outbox_content), as a sender sends it. */
export type OutboxRow = typeof outbox.$inferSelect & { content: string };

/** A row queued already claimed by this process's sender: what it needs to send it without reading it back. */
export type HandedRow = OutboxRow;

/**
 * Like `queueStatements` (better-sqlite3 only), but the rows are queued already claimed, leased until `leaseUntil` (the
 * sender's wall clock), and `run` answers the rows it inserted (a dedupe key queued before inserts nothing), to be
 * handed to the sender after the commit.
 */
export function queueClaimedStatement(dbh: DbHandle, m: Outgoing, now: Date, leaseUntil: number): { run(): HandedRow[] } {
  const { queueClaimed, putContent } = statements(dbh.db);
  const rows = rowsOf(m, now);
  return {
    run: () =>
      rows.flatMap((r) => {
        const res = queueClaimed.run({ ...r, leaseUntil });
        if (res.changes !== 1) return [];
        putContent.run({ outboxId: Number(res.lastInsertRowid), content: r.content });
        return [{ ...r, id: Number(res.lastInsertRowid), status: 'sending' as const, attempts: 1, nextAttemptAt: leaseUntil, leaseUntil, holdLeft: HOLDS_CHAT_FAILURES, lastError: null, messageId: null, sentAt: null }];
      }),
  };
}

/** Queues messages (outside any other write) and returns how many were new. */
export async function queue(dbh: DbHandle, clock: Clock, messages: Outgoing[]): Promise<void> {
  if (messages.length === 0) return;
  await dbh.atomic(messages.flatMap((m) => queueStatements(dbh, m, clock.now())));
}

/**
 * The messages Lark accepted for the rows queued under `key` or `key:…` (one card sent to several places), each with its
 * key, target and Lark's message_id: what a change patches so the cards already delivered show it.
 */
export async function deliveredUnder(dbh: DbHandle, key: string): Promise<Array<{ key: string; target: string; messageId: string }>> {
  const pattern = `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`;
  const rows = await dbh.db
    .select({ key: outbox.dedupeKey, target: outbox.target, messageId: outbox.messageId })
    .from(outbox)
    .where(and(or(eq(outbox.dedupeKey, key), sql`${outbox.dedupeKey} like ${pattern} escape '\\'`), eq(outbox.kind, 'send'), isNotNull(outbox.messageId)));
  return rows.map((r) => ({ ...r, messageId: r.messageId! }));
}
