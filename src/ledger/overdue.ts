// 逾期: the open ledger items past their deadline, oldest first, with days overdue in calendar days and in workdays
// (the campaign's workday calendar). One indexed range query (tasks_open_deadline) and one pass over the calendar,
// so it stays fast for a campaign of 5,000 tasks.
import { and, asc, eq, lt } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.js';
import { tasks } from '../../db/schema.js';
import { calendarOf, type WorkCalendar } from '../core/calendar.js';
import type { Campaign } from '../org.js';
import { ofUnit, type Task } from './tasks.js';

export interface OverdueItem {
  task: Task;
  /** calendar days since the deadline */
  days: number;
  /** workdays after the deadline up to and including today */
  workdays: number;
}

export interface OverdueScope {
  unitId?: number;
  groupId?: number;
}

/** Today's date in the campaign's timezone. */
export function todayIn(campaign: Pick<Campaign, 'timezone'>, now: Date): string {
  return DateTime.fromJSDate(now, { zone: campaign.timezone }).toISODate()!;
}

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

// The holiday schedule never changes for a given date, so each calendar remembers its answers: the overdue list and
// the digests ask about the same few hundred days again and again.
const memo = new WeakMap<WorkCalendar, Map<string, boolean>>();
function isWorkdayMemo(cal: WorkCalendar): (date: string) => boolean {
  let days = memo.get(cal);
  if (!days) memo.set(cal, (days = new Map()));
  return (date) => {
    let v = days.get(date);
    if (v === undefined) days.set(date, (v = cal.isWorkday(date)));
    return v;
  };
}

/** Workdays strictly after `from` up to and including `to`, for many `from`s at once: one pass over the days. */
export function workdayCounter(cal: WorkCalendar, earliest: string, to: string): (from: string) => number {
  const isWorkday = isWorkdayMemo(cal);
  const start = dayNumber(earliest);
  const end = dayNumber(to);
  // after[i] = workdays in (start + i, end]
  const after = new Array<number>(Math.max(end - start + 1, 1)).fill(0);
  for (let n = end - 1; n >= start; n--) after[n - start] = after[n - start + 1]! + (isWorkday(dateOf(n + 1)) ? 1 : 0);
  return (from) => {
    const i = dayNumber(from) - start;
    return i < 0 || i >= after.length ? 0 : after[i]!;
  };
}

/** Open items with a deadline before today, oldest first. */
export async function overdueTasks(db: Db, campaign: Campaign, now: Date, scope: OverdueScope = {}): Promise<{ today: string; items: OverdueItem[] }> {
  const today = todayIn(campaign, now);
  const rows = await db
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.campaignId, campaign.id),
        eq(tasks.status, 'open'),
        lt(tasks.deadline, today),
        scope.groupId !== undefined ? eq(tasks.groupId, scope.groupId) : undefined,
        scope.unitId !== undefined ? ofUnit(scope.unitId) : undefined,
      ),
    )
    .orderBy(asc(tasks.deadline), asc(tasks.seq));
  if (!rows.length) return { today, items: [] };
  const workdays = workdayCounter(calendarOf(campaign), rows[0]!.deadline, today);
  const t = dayNumber(today);
  return { today, items: rows.map((task) => ({ task, days: t - dayNumber(task.deadline), workdays: workdays(task.deadline) })) };
}

/** How overdue one task is, or undefined when it is closed or not yet due. */
export function overdueOf(campaign: Campaign, task: Task, now: Date): { days: number; workdays: number } | undefined {
  const today = todayIn(campaign, now);
  if (task.status !== 'open' || task.deadline >= today) return undefined;
  return { days: dayNumber(today) - dayNumber(task.deadline), workdays: workdayCounter(calendarOf(campaign), task.deadline, today)(task.deadline) };
}
