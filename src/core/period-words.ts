// Periods as people read and write them: 第48周（11月23日—27日）, 第48周上半周（11月23日—24日）, 2026年11月,
// 2026年第四季度; English campaigns keep the ISO code with its dates (2026-W48, 23–27 Nov). Every card, reminder and
// export names a period through periodLabel; `汇报 周期 …` reads both forms through readPeriod.
import { DateTime } from 'luxon';
import type { Cadence } from '../../db/schema.js';
import type { WorkCalendar } from './calendar.js';
import { cnNumber } from './dates.js';
import { isPeriodKey, periodBounds, reportingPeriod, shiftHeld, workdaySpan, type RuleTiming } from './periods.js';
import { halfWidth } from './text.js';

export interface PeriodWords {
  zone: string;
  cal: WorkCalendar;
  lang: 'zh' | 'en';
}

const QUARTER_ZH = ['', '一', '二', '三', '四'];

/** The cadence a key is written in (2026-W48 weekly, 2026-W48-1 twice weekly with Tuesday and Friday, …). */
export function ruleOfKey(key: string): RuleTiming {
  const cadence = /-W\d{2}-[12]$/.test(key) ? 'twice_weekly' : /-W\d{2}$/.test(key) ? 'weekly' : /-Q[1-4]$/.test(key) ? 'quarterly' : 'monthly';
  return { cadence, due: { time: '00:00' } };
}

/** 11月23日—27日, 12月28日—1月1日, 11月23日 / 23–27 Nov, 28 Dec – 1 Jan. */
function span(first: DateTime, last: DateTime, lang: 'zh' | 'en'): string {
  if (lang === 'en') {
    if (first.hasSame(last, 'day')) return first.toFormat('d LLL');
    return first.hasSame(last, 'month') ? `${first.day}–${last.toFormat('d LLL')}` : `${first.toFormat('d LLL')} – ${last.toFormat('d LLL')}`;
  }
  const a = `${first.month}月${first.day}日`;
  if (first.hasSame(last, 'day')) return a;
  return `${a}—${first.hasSame(last, 'month') ? '' : `${last.month}月`}${last.day}日`;
}

/** The period's name alone: 第48周, 第48周上半周, 2026年11月, 2026年第四季度 / the ISO code. */
export function periodName(period: string, lang: 'zh' | 'en'): string {
  if (lang === 'en') return period;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-W(\d{2})(?:-([12]))?$/.exec(period))) return `第${Number(m[2])}周${m[3] ? (m[3] === '1' ? '上半周' : '下半周') : ''}`;
  if ((m = /^(\d{4})-Q([1-4])$/.exec(period))) return `${m[1]}年第${QUARTER_ZH[+m[2]!]}季度`;
  if ((m = /^(\d{4})-(\d{2})$/.exec(period))) return `${m[1]}年${Number(m[2])}月`;
  return period;
}

/**
 * The period as a person reads it. Weeks and half-weeks carry their workdays (a holiday week shows only the days
 * worked: 第41周（10月8日—10日）); months and quarters are plain words in Chinese. `short` drops the dates, for lists.
 */
export function periodLabel(rule: RuleTiming, period: string, w: PeriodWords & { short?: boolean }): string {
  const name = periodName(period, w.lang);
  if (w.short) return name;
  const { start, end } = periodBounds(rule, period, w.zone);
  if (!start.isValid) return period;
  const locale = w.lang === 'en' ? 'en-GB' : 'zh-CN';
  if (rule.cadence === 'monthly' || rule.cadence === 'quarterly') {
    return w.lang === 'zh' ? name : `${period} (${span(start.setLocale(locale), end.minus({ days: 1 }).setLocale(locale), 'en')})`;
  }
  const days = workdaySpan(rule, period, w.zone, w.cal);
  const first = days ? DateTime.fromISO(days.first, { zone: w.zone }) : start;
  const last = days ? DateTime.fromISO(days.last, { zone: w.zone }) : end.minus({ days: 1 });
  const dates = span(first.setLocale(locale), last.setLocale(locale), w.lang);
  return w.lang === 'zh' ? `${name}（${dates}）` : `${period} (${dates})`;
}

const pad = (n: number | string) => String(n).padStart(2, '0');

/** The candidate year (now's, the one before or after) whose period `make(year)` starts nearest to now. */
function nearestYear(rule: RuleTiming, now: Date, zone: string, make: (year: number) => string): string | undefined {
  const year = DateTime.fromJSDate(now, { zone }).year;
  const keys = [year - 1, year, year + 1].map(make).filter((k) => isPeriodKey(rule.cadence, k));
  const distance = (k: string) => Math.abs(periodBounds(rule, k, zone).start.toMillis() - now.getTime());
  return keys.sort((a, b) => distance(a) - distance(b))[0];
}

