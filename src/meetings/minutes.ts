// 会议备忘 (minutes): the text is kept on the meeting, and each action line `- [ ] <事项> 牵头：<单位> 截止：<日期>`
// becomes a ledger task (台账) linked to the meeting. Minutes with any bad action line are refused whole, by line number,
// so a half-recorded meeting never leaves half its tasks behind.
import { and, eq } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { meetings, tasks } from '../../db/schema.js';
import { addTaskStatements } from '../ledger/tasks.js';
import { parseArgs } from '../core/args.js';
import { parseDate } from '../core/dates.js';
import { halfWidth, splitList } from '../core/text.js';
import type { Org } from '../org.js';
import { describeMiss, resolveUnits } from './attendees.js';
import { meetingEventStatement, type Meeting } from './store.js';

export interface ActionItem {
  line: number;
  title: string;
  leadUnitId: number;
  cooperatingUnitIds: number[];
  deadline: string;
}

export interface LineProblem {
  line: number;
  message: string;
}

const KEYS = {
  lead: ['牵头', '牵头单位', '主责', '主责单位', '责任单位', 'lead', 'owner'],
  due: ['截止', '截止时间', '截止日期', '完成时限', 'due', 'deadline', 'by'],
  with: ['配合', '配合单位', 'with'],
} as const;

// People type 「完成摸排牵头：周转房办」 without a space before the key; parseArgs needs one.
const ZH_KEYS = new RegExp(`(?<=\\S)(${Object.values(KEYS).flat().filter((w) => /^[\u4e00-\u9fff]/.test(w)).sort((a, b) => b.length - a.length).join('|')})\\s*:`, 'g');

/** `- [ ] …`, `* [ ] …`, `－［ ］…`, `【 】…` after half-width folding. */
const ACTION = /^\s*(?:[-*]\s*)?\[\s*\]\s*(.*)$/;

export const DATE_FORMS = '2026-12-31、12月31日、12-31、明天、下周五、月底';

/** Reads the action items of minutes; any problem on any line refuses them all. */
export function parseMinutes(text: string, org: Org, now: Date, zone: string, lang: 'zh' | 'en'): { ok: true; items: ActionItem[] } | { ok: false; problems: LineProblem[] } {
  const items: ActionItem[] = [];
  const problems: LineProblem[] = [];
  halfWidth(text)
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const m = ACTION.exec(raw);
      if (!m) return;
      const line = i + 1;
      const say = (zh: string, en: string) => problems.push({ line, message: lang === 'zh' ? zh : en });
      const { text: title, named } = parseArgs(m[1]!.replace(ZH_KEYS, ' $1:'), KEYS);
      if (!title) say('事项内容为空', 'the item has no text');
      if (!named.lead) say('缺少「牵头：单位」', 'missing "lead: <unit>"');
      if (!named.due) say('缺少「截止：日期」', 'missing "due: <date>"');
      const lead = named.lead ? resolveUnits(org, [named.lead]) : undefined;
      if (lead && !lead.ok) say(describeMiss(org, lead.misses[0]!, 'zh'), describeMiss(org, lead.misses[0]!, 'en'));
      const co = named.with ? resolveUnits(org, splitList(named.with)) : { ok: true as const, units: [] };
      if (!co.ok) for (const miss of co.misses) say(describeMiss(org, miss, 'zh'), describeMiss(org, miss, 'en'));
      const deadline = named.due ? parseDate(named.due, now, zone) : undefined;
      if (named.due && !deadline) say(`看不懂截止日期「${named.due}」，可写：${DATE_FORMS}`, `Cannot read the date "${named.due}"; write e.g. 2026-12-31, 12-31, tomorrow, next friday`);
      if (title && lead?.ok && co.ok && deadline) {
        const leadUnitId = lead.units[0]!.id;
        items.push({ line, title, leadUnitId, cooperatingUnitIds: co.units.map((u) => u.id).filter((id) => id !== leadUnitId), deadline });
      }
    });
  return problems.length ? { ok: false, problems } : { ok: true, items };
}

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
