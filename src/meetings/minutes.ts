// 会议备忘 (minutes): the text is kept on the meeting, and each 议定事项 read by minutes-lines.ts becomes a ledger task
// (台账) linked to the meeting. Sending the minutes again (corrected) adds only the items not yet in the ledger.
import { and, eq, sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { meetings, taskEvents, tasks } from '../../db/schema.js';
import type { MinutesTask } from './minutes-lines.js';
import type { Meeting } from './store.js';

/** One 议定事项 to put in the ledger. */
export type ActionItem = Pick<MinutesTask, 'line' | 'title' | 'leadUnitId' | 'cooperatingUnitIds' | 'deadline'>;

/** The minutes text to keep: a standing series keeps every sitting's minutes, each under its date. */
export function mergedMinutes(m: Meeting, text: string, sittingDate: string | undefined): string {
  if (!m.recurrence) return text;
  const entry = `【${sittingDate ?? ''}】\n${text}`;
  return m.minutes ? `${m.minutes}\n\n${entry}` : entry;
}

/**
 * Stores the minutes and creates one task per new action item, all in one transaction. An item whose title is already
 * a task of this meeting (minutes sent again) is not created twice. Answers the task numbers created, in line order.
 */
export async function recordMinutes(
  dbh: DbHandle,
  m: Meeting,
  minutes: string,
  items: ActionItem[],
  by: { personId: number },
  now: Date,
): Promise<{ created: Array<{ seq: number; item: ActionItem }>; skipped: ActionItem[] }> {
  const { db } = dbh;
  const cid = m.campaignId;
  const existing = await db.select({ title: tasks.title }).from(tasks).where(and(eq(tasks.campaignId, cid), eq(tasks.meetingId, m.id)));
  const seen = new Set(existing.map((t) => t.title));
  const fresh: ActionItem[] = [];
  const skipped: ActionItem[] = [];
  for (const it of items) {
    if (seen.has(it.title)) skipped.push(it);
    else {
      seen.add(it.title);
      fresh.push(it);
    }
  }
  const at = now.toISOString();
  const statements: Array<{ run(): unknown }> = [db.update(meetings).set({ minutes }).where(eq(meetings.id, m.id))];
  for (const it of fresh) {
    statements.push(
      db.insert(tasks).values({
        campaignId: cid,
        seq: sql`(select coalesce(max(seq), 0) + 1 from tasks where campaign_id = ${cid})`,
        title: it.title,
        groupId: m.groupId,
        leadUnitId: it.leadUnitId,
        cooperatingUnitIds: it.cooperatingUnitIds,
        deadline: it.deadline,
        meetingId: m.id,
        source: 'meeting',
        createdBy: by.personId,
        createdAt: at,
      }),
      // The task just inserted is this campaign's highest seq: the statements run in one transaction.
      db.insert(taskEvents).values({
        campaignId: cid,
        taskId: sql`(select id from tasks where campaign_id = ${cid} order by seq desc limit 1)`,
        kind: 'created',
        byPersonId: by.personId,
        at,
        note: `会议纪要 M${m.seq}`,
      }),
    );
  }
  await dbh.atomic(statements);
  const rows = await db.select({ seq: tasks.seq, title: tasks.title }).from(tasks).where(and(eq(tasks.campaignId, cid), eq(tasks.meetingId, m.id)));
  const created = fresh.map((item) => ({ seq: rows.find((r) => r.title === item.title)!.seq, item }));
  return { created, skipped };
}
