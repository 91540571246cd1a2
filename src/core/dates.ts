// Dates and times as people type them, read in the campaign's timezone with luxon:
// 2026-12-31, 2026/12/31, 12月31日, 12-31, 明天, 下周五, 月底, 3天后, tomorrow, next friday, "明天 上午10点", "tomorrow 3pm".
import { DateTime } from 'luxon';
import { halfWidth } from './text.js';

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** 三 → 3, 十二 → 12, 二十 → 20, 二十三 → 23; digits pass through. Malformed numerals (十二三, 十十) are not numbers. */
export function cnNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (/^[零〇一二两三四五六七八九]+$/.test(s)) return [...s].reduce((n, ch) => n * 10 + CN_DIGITS[ch]!, 0);
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (!m) return undefined;
  return (m[1] ? CN_DIGITS[m[1]]! : 1) * 10 + (m[2] ? CN_DIGITS[m[2]]! : 0);
}

/** A count for "3天后" / "in 3 days": small enough that the date it names exists. */
function count(s: string): number | undefined {
  const n = cnNumber(s);
  return n !== undefined && n <= 100_000 ? n : undefined;
}

const WEEKDAY_ZH: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };
const WEEKDAY_EN: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const MONTH_EN: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

function ymd(y: number, m: number, d: number, zone: string): DateTime | undefined {
  const dt = DateTime.fromObject({ year: y, month: m, day: d }, { zone });
  // A day the zone skipped (Kiritimati's 1994-12-31) comes back as the next day: it is no date there.
  return dt.isValid && dt.year === y && dt.month === m && dt.day === d ? dt : undefined;
}

/**
 * A month-day without a year is the nearest one: within the past six months, else next year's. The year is chosen
 * from the month (2月29日 said in November means next February, which may be a leap one); a day that month does not
 * have in that year is no date.
 */
function nearest(m: number, d: number, today: DateTime): DateTime | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const firstOfMonth = DateTime.fromObject({ year: today.year, month: m, day: 1 }, { zone: today.zone });
  const probe = firstOfMonth.set({ day: Math.min(d, firstOfMonth.daysInMonth!) });
  const year = probe < today.minus({ months: 6 }) ? today.year + 1 : today.year;
  return ymd(year, m, d, today.zoneName!);
}

/** The given weekday in the week of `base` (Monday first), or the next one when `upcoming` and it has passed. */
function weekdayOf(base: DateTime, wd: number): DateTime {
  return base.startOf('week').plus({ days: wd - 1 });
}

/** Reads a date at the start of `s`; answers the date and what was left unread. */
export function readDate(input: string, now: Date, zone: string): { date: DateTime; rest: string } | undefined {
  const s = halfWidth(input).trim();
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const lower = s.toLowerCase();
  let m: RegExpExecArray | null;
  // A date luxon cannot represent (a year past 275,760) is no date.
  const hit = (date: DateTime | undefined, len: number) => (date?.isValid ? { date, rest: s.slice(len).trim() } : undefined);

  if ((m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?/.exec(s))) return hit(ymd(+m[1]!, +m[2]!, +m[3]!, zone), m[0].length);
  if ((m = /^([0-9一二三四五六七八九十]{1,3})月([0-9一二三四五六七八九十]{1,3})[日号]?/.exec(s))) {
    const mo = cnNumber(m[1]!);
    const d = cnNumber(m[2]!);
    return mo && d ? hit(nearest(mo, d, today), m[0].length) : undefined;
  }
  if ((m = /^(\d{1,2})[-/](\d{1,2})(?![\d:])/.exec(s))) return hit(nearest(+m[1]!, +m[2]!, today), m[0].length);
  if ((m = /^(今天|今日|明天|明日|后天|大后天|昨天)/.exec(s))) {
    const off = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3, 昨天: -1 }[m[1]!]!;
    return hit(today.plus({ days: off }), m[0].length);
  }
  if ((m = /^(下下|下|本|这|这个|下个)?(?:周|星期|礼拜)([一二三四五六日天1-7])/.exec(s))) {
    const wd = WEEKDAY_ZH[m[2]!]!;
    const which = m[1] ?? '';
    const weeks = which === '下下' ? 2 : which.startsWith('下') ? 1 : 0;
    let date = weekdayOf(today, wd).plus({ weeks });
    // A bare 周五 said on Saturday means the coming Friday.
    if (!which && date < today) date = date.plus({ weeks: 1 });
    return hit(date, m[0].length);
  }
  if ((m = /^(本月底|月底|月末|下月底|下个月底)/.exec(s))) {
    const base = m[1]!.startsWith('下') ? today.plus({ months: 1 }) : today;
    return hit(base.endOf('month').startOf('day'), m[0].length);
  }
  if ((m = /^([0-9一二三四五六七八九十]+)(天|日|周|个月)[以之]?后/.exec(s))) {
    const n = count(m[1]!);
    if (n === undefined) return undefined;
    const unit = m[2] === '周' ? 'weeks' : m[2] === '个月' ? 'months' : 'days';
    return hit(today.plus({ [unit]: n }), m[0].length);
  }
  if ((m = /^(today|tomorrow|yesterday)\b/.exec(lower))) return hit(today.plus({ days: { today: 0, tomorrow: 1, yesterday: -1 }[m[1]!]! }), m[0].length);
  if ((m = /^(?:(next|this)\s+)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b/.exec(lower))) {
    let date = weekdayOf(today, WEEKDAY_EN[m[2]!]!);
    if (m[1] === 'next') date = date.plus({ weeks: 1 });
    else if (date < today) date = date.plus({ weeks: 1 });
    return hit(date, m[0].length);
  }
  if ((m = /^(?:end of (?:the )?(this|next) month|end of month)\b/.exec(lower))) {
    return hit((m[1] === 'next' ? today.plus({ months: 1 }) : today).endOf('month').startOf('day'), m[0].length);
  }
  if ((m = /^in\s+(\d+)\s+(day|week|month)s?\b/.exec(lower))) {
    const n = count(m[1]!);
    return n === undefined ? undefined : hit(today.plus({ [`${m[2]}s`]: n }), m[0].length);
  }
  if ((m = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b/.exec(lower))) {
    const mo = MONTH_EN[m[1]!]!;
    return hit(m[3] ? ymd(+m[3], mo, +m[2]!, zone) : nearest(mo, +m[2]!, today), m[0].length);
  }
  if ((m = /^(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+(\d{4}))?\b/.exec(lower))) {
    const mo = MONTH_EN[m[2]!]!;
    return hit(m[3] ? ymd(+m[3], mo, +m[1]!, zone) : nearest(mo, +m[1]!, today), m[0].length);
  }
  return undefined;
}

