// 会议备忘 (minutes): the text is kept on the meeting, and each 议定事项 read by minutes-lines.ts becomes a ledger task
// (台账) linked to the meeting. Sending the minutes again (corrected) adds only the items not yet in the ledger.
import { and, eq } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { meetings, tasks } from '../../db/schema.js';
import { addTaskStatements } from '../ledger/tasks.js';
import type { MinutesTask } from './minutes-lines.js';
import { meetingEventStatement, type Meeting } from './store.js';

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
  // The same action for two lead units is two tasks (seeds/004: every community gets the same one); the same action for
  // the same unit again is the minutes sent twice.
  const existing = await db.select({ title: tasks.title, lead: tasks.leadUnitId }).from(tasks).where(and(eq(tasks.campaignId, cid), eq(tasks.meetingId, m.id)));
  const keyOf = (title: string, lead: number) => JSON.stringify([title, lead]);
  const seen = new Set(existing.map((t) => keyOf(t.title, t.lead)));
  const fresh: ActionItem[] = [];
  const skipped: ActionItem[] = [];
  for (const it of items) {
    if (seen.has(keyOf(it.title, it.leadUnitId))) skipped.push(it);
    else {
      seen.add(keyOf(it.title, it.leadUnitId));
      fresh.push(it);
    }
  }
  // The minutes as recorded now join the meeting's history; the task numbers come from the campaign's counter.
  const statements: Array<{ run(): unknown }> = [
    db.update(meetings).set({ minutes }).where(eq(meetings.id, m.id)),
    meetingEventStatement(dbh, m, { kind: 'minutes', by: by.personId, at: now, note: minutes }),
  ];
  for (const it of fresh) {
    const task = { title: it.title, groupId: m.groupId, leadUnitId: it.leadUnitId, cooperatingUnitIds: it.cooperatingUnitIds, deadline: it.deadline, meetingId: m.id, source: 'meeting' };
    statements.push(...addTaskStatements(dbh, cid, task, { by: by.personId, at: now }, { created: `会议纪要 M${m.seq}` }));
  }
  await dbh.atomic(statements);
  const rows = await db.select({ seq: tasks.seq, title: tasks.title, lead: tasks.leadUnitId }).from(tasks).where(and(eq(tasks.campaignId, cid), eq(tasks.meetingId, m.id)));
  const created = fresh.map((item) => ({ seq: rows.find((r) => r.title === item.title && r.lead === item.leadUnitId)!.seq, item }));
  return { created, skipped };
}