const num = (s: string) => cnNumber(s);

/**
 * A period as people write it, for this rule's cadence: the key (2026-W47, 2026W47-1, 2026-11, 2026Q4), the words
 * (第47周, 第47周上半周, 2026年第47周, 2026年11月, 11月, 2026年第四季度, 第四季度, 四季度), a label as the bot shows it
 * (第47周（11月16日—20日）), or 本周 / 上周 / 本月 / 上月 / 本期 / 上期 / 本季度 / 上季度. Undefined when it is none.
 */
export function readPeriod(rule: RuleTiming, text: string, now: Date, zone: string, cal: WorkCalendar): string | undefined {
  // A label pasted back from a card carries its dates in brackets: they add nothing to the key.
  const s = halfWidth(text).trim().replace(/\s*[(（][^)）]*[)）]\s*$/, '').replace(/\s+/g, '');
  const current = reportingPeriod(rule, now, zone, cal);
  if (/^(本周|本月|本期|本季度|本季|this(week|month|quarter)?|current)$/i.test(s)) return current;
  if (/^(上周|上月|上期|上季度|上季|last(week|month|quarter)?|previous)$/i.test(s)) return shiftHeld(rule, current, zone, cal, -1);
  let m: RegExpExecArray | null;
  let key: string | undefined = s;
  const half = (h: string | undefined) => (h ? (/^(上|1|前)/.test(h) ? '-1' : '-2') : '');
  if ((m = /^(\d{4})-?w(\d{1,2})(?:-([12]))?$/i.exec(s))) key = `${m[1]}-W${pad(m[2]!)}${m[3] ? `-${m[3]}` : ''}`;
  else if ((m = /^(?:(\d{4})年)?第([0-9一二三四五六七八九十]{1,4})周(上半周|下半周|上半|下半|前半周|后半周)?$/.exec(s))) {
    const week = num(m[2]!);
    if (week === undefined) return undefined;
    const make = (y: number) => `${y}-W${pad(week)}${half(m![3])}`;
    key = m[1] ? make(+m[1]) : nearestYear(rule, now, zone, make);
  } else if ((m = /^(\d{4})[-年/.](\d{1,2})月?$/.exec(s))) key = `${m[1]}-${pad(m[2]!)}`;
  else if ((m = /^([0-9一二三四五六七八九十]{1,3})月(份)?$/.exec(s))) {
    const month = num(m[1]!);
    if (month === undefined || month < 1 || month > 12) return undefined;
    key = nearestYear(rule, now, zone, (y) => `${y}-${pad(month)}`);
  } else if ((m = /^(\d{4})-?q([1-4])$/i.exec(s))) key = `${m[1]}-Q${m[2]}`;
  else if ((m = /^(?:(\d{4})年)?第?([1-4一二三四])季度?$/.exec(s)) && /季/.test(s)) {
    const q = num(m[2]!);
    const make = (y: number) => `${y}-Q${q}`;
    key = m[1] ? make(+m[1]) : nearestYear(rule, now, zone, make);
  } else if ((m = /^q([1-4])$/i.exec(s))) key = nearestYear(rule, now, zone, (y) => `${y}-Q${m![1]}`);
  return key && isPeriodKey(rule.cadence, key) ? key : undefined;
}

/** The forms a period of this cadence can be written in, for the reply to a period it cannot read. */
export const PERIOD_FORMS: Record<Cadence, { zh: string; en: string }> = {
  weekly: { zh: '第47周、2026-W47、本周、上周', en: '2026-W47, this week, last week' },
  twice_weekly: { zh: '第47周上半周、第47周下半周、2026-W47-1、本期、上期', en: '2026-W47-1, 2026-W47-2, this, last' },
  monthly: { zh: '2026年11月、11月、2026-11、本月、上月', en: '2026-11, this month, last month' },
  quarterly: { zh: '2026年第四季度、第四季度、2026-Q4、本季度、上季度', en: '2026-Q4, this quarter, last quarter' },
};

/**
 * A week or month a list is about, with the word that places it: 本周 · 第48周（11月23日—27日）, 上月 · 2026年10月 /
 * this week · 2026-W48 (23–27 Nov). An earlier one is named by its label alone.
 */
export function spanLabel(span: 'week' | 'month', key: string, which: 'this' | 'last' | undefined, w: PeriodWords): string {
  const rule = { cadence: span === 'week' ? ('weekly' as const) : ('monthly' as const), due: { time: '00:00' } };
  const label = periodLabel(rule, key, w);
  if (!which) return label;
  const word = { week: { this: ['本周', 'this week'], last: ['上周', 'last week'] }, month: { this: ['本月', 'this month'], last: ['上月', 'last month'] } }[span][which];
  return `${w.lang === 'zh' ? word[0] : word[1]} · ${label}`;
}
