// Reporting periods and due times (汇报周期): 2026-W48 (weekly), 2026-W48-1 / -2 (twice a week), 2026-11 (monthly),
// 2026-Q4 (quarterly), on the campaign's workday calendar. A period with no workday (a week inside the Spring Festival
// holiday) is not held: nobody is asked, reminded, chased or scored for it. A held period's due day that falls on a
// holiday moves to the previous workday inside the period (a 调休 weekend workday counts).
import { DateTime } from 'luxon';
import type { Cadence, DueSpec } from '../../db/schema.js';
import { backToWorkdayAt, onOrBeforeWorkday, type WorkCalendar } from './calendar.js';

export interface RuleTiming {
  cadence: Cadence;
  due: DueSpec;
  /** reminder offsets before the due time ("1d", "2h"); a report after the first reminder files to its period */
  remindBefore?: string[];
}

const WD: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

const weekKey = (d: DateTime) => `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;

export function twiceDays(rule: RuleTiming): [number, number] {
  const days = (rule.due.weekdays ?? ['tue', 'fri']).map((w) => WD[w] ?? 5).sort((a, b) => a - b);
  return [days[0] ?? 2, days[1] ?? 5];
}

/** The period a moment belongs to on the calendar (held or not). */
export function periodOf(rule: RuleTiming, at: Date | DateTime, zone: string): string {
  const d = (at instanceof Date ? DateTime.fromJSDate(at) : at).setZone(zone);
  switch (rule.cadence) {
    case 'weekly':
      return weekKey(d);
    case 'twice_weekly':
      // The first half runs to the end of the first due day; the second half to the end of the week.
      return `${weekKey(d)}-${d.weekday <= twiceDays(rule)[0] ? 1 : 2}`;
    case 'monthly':
      return d.toFormat('yyyy-MM');
    case 'quarterly':
      return `${d.year}-Q${d.quarter}`;
  }
}

/** Is `text` a period key of this rule's cadence? */
export function isPeriodKey(cadence: Cadence, text: string): boolean {
  const re = { weekly: /^\d{4}-W\d{2}$/, twice_weekly: /^\d{4}-W\d{2}-[12]$/, monthly: /^\d{4}-\d{2}$/, quarterly: /^\d{4}-Q[1-4]$/ }[cadence];
  if (!re.test(text)) return false;
  const b = periodBounds({ cadence, due: { time: '00:00' } }, text, 'UTC');
  // 2026-W60 would roll over into 2027: a key names its own week only.
  return b.start.isValid && (cadence === 'monthly' || cadence === 'quarterly' || periodOf({ cadence, due: { time: '00:00' } }, b.start, 'UTC').startsWith(text.slice(0, 8)));
}

/** The first and last moment (exclusive end) of a period. */
export function periodBounds(rule: RuleTiming, period: string, zone: string): { start: DateTime; end: DateTime } {
  // Pure in its inputs and asked for thousands of times by a bulletin (luxon's zoned arithmetic is the cost): kept in a
  // bounded cache, emptied when full. DateTimes are immutable, so sharing them is safe.
  const key = `${zone}|${period}|${period.length > 8 ? twiceDays(rule)[0] : ''}`;
  let b = boundsCache.get(key);
  if (!b) {
    if (boundsCache.size >= 20_000) boundsCache.clear();
    boundsCache.set(key, (b = computeBounds(rule, period, zone)));
  }
  return b;
}

const boundsCache = new Map<string, { start: DateTime; end: DateTime }>();

function computeBounds(rule: RuleTiming, period: string, zone: string): { start: DateTime; end: DateTime } {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-W(\d{2})(?:-([12]))?$/.exec(period))) {
    const week = DateTime.fromObject({ weekYear: +m[1]!, weekNumber: +m[2]!, weekday: 1 }, { zone }).startOf('day');
    if (!m[3]) return { start: week, end: week.plus({ weeks: 1 }) };
    const split = week.plus({ days: twiceDays(rule)[0] });
    return m[3] === '1' ? { start: week, end: split } : { start: split, end: week.plus({ weeks: 1 }) };
  }
  if ((m = /^(\d{4})-Q([1-4])$/.exec(period))) {
    const start = DateTime.fromObject({ year: +m[1]!, month: (+m[2]! - 1) * 3 + 1, day: 1 }, { zone });
    return { start, end: start.plus({ months: 3 }) };
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(period))) {
    const start = DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: 1 }, { zone });
    return { start, end: start.plus({ months: 1 }) };
  }
  const invalid = DateTime.invalid('not a period key');
  return { start: invalid, end: invalid };
}

/** The period's days as YYYY-MM-DD, first to last. */
function daysOf(rule: RuleTiming, period: string, zone: string): string[] {
  const { start, end } = periodBounds(rule, period, zone);
  // Calendar dates step the same in every zone: counted in UTC, as luxon's zoned plus() costs a time-zone lookup a day.
  const last = end.toISODate()!;
  const out: string[] = [];
  for (let t = Date.UTC(start.year, start.month - 1, start.day); out.length < 93; t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d >= last) break;
    out.push(d);
  }
  return out;
}

/** The first and last workday of a period, or undefined when it has none (the period is not held). */
export function workdaySpan(rule: RuleTiming, period: string, zone: string, cal: WorkCalendar): { first: string; last: string } | undefined {
  const days = daysOf(rule, period, zone);
  const first = days.find((d) => cal.isWorkday(d));
  if (!first) return undefined;
  return { first, last: days.findLast((d) => cal.isWorkday(d))! };
}

/** A period with at least one workday is held; a week or half-week inside a holiday is not. */
export const isHeld = (rule: RuleTiming, period: string, zone: string, cal: WorkCalendar) => {
  const days = daysOf(rule, period, zone);
  return days.some((d) => cal.isWorkday(d));
};

/** The nominal due date (before any holiday shift) of a period, as YYYY-MM-DD. */
function nominalDueDate(rule: RuleTiming, period: string, zone: string): string {
  const { start, end } = periodBounds(rule, period, zone);
  switch (rule.cadence) {
    case 'weekly':
      return start.plus({ days: (WD[rule.due.weekday ?? 'fri'] ?? 5) - 1 }).toISODate()!;
    case 'twice_weekly': {
      const [a, b] = twiceDays(rule);
      const week = period.endsWith('-1') ? start : start.minus({ days: a });
      return week.plus({ days: (period.endsWith('-1') ? a : b) - 1 }).toISODate()!;
    }
    case 'monthly':
    case 'quarterly': {
      // Quarterly reports are due in the quarter's last month.
      const month = end.minus({ days: 1 });
      const day = rule.due.day === 'last' || rule.due.day === undefined ? month.daysInMonth! : Math.min(rule.due.day, month.daysInMonth!);
      return month.set({ day }).toISODate()!;
    }
  }
}

/**
 * The moment a period's report is due, in the campaign's timezone. A due day off work moves to the previous workday
 * of the same period; when the period has none before it (its only workday is a later 调休 day) to that later one.
 * A period that is not held keeps the plain previous workday (it is never asked for).
 */
export function dueOf(rule: RuleTiming, period: string, zone: string, cal: WorkCalendar): DateTime {
  const nominal = nominalDueDate(rule, period, zone);
  const days = daysOf(rule, period, zone);
  const before = days.filter((d) => d <= nominal && cal.isWorkday(d)).at(-1);
  const date = before ?? days.find((d) => d > nominal && cal.isWorkday(d)) ?? onOrBeforeWorkday(cal, nominal);
  const [h, min] = rule.due.time.split(':').map(Number);
  return DateTime.fromISO(date, { zone }).set({ hour: h ?? 17, minute: min ?? 0 });
}

/** The period before or after `period` on the calendar (held or not). */
export function shiftPeriod(rule: RuleTiming, period: string, zone: string, by: number): string {
  const { start, end } = periodBounds(rule, period, zone);
  let at = by >= 0 ? end : start.minus({ milliseconds: 1 });
  for (let i = 1; i < Math.abs(by); i++) {
    const b = periodBounds(rule, periodOf(rule, at, zone), zone);
    at = by >= 0 ? b.end : b.start.minus({ milliseconds: 1 });
  }
  return periodOf(rule, at, zone);
}

/** The held period `by` held periods before or after `period` (holiday weeks are skipped). */
export function shiftHeld(rule: RuleTiming, period: string, zone: string, cal: WorkCalendar, by: number): string {
  let p = period;
  const step = by >= 0 ? 1 : -1;
  for (let left = Math.abs(by), i = 0; left > 0 && i < 60; i++) {
    p = shiftPeriod(rule, p, zone, step);
    if (isHeld(rule, p, zone, cal)) left--;
  }
  return p;
}

/** The latest held period whose due time has passed at `now` (the one a chase or a lagging list is about). */
export function lastDuePeriod(rule: RuleTiming, now: Date, zone: string, cal: WorkCalendar): string {
  let p = periodOf(rule, now, zone);
  for (let i = 0; i < 30 && (!isHeld(rule, p, zone, cal) || dueOf(rule, p, zone, cal).toMillis() > now.getTime()); i++) p = shiftPeriod(rule, p, zone, -1);
  return p;
}

/** Parses "1d", "2h", "30m" into milliseconds. */
export function durationMs(s: string): number {
  const m = /^(\d+)\s*([dhm])$/.exec(s.trim());
  if (!m) return 0;
  return +m[1]! * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
}

/**
 * When each reminder of a held period goes out: due minus the offset, moved back to the same time on the previous
 * workday when it falls off work (the reminder before the first period after Spring Festival goes out before it).
 */
export function reminderTimes(rule: RuleTiming, period: string, zone: string, cal: WorkCalendar): Array<{ offset: string; at: DateTime }> {
  const due = dueOf(rule, period, zone, cal);
  return (rule.remindBefore ?? [])
    .map((offset) => ({ offset, ms: durationMs(offset) }))
    .filter((x) => x.ms > 0)
    .map(({ offset, ms }) => ({ offset, at: backToWorkdayAt(cal, due.minus({ milliseconds: ms })) }))
    .filter((x) => x.at < due);
}

/** Has the period started, or has a reminder already asked for it? Then a report may be filed to it. */
export function isOpenFor(rule: RuleTiming, period: string, now: Date, zone: string, cal: WorkCalendar): boolean {
  if (periodBounds(rule, period, zone).start.toMillis() <= now.getTime()) return true;
  return reminderTimes(rule, period, zone, cal).some((r) => r.at.toMillis() <= now.getTime());
}

/**
 * The period a report sent at `now` is for: the earliest held period not yet due that has started or been reminded
 * of (a report sent after a reminder and before that period's due time files to the reminded period); else the
 * current period (late); in a week that is not held, the next held period.
 */
export function reportingPeriod(rule: RuleTiming, now: Date, zone: string, cal: WorkCalendar): string {
  const current = periodOf(rule, now, zone);
  let p = isHeld(rule, current, zone, cal) ? current : shiftHeld(rule, current, zone, cal, 1);
  for (let i = 0; i < 12; i++, p = shiftHeld(rule, p, zone, cal, 1)) {
    if (!isOpenFor(rule, p, now, zone, cal)) break;
    if (dueOf(rule, p, zone, cal).toMillis() >= now.getTime()) return p;
  }
  return isHeld(rule, current, zone, cal) ? current : shiftHeld(rule, current, zone, cal, 1);
}
