// Recurring meetings from the plan ("weekly mon 15:00", "weekly mon,thu 15:00", "monthly last-thu 15:00", "monthly 5 09:00"),
// expanded into occurrences in the campaign's timezone. A standing meeting that falls on a public holiday is not held:
// the seeds' weekly 调度会 and monthly 专题会 simply skip the holiday week rather than move.
import { DateTime } from 'luxon';
import type { WorkCalendar } from '../core/calendar.js';

const WD: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const NTH: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4 };

export type Recurrence =
  | { freq: 'weekly'; weekdays: number[]; hour: number; minute: number }
  /** day: a day of the month (clamped to the month's length), or the nth / last weekday of the month */
  | { freq: 'monthly'; day: number | { nth: number | 'last'; weekday: number }; hour: number; minute: number };

export function parseRecurrence(text: string): Recurrence | undefined {
  const s = text.trim().toLowerCase().replace(/\s+/g, ' ');
  let m = /^weekly ((?:mon|tue|wed|thu|fri|sat|sun)(?:,(?:mon|tue|wed|thu|fri|sat|sun))*) (\d{1,2}):(\d{2})$/.exec(s);
  if (m) {
    const weekdays = [...new Set(m[1]!.split(',').map((w) => WD[w]!))].sort((a, b) => a - b);
    return time({ freq: 'weekly', weekdays, hour: +m[2]!, minute: +m[3]! });
  }
  m = /^monthly (?:(last|first|second|third|fourth)-(mon|tue|wed|thu|fri|sat|sun)|(\d{1,2})) (\d{1,2}):(\d{2})$/.exec(s);
  if (m) {
    const day = m[3] ? +m[3] : { nth: m[1] === 'last' ? ('last' as const) : NTH[m[1]!]!, weekday: WD[m[2]!]! };
    if (typeof day === 'number' && (day < 1 || day > 31)) return undefined;
    return time({ freq: 'monthly', day, hour: +m[4]!, minute: +m[5]! });
  }
  return undefined;

  function time<R extends Recurrence>(r: R): R | undefined {
    return r.hour <= 23 && r.minute <= 59 ? r : undefined;
  }
}

/** The date a monthly rule lands on in one month (before any holiday check). */
function monthlyDate(month: DateTime, day: Extract<Recurrence, { freq: 'monthly' }>['day']): DateTime | undefined {
  if (typeof day === 'number') return month.set({ day: Math.min(day, month.daysInMonth!) });
  if (day.nth === 'last') {
    const end = month.endOf('month').startOf('day');
    return end.minus({ days: (end.weekday - day.weekday + 7) % 7 });
  }
  const first = month.startOf('month');
  const d = first.plus({ days: (day.weekday - first.weekday + 7) % 7, weeks: day.nth - 1 });
  return d.month === month.month ? d : undefined;
}

/** Candidate dates (midnight, in zone) from the day of `from` to the day of `to`, in order. */
function candidateDays(r: Recurrence, from: DateTime, to: DateTime): DateTime[] {
  const out: DateTime[] = [];
  if (r.freq === 'weekly') {
    for (let d = from.startOf('day'); d <= to; d = d.plus({ days: 1 })) if (r.weekdays.includes(d.weekday)) out.push(d);
    return out;
  }
  for (let mo = from.startOf('month'); mo <= to; mo = mo.plus({ months: 1 })) {
    const d = monthlyDate(mo, r.day);
    if (d) out.push(d);
  }
  return out;
}

/**
 * Occurrences starting in [from, to), in the campaign's timezone, without those on a public holiday
 * (an adjusted workday 调休 that falls on a weekend is a workday and keeps its meeting when the rule names that day).
 */
export function occurrences(rule: string | Recurrence, from: Date, to: Date, zone: string, cal: WorkCalendar): DateTime[] {
  const r = typeof rule === 'string' ? parseRecurrence(rule) : rule;
  if (!r || to <= from) return [];
  const start = DateTime.fromJSDate(from, { zone });
  const end = DateTime.fromJSDate(to, { zone });
  return candidateDays(r, start, end)
    .filter((d) => cal.holidayName(d.toISODate()!) === undefined)
    .map((d) => d.set({ hour: r.hour, minute: r.minute, second: 0, millisecond: 0 }))
    .filter((t) => t >= start && t < end);
}

/** The first occurrence at or after `from` (looking a little over a year ahead). */
export function nextOccurrence(rule: string | Recurrence, from: Date, zone: string, cal: WorkCalendar): DateTime | undefined {
  const horizon = new Date(from.getTime() + 400 * 86_400_000);
  // Expand a month at a time: the next one is almost always in the first window.
  for (let a = from; a < horizon; a = new Date(a.getTime() + 31 * 86_400_000)) {
    const b = new Date(Math.min(a.getTime() + 31 * 86_400_000, horizon.getTime()));
    const hit = occurrences(rule, a, b, zone, cal)[0];
    if (hit) return hit;
  }
  return undefined;
}

const WD_ZH = ['', '一', '二', '三', '四', '五', '六', '日'];
const WD_EN = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const NTH_ZH: Record<string, string> = { '1': '第一个', '2': '第二个', '3': '第三个', '4': '第四个', last: '最后一个' };
const NTH_EN: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', last: 'last' };

/** "每周一 15:00" / "every Mon 15:00", "每月最后一个周四 15:00" / "monthly, last Thu 15:00". */
export function describeRecurrence(rule: string, lang: 'zh' | 'en'): string {
  const r = parseRecurrence(rule);
  if (!r) return rule;
  const hm = `${String(r.hour).padStart(2, '0')}:${String(r.minute).padStart(2, '0')}`;
  if (r.freq === 'weekly') {
    return lang === 'zh' ? `每周${r.weekdays.map((w) => WD_ZH[w]).join('、')} ${hm}` : `every ${r.weekdays.map((w) => WD_EN[w]).join(', ')} ${hm}`;
  }
  if (typeof r.day === 'number') return lang === 'zh' ? `每月${r.day}日 ${hm}` : `monthly on day ${r.day} ${hm}`;
  const n = String(r.day.nth);
  return lang === 'zh' ? `每月${NTH_ZH[n]}周${WD_ZH[r.day.weekday]} ${hm}` : `monthly, ${NTH_EN[n]} ${WD_EN[r.day.weekday]} ${hm}`;
}
