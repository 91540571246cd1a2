// Workdays in China: public holidays and the official adjusted workdays (调休) from the chinese-days package, which
// follows the State Council's yearly notice, overridden by the plan's `calendar:` dates. For a year that neither the
// package nor the plan covers yet, Monday–Friday without the fixed-date holidays (元旦, 劳动节, 国庆 1–3 October).
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

/** Where a year's workdays come from: the package, the plan's `calendar:` dates, or the fixed-date fallback. */
export type CalendarSource = 'package' | 'plan' | 'fallback' | 'none';

/** The plan's `calendar:` section: dates (YYYY-MM-DD) or ranges ("2027-02-06..2027-02-13"). */
export interface CalendarOverrides {
  holidays?: string[];
  workdays?: string[];
}

export interface WorkCalendar {
  kind: CalendarKind;
  isWorkday(date: string): boolean;
  /** the holiday's name when the date is a public holiday (e.g. 国庆节), else undefined */
  holidayName(date: string): string | undefined;
  /** true when the year's official schedule is known, from the package or the plan (always true for 'none') */
  covers(year: number): boolean;
  /** where the year's workdays come from */
  sourceOf(year: number): CalendarSource;
}

const weekday = (date: string) => DateTime.fromISO(date).weekday; // 1 = Monday … 7 = Sunday

/** Holidays on the same date every year (国务院《全国年节及纪念日放假办法》): what is certain before the yearly notice. */
const FIXED_HOLIDAYS: Record<string, string> = { '01-01': '元旦', '05-01': '劳动节', '10-01': '国庆节', '10-02': '国庆节', '10-03': '国庆节' };

/** Dates and "from..to" ranges as a set of YYYY-MM-DD; entries that are neither are skipped (the plan check names them). */
export function expandDates(entries: readonly string[] = []): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    const [a, b] = String(e).split('..').map((s) => s.trim());
    const from = DateTime.fromISO(a ?? '');
    const to = b === undefined ? from : DateTime.fromISO(b);
    if (!from.isValid || !to.isValid) continue;
    for (let d = from, i = 0; d <= to && i < 400; d = d.plus({ days: 1 }), i++) out.add(d.toISODate()!);
  }
  return out;
}

export function workCalendar(kind: CalendarKind = 'cn', overrides: CalendarOverrides = {}): WorkCalendar {
  const holidays = expandDates(overrides.holidays);
  const workdays = expandDates(overrides.workdays);
  const planYears = new Set([...holidays, ...workdays].map((d) => Number(d.slice(0, 4))));
  const sourceOf = (year: number): CalendarSource =>
    kind === 'none' ? 'none' : coveredYears.has(year) ? 'package' : planYears.has(year) ? 'plan' : 'fallback';
  const base = (date: string): boolean => {
    const source = sourceOf(Number(date.slice(0, 4)));
    if (source === 'package') return cnIsWorkday(date);
    if (source === 'none') return weekday(date) <= 5;
    // The fixed-date holidays are statutory every year; the plan's dates add the rest of the year's schedule.
    return weekday(date) <= 5 && !FIXED_HOLIDAYS[date.slice(5)];
  };
  // The schedule of a date never changes: each calendar remembers its answers (periods and due times ask often).
  const known = new Map<string, boolean>();
  return {
    kind,
    isWorkday(date) {
      let v = known.get(date);
      if (v === undefined) known.set(date, (v = workdays.has(date) ? true : holidays.has(date) ? false : base(date)));
      return v;
    },
    holidayName(date) {
      if (workdays.has(date)) return undefined;
      const source = sourceOf(Number(date.slice(0, 4)));
      if (holidays.has(date)) return source === 'package' ? (packageHoliday(date) ?? '节假日') : '节假日';
      if (source === 'package') return packageHoliday(date);
      if ((source === 'fallback' || source === 'plan') && weekday(date) <= 5) return FIXED_HOLIDAYS[date.slice(5)];
      return undefined;
    },
    covers: (year) => sourceOf(year) !== 'fallback',
    sourceOf,
  };
}

function packageHoliday(date: string): string | undefined {
  const d = getDayDetail(date);
  if (d.work) return undefined;
  const parts = d.name.split(',');
  return parts.length >= 2 ? parts[1] : undefined;
}

export const lastCoveredYear = () => Math.max(...coveredYears);

/** What a campaign row carries that decides its calendar. */
export interface CalendarHolder {
  workdayCalendar: string;
  settings?: unknown;
}

const byCampaign = new WeakMap<object, WorkCalendar>();

/** The campaign's workday calendar: its kind (`workday_calendar`) and the plan's `calendar:` dates. */
export function calendarOf(campaign: CalendarHolder): WorkCalendar {
  const hit = byCampaign.get(campaign);
  if (hit) return hit;
  const overrides = ((campaign.settings ?? {}) as { calendar?: CalendarOverrides }).calendar ?? {};
  const cal = workCalendar(campaign.workdayCalendar === 'none' ? 'none' : 'cn', overrides);
  byCampaign.set(campaign, cal);
  return cal;
}

/** The workday on or before `date` (a due date on a holiday moves to the previous workday). */
export function onOrBeforeWorkday(cal: WorkCalendar, date: string): string {
  let d = DateTime.fromISO(date);
  for (let i = 0; i < 40 && !cal.isWorkday(d.toISODate()!); i++) d = d.minus({ days: 1 });
  return d.toISODate()!;
}

/** Moves an instant on a non-workday back to the same time on the previous workday. */
export function backToWorkdayAt(cal: WorkCalendar, at: DateTime): DateTime {
  let d = at;
  for (let i = 0; i < 30 && !cal.isWorkday(d.toISODate()!); i++) d = d.minus({ days: 1 });
  return d;
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
