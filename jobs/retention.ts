// 保留期限 / retention: every night, events handled and messages sent more than RETENTION_DAYS ago (default 90) are
// deleted from the inbox and the outbox, so chat text people wrote is not kept forever. Nothing still pending is ever
// touched: an event not yet handled, a message not yet sent (or given up on: a failed row is evidence an operator
// needs). Tokens that older versions stored inside events are removed on the same run. It goes through the job
// runner's exactly-once ledger like any job; the deletes are its effects, written with the occasion marker.
import { and, inArray, isNotNull, lt, eq, notExists, or, sql } from 'drizzle-orm';
import { inbox, inboxClaims, outbox, outboxContent } from '../db/schema.js';
import { defineJob, timeOf, type JobDef } from './define.js';
import { dailyAt } from './occasions.js';

export const DEFAULT_RETENTION_DAYS = 90;

export function retentionJob(days: number = DEFAULT_RETENTION_DAYS): JobDef {
  return defineJob({
    name: 'retention',
    schedule: 'daily 03:30',
    summary: `保留期限：删除 ${days} 天前已处理的事件和已发送的消息（未处理、未发送的从不删除）`,
    occasions(ctx, from, to) {
      return dailyAt(from, to, timeOf(ctx, 'retention', '03:30')).map((d) => ({ period: d.toISODate()!, at: d, until: d.endOf('day') }));
    },
    async posts() {
      return [];
    },
    async effects(ctx, occ) {
      // Days counted from the occasion, not the wall clock: a run caught up late deletes what that night would have.
      const cutoff = occ.at.minus({ days: days }).toUTC().toISO()!;
      const { db } = ctx;
      const sentBefore = and(eq(outbox.status, 'sent'), isNotNull(outbox.sentAt), lt(outbox.sentAt, cutoff));
      // The inbox has no campaign: each campaign's run prunes all of it, which is the same delete and harmless twice.
      return [
        db.delete(inbox).where(and(isNotNull(inbox.handledAt), lt(inbox.handledAt, cutoff), lt(inbox.receivedAt, cutoff))),
        // and the claims of the events gone with them (a claim whose row is still there stays: its copies stay handled once)
        db.delete(inboxClaims).where(and(lt(inboxClaims.claimedAt, cutoff), notExists(db.select({ one: sql`1` }).from(inbox).where(eq(inbox.id, inboxClaims.inboxId))))),
        // what the messages said, then the messages
        db.delete(outboxContent).where(inArray(outboxContent.outboxId, db.select({ id: outbox.id }).from(outbox).where(sentBefore))),
        db.delete(outbox).where(sentBefore),
        db
          .update(inbox)
          .set({ payload: sql`json_remove(${inbox.payload}, '$.header.token', '$.token')` })
          .where(and(sql`json_valid(${inbox.payload})`, or(sql`json_extract(${inbox.payload}, '$.header.token') is not null`, sql`json_extract(${inbox.payload}, '$.token') is not null`))),
      ];
    },
  });
}
