// Reporting periods and due times (汇报周期): 2026-W48 (weekly), 2026-W48-1 / -2 (twice a week), 2026-11 (monthly),
// 2026-Q4 (quarterly). Computed in the campaign's timezone; a due date on a holiday moves to the previous workday.
import { DateTime } from 'luxon';
import type { Cadence, DueSpec } from '../../db/schema.js';
import { onOrBeforeWorkday, type WorkCalendar } from './calendar.js';

export interface RuleTiming {
  cadence: Cadence;
  due: DueSpec;
}

const WD: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

const weekKey = (d: DateTime) => `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;

function twiceDays(rule: RuleTiming): [number, number] {
  const days = (rule.due.weekdays ?? ['tue', 'fri']).map((w) => WD[w] ?? 5).sort((a, b) => a - b);
  return [days[0] ?? 2, days[1] ?? 5];
}

/** The period a moment belongs to. */
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
  return b.start.isValid;
}

/** The first and last moment (exclusive end) of a period. */
export function periodBounds(rule: RuleTiming, period: string, zone: string): { start: DateTime; end: DateTime } {
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

/** The moment a period's report is due, in the campaign's timezone, moved off holidays when the calendar says so. */
export function dueOf(rule: RuleTiming, period: string, zone: string, cal: WorkCalendar): DateTime {
  const date = onOrBeforeWorkday(cal, nominalDueDate(rule, period, zone));
  const [h, min] = rule.due.time.split(':').map(Number);
  return DateTime.fromISO(date, { zone }).set({ hour: h ?? 17, minute: min ?? 0 });
}

/** The period before or after `period`. */
export function shiftPeriod(rule: RuleTiming, period: string, zone: string, by: number): string {
  const { start, end } = periodBounds(rule, period, zone);
  let at = by >= 0 ? end : start.minus({ milliseconds: 1 });
  for (let i = 1; i < Math.abs(by); i++) {
    const b = periodBounds(rule, periodOf(rule, at, zone), zone);
    at = by >= 0 ? b.end : b.start.minus({ milliseconds: 1 });
  }
  return periodOf(rule, at, zone);
}

/** The latest period whose due time has passed at `now` (the one a chase or a lagging list is about). */
export function lastDuePeriod(rule: RuleTiming, now: Date, zone: string, cal: WorkCalendar): string {
  let p = periodOf(rule, now, zone);
  for (let i = 0; i < 3 && dueOf(rule, p, zone, cal).toMillis() > now.getTime(); i++) p = shiftPeriod(rule, p, zone, -1);
  return p;
}

/** Parses "1d", "2h", "30m" into milliseconds. */
export function durationMs(s: string): number {
  const m = /^(\d+)\s*([dhm])$/.exec(s.trim());
  if (!m) return 0;
  return +m[1]! * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
}
