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

/** What the head of a report (its title, a first line such as 「第47周补报」) says of its period. */
export interface PeriodsNamed {
  /** the periods of this rule's cadence it names, each once */
  keys: string[];
  /** the words naming a period that cannot be told for sure (11月第四周: by which count of weeks?) */
  unsure: string[];
  /** it also names the current period as its subject (本周工作) */
  current: boolean;
}

const NUM = '[0-9一二两三四五六七八九十]';
// 11月第四周, 11月份第4周: a week counted within its month
const WEEK_OF_MONTH = new RegExp(`(?:(\\d{4})年)?(${NUM}{1,3})月份?第?(${NUM}{1,2})周`, 'g');
// What follows a period that is the report's own subject: 第47周补报, 第47周工作进展, 11月份工作情况, 2026-W47 (a line's
// end). Not 第46周调度会要求, 关于第47周调度会议定事项…: a week the report only mentions.
// Up to a few words may come between (第47周周转房居住环境改善工作情况的报告), not a meeting the week names; a list or a
// range of periods shares its subject (第47周、第48周工作情况: two periods, asked).
const SUBJECT = '(?![\\u4e00-\\u9fff]{0,2}(?:调度|会议|例会|专题会|协调会|座谈会))(?=[\\u4e00-\\u9fff]{0,16}?(?:工作|补报|补交|补发|周报|月报|季报|进展|进度|情况|总结|小结|汇报|报告|专报|计划)|[ \\t]*[(（)）【】\\]]|[ \\t]*(?:\\n|$)|[ \\t]*[、和及至—~-][ \\t]*(?:\\d{4}年)?第?[0-9一二两三四五六七八九十])';
const NAMED = new RegExp(
  [
    `(?:\\d{4}年)?第${NUM}{1,4}周(?:上半周|下半周)?${SUBJECT}`,
    `\\d{4}-?[Ww]\\d{1,2}(?:-[12])?(?![0-9])${SUBJECT}`,
    `(?:\\d{4}年)?第?[1-4一二三四]季度${SUBJECT}`,
    // a month, not a day of it (11月27日) nor a week within it (taken above)
    `(?:\\d{4}年)?${NUM}{1,3}月份?(?!${NUM}|[日号])${SUBJECT}`,
    // a week, month or quarter before: only as a late report says it (上周补报). 上周工作总结 / 本周工作情况 name the
    // work, not the period: a rule due on Monday files last week's work as its current period
    '(?:上周|上个?月|上季度)(?=补报|补交|补发)',
  ].join('|'),
  'g',
);
// A head that says it is a late report (第47周未按时报送，现补报如下; 补报上周：…): the periods it names are its own.
const LATE = /补报|补交|补发/;
const NAMED_LATE = new RegExp(
  [`(?:\\d{4}年)?第${NUM}{1,4}周(?:上半周|下半周)?`, `\\d{4}-?[Ww]\\d{1,2}(?:-[12])?(?![0-9])`, `(?:\\d{4}年)?第?[1-4一二三四]季度`, `(?:\\d{4}年)?${NUM}{1,3}月份?(?!${NUM}|[日号])`, '上周|上个?月|上季度'].join('|'),
  'g',
);
// The current period named as the report's subject (现将本周工作进展报告如下): with another week named, it is unsure.
const CURRENT_SUBJECT = new RegExp(`(?:本周|这周|本月|这个月|本季度)${SUBJECT}`);

/**
 * The periods a report's head names: in its title or a line before its sections (「关于第47周工作进展情况的报告」,
 * 「第47周补报」, 「11月份工作情况」), read for this rule's cadence (a month in a weekly report's title says nothing of
 * its week and is left out). A week counted within its month (11月第四周) is certain only when both usual counts
 * (the week holding the 1st as the first, or the first week starting in the month) give the same week.
 */
export function periodsNamedIn(text: string, rule: RuleTiming, now: Date, zone: string, cal: WorkCalendar): PeriodsNamed {
  // spaces go, line ends stay: a title's period may end its line
  const s = halfWidth(text).replace(/[^\S\n]+/g, '');
  const keys = new Set<string>();
  const unsure: string[] = [];
  const rest = s.replace(WEEK_OF_MONTH, (phrase: string, year: string | undefined, m: string, n: string) => {
    const month = num(m);
    const week = num(n);
    if (rule.cadence !== 'weekly' && rule.cadence !== 'twice_weekly') return ' ';
    if (month === undefined || week === undefined || month < 1 || month > 12 || week < 1 || week > 6) {
      unsure.push(phrase);
      return ' ';
    }
    const monthKey = year ? `${year}-${pad(month)}` : nearestYear({ cadence: 'monthly', due: { time: '00:00' } }, now, zone, (y) => `${y}-${pad(month)}`);
    const first = DateTime.fromISO(`${monthKey}-01`, { zone });
    const holdingFirst = first.startOf('week').plus({ weeks: week - 1 });
    const firstMonday = (first.weekday === 1 ? first : first.startOf('week').plus({ weeks: 1 })).plus({ weeks: week - 1 });
    const [a, b] = [holdingFirst, firstMonday].map((d) => `${d.weekYear}-W${pad(d.weekNumber)}`);
    if (a === b && rule.cadence === 'weekly') keys.add(a!);
    else unsure.push(phrase);
    return ' ';
  });
  // a period named for its plan beside one named for its work (第47周工作总结及第48周工作计划) is the plan's, not the report's
  const plans = new Set<string>();
  for (const m of rest.matchAll(LATE.test(rest) ? NAMED_LATE : NAMED)) {
    const plan = /^(?:的)?(?:工作)?(?:计划|打算|安排|部署)/.test(rest.slice(m.index! + m[0].length));
    const word = m[0].replace(/^上个月$/, '上月');
    // 上周 names the week before only in a weekly report (readPeriod takes it as "the period before" of any cadence)
    const span = /^上(周|月|季度)$/.exec(word)?.[1];
    if (span && span !== { weekly: '周', twice_weekly: '周', monthly: '月', quarterly: '季度' }[rule.cadence]) continue;
    const key = readPeriod(rule, word, now, zone, cal);
    if (key) (plan ? plans : keys).add(key);
  }
  for (const k of plans) if (!keys.size || keys.has(k)) keys.add(k);
  return { keys: [...keys], unsure, current: CURRENT_SUBJECT.test(rest) };
}
