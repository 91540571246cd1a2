// Occasion helpers shared by the jobs: daily moments on workdays, the first and last workday of a week or month.
import { DateTime } from 'luxon';
import { backToWorkdayAt, lastWorkdayOfMonth, type WorkCalendar } from '../src/core/calendar.js';

export type { Post } from './define.js';

/** Each date in (from, to] (campaign time) at HH:MM, as a DateTime. */
export function dailyAt(from: DateTime, to: DateTime, time: string): DateTime[] {
  const [h, m] = time.split(':').map(Number);
  const out: DateTime[] = [];
  for (let d = from.startOf('day'); d <= to; d = d.plus({ days: 1 })) {
    const at = d.set({ hour: h ?? 9, minute: m ?? 0, second: 0, millisecond: 0 });
    if (at > from && at <= to) out.push(at);
  }
  return out;
}

export const isWorkday = (cal: WorkCalendar, d: DateTime) => cal.isWorkday(d.toISODate()!);

/** The first workday of d's ISO week (Monday, or later when Monday is a holiday). */
export function firstWorkdayOfWeek(cal: WorkCalendar, d: DateTime): string | undefined {
  const monday = d.startOf('week');
  for (let i = 0; i < 7; i++) {
    const x = monday.plus({ days: i });
    if (cal.isWorkday(x.toISODate()!)) return x.toISODate()!;
  }
  return undefined;
}

/** The last workday of d's ISO week (Friday, or earlier when Friday is a holiday; a working Saturday counts). */
export function lastWorkdayOfWeek(cal: WorkCalendar, d: DateTime): string | undefined {
  const sunday = d.startOf('week').plus({ days: 6 });
  for (let i = 0; i < 7; i++) {
    const x = sunday.minus({ days: i });
    if (cal.isWorkday(x.toISODate()!)) return x.toISODate()!;
  }
  return undefined;
}

export const isLastWorkdayOfMonth = (cal: WorkCalendar, d: DateTime) => lastWorkdayOfMonth(cal, d.year, d.month) === d.toISODate();

/** Moves an instant on a non-workday back to the same time on the previous workday. */
export const backToWorkday = backToWorkdayAt;
