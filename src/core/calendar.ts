// Workdays in China: public holidays and the official adjusted workdays (调休) from the chinese-days package, which
// follows the State Council's yearly notice. For a year it does not cover yet we fall back to Monday–Friday and say so.
import chineseDays from 'chinese-days';
import { DateTime } from 'luxon';

const { isWorkday: cnIsWorkday, getDayDetail } = chineseDays;

/** Years the package has the official schedule for: those with any holiday listed. */
const coveredYears: ReadonlySet<number> = (() => {
  const years = new Set<number>();
  for (let y = 2004; y <= 2100; y++) {
    // A covered year always has 元旦 (Jan 1) as a named holiday; an uncovered one shows it as a plain weekday or weekend.
    const d = getDayDetail(`${y}-01-01`);
    if (!d.work && !/^(Saturday|Sunday)$/.test(d.name)) years.add(y);
  }
  return years;
})();

export type CalendarKind = 'cn' | 'none';

export interface WorkCalendar {
  kind: CalendarKind;
  isWorkday(date: string): boolean;
  /** the holiday's name when the date is a public holiday (e.g. 国庆节), else undefined */
  holidayName(date: string): string | undefined;
  /** true when the year is covered by the official schedule (always true for 'none') */
  covers(year: number): boolean;
}

const weekday = (date: string) => DateTime.fromISO(date).weekday; // 1 = Monday … 7 = Sunday

export function workCalendar(kind: CalendarKind = 'cn'): WorkCalendar {
  if (kind === 'none') {
    return { kind, isWorkday: (d) => weekday(d) <= 5, holidayName: () => undefined, covers: () => true };
  }
  return {
    kind,
    isWorkday(date) {
      const year = Number(date.slice(0, 4));
      return coveredYears.has(year) ? cnIsWorkday(date) : weekday(date) <= 5;
    },
    holidayName(date) {
      if (!coveredYears.has(Number(date.slice(0, 4)))) return undefined;
      const d = getDayDetail(date);
      if (d.work) return undefined;
      const parts = d.name.split(',');
      return parts.length >= 2 ? parts[1] : undefined;
    },
    covers: (year) => coveredYears.has(year),
  };
}

export const lastCoveredYear = () => Math.max(...coveredYears);

/** The workday on or before `date` (a due date on a holiday moves to the previous workday). */
export function onOrBeforeWorkday(cal: WorkCalendar, date: string): string {
  let d = DateTime.fromISO(date);
  for (let i = 0; i < 40 && !cal.isWorkday(d.toISODate()!); i++) d = d.minus({ days: 1 });
  return d.toISODate()!;
}

/** The last workday of a month, computed from the calendar (not assumed to be the last Friday). */
export function lastWorkdayOfMonth(cal: WorkCalendar, year: number, month: number): string {
  return onOrBeforeWorkday(cal, DateTime.fromObject({ year, month }).endOf('month').toISODate()!);
}

/** Workdays strictly after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workdaysBetween(cal: WorkCalendar, from: string, to: string): number {
  let n = 0;
  let d = DateTime.fromISO(from).plus({ days: 1 });
  const end = DateTime.fromISO(to);
  while (d <= end) {
    if (cal.isWorkday(d.toISODate()!)) n++;
    d = d.plus({ days: 1 });
  }
  return n;
}

/** The date `n` workdays after `date`. */
export function addWorkdays(cal: WorkCalendar, date: string, n: number): string {
  let d = DateTime.fromISO(date);
  let left = n;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (cal.isWorkday(d.toISODate()!)) left--;
  }
  return d.toISODate()!;
}