/** A whole string that is one date, as YYYY-MM-DD in the campaign's timezone. */
export function parseDate(input: string, now: Date, zone: string): string | undefined {
  const r = readDate(input, now, zone);
  return r && r.rest === '' ? r.date.toISODate()! : undefined;
}

/** Reads a time of day: 15:00, 9:30, 10点, 10点半, 下午3点, 上午10点30分, 10am, 3:30pm. */
export function readTime(input: string): { hour: number; minute: number; rest: string } | undefined {
  const s = halfWidth(input).trim();
  let m: RegExpExecArray | null;
  // am/pm first: "3:30pm" is not 03:30 followed by "pm"
  if ((m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b/i.exec(s))) {
    let h = +m[1]!;
    // a 12-hour clock: 13pm and 0am are not times
    if (h < 1 || h > 12) return undefined;
    if (m[3]!.toLowerCase() === 'pm' && h < 12) h += 12;
    if (m[3]!.toLowerCase() === 'am' && h === 12) h = 0;
    return valid(h, m[2] ? +m[2] : 0, s.slice(m[0].length));
  }
  if ((m = /^(上午|早上|中午|下午|晚上|傍晚)?\s*(\d{1,2})[:：](\d{2})/.exec(s))) return fix(m[1], +m[2]!, +m[3]!, m[0].length);
  if ((m = /^(上午|早上|中午|下午|晚上|傍晚)?\s*([0-9一二三四五六七八九十]{1,3})\s*[点时](半|([0-9一二三四五六七八九十]{1,3})分?)?/.exec(s))) {
    const h = cnNumber(m[2]!);
    const min = m[3] === '半' ? 30 : m[4] ? cnNumber(m[4]) : 0;
    return h === undefined || min === undefined ? undefined : fix(m[1], h, min, m[0].length);
  }
  return undefined;

  function fix(part: string | undefined, h: number, min: number, len: number) {
    const pm = part === '下午' || part === '晚上' || part === '傍晚' || (part === '中午' && h < 6);
    return valid(pm && h < 12 ? h + 12 : h, min, s.slice(len));
  }
  function valid(hour: number, minute: number, rest: string) {
    return hour <= 23 && minute <= 59 ? { hour, minute, rest: rest.trim() } : undefined;
  }
}

/** A date and a time ("明天 10:00", "下周一下午3点", "2026-12-01 9:30", "tomorrow 10am"); a time alone means today. */
export function parseDateTime(input: string, now: Date, zone: string): DateTime | undefined {
  const s = halfWidth(input).trim();
  const d = readDate(s, now, zone);
  const timePart = d ? d.rest.replace(/^(at|的)\s*/i, '') : s;
  const t = readTime(timePart);
  if (!t || t.rest !== '') return undefined;
  const day = d?.date ?? DateTime.fromJSDate(now, { zone }).startOf('day');
  return day.set({ hour: t.hour, minute: t.minute, second: 0, millisecond: 0 });
}

const WEEKDAY_NAME_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/**
 * How far a day is from today, in words: 今天 / 明天 / 后天 / 3天后（周一） (today / tomorrow / the day after tomorrow /
 * in 3 days (Mon)). Reminders say this from the real dates: a Monday meeting reminded on Friday is 3天后, not 明天.
 */
export function relativeDay(today: DateTime, day: DateTime, lang: 'zh' | 'en'): string {
  const n = Math.round(day.setZone(today.zone).startOf('day').diff(today.startOf('day'), 'days').days);
  if (lang === 'en') {
    const words = ['today', 'tomorrow', 'the day after tomorrow'];
    return n >= 0 && n < 3 ? words[n]! : n > 0 ? `in ${n} days (${day.setLocale('en-GB').toFormat('ccc')})` : `${-n} days ago`;
  }
  if (n >= 0 && n < 3) return ['今天', '明天', '后天'][n]!;
  return n > 0 ? `${n}天后（${WEEKDAY_NAME_ZH[day.weekday]}）` : `${-n}天前`;
}
