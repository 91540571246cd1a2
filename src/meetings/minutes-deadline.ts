// 完成时限 in minutes as offices write them: 截止：12月15日, 12月15日前, 12月底前, 月底前, 本周内, 下周五前, 年底前,
// 5个工作日内, 本季度末. Read against a reference day (the meeting's date, else today) in the campaign's timezone.
import { DateTime } from 'luxon';
import { addWorkdays, type WorkCalendar } from '../core/calendar.js';
import { cnNumber, readDate } from '../core/dates.js';

export interface DeadlineHit {
  /** where the phrase starts and ends in the (half-width) line, including a leading 于/在 and a trailing 前/内 */
  start: number;
  end: number;
  /** YYYY-MM-DD, or undefined when a 截止 key is followed by something that is no date */
  date?: string;
  /** the words as written, for a refusal */
  words: string;
}

const NUM = '[0-9一二两三四五六七八九十]{1,3}';
/** What may follow a date for it to be a deadline: 12月15日前 / 之前 / 以前 / 内 / 止 (12月15日完成 keeps 完成 in the title). */
const SUFFIX = /^(?:之前|以前|前|之内|内|止|为止)/;
/** A 截止 key: 截止：…, 截止时间 …, 完成时限：…, 截至…. */
const KEY = /(?:截止|截至)(?:时间|日期)?\s*:\s*|(?:截止|截至)(?:时间|日期)?\s*(?=\d)|(?:完成时限|完成时间|办结时限|时限|期限|due|deadline|by)\s*:\s*/iy;

/**
 * The date a phrase at the start of `s` names, with its length; `bare` says it needs a suffix (前/内…) or 完成 after
 * it to be a deadline (a plain 11月20日 in a sentence is when something happened, not a due date).
 */
function readPhrase(s: string, ref: DateTime, zone: string, cal: WorkCalendar): { date: DateTime; len: number; bare: boolean } | undefined {
  let m: RegExpExecArray | null;
  const endOfMonth = (d: DateTime) => d.endOf('month').startOf('day');
  if ((m = new RegExp(`^(?:(\\d{4})年)?(${NUM})月(底|末|份|上旬|中旬|下旬)`).exec(s))) {
    const month = cnNumber(m[2]!);
    if (!month || month > 12) return undefined;
    // A month without a year is the nearest one, as for 12月15日: within the past six months, else next year's.
    let year = m[1] ? Number(m[1]) : ref.year;
    if (!m[1] && DateTime.fromObject({ year, month, day: 1 }, { zone }).endOf('month') < ref.minus({ months: 6 })) year += 1;
    const first = DateTime.fromObject({ year, month, day: 1 }, { zone });
    const day = m[3] === '上旬' ? 10 : m[3] === '中旬' ? 20 : first.daysInMonth!;
    return { date: first.set({ day }), len: m[0].length, bare: m[3] === '份' };
  }
  if ((m = /^(?:(?:本|今|当|这个)?(?:年底|年末|年内)|(明年)(?:底|末))/.exec(s))) {
    const year = ref.year + (m[1] ? 1 : 0);
    return { date: DateTime.fromObject({ year, month: 12, day: 31 }, { zone }), len: m[0].length, bare: false };
  }
  if ((m = /^(本|这|下)(?:个)?季度(?:末|底|内)?/.exec(s))) {
    const base = m[1] === '下' ? ref.plus({ quarters: 1 }) : ref;
    return { date: base.endOf('quarter').startOf('day'), len: m[0].length, bare: !/[末底内]$/.test(m[0]) };
  }
  if ((m = /^(本|这|下)(?:个)?(周|星期)(?=内|之内|末)/.exec(s))) {
    // 本周内: by the end of the working week (Friday); 下周内: next week's Friday.
    const week = ref.startOf('week').plus({ weeks: m[1] === '下' ? 1 : 0 });
    return { date: week.plus({ days: 4 }), len: m[0].length, bare: false };
  }
  if ((m = new RegExp(`^(本|这个|当|下个|下)月(${NUM})[日号]`).exec(s))) {
    // 本月25日前 / 下月10日前
    const day = cnNumber(m[2]!);
    const base = m[1]!.startsWith('下') ? ref.plus({ months: 1 }) : ref;
    if (!day || day > base.daysInMonth!) return undefined;
    return { date: base.set({ day }).startOf('day'), len: m[0].length, bare: true };
  }
  if ((m = /^(本|这个|当|下个|下)月(?=内|之内)/.exec(s))) {
    const base = m[1]!.startsWith('下') ? ref.plus({ months: 1 }) : ref;
    return { date: endOfMonth(base), len: m[0].length, bare: false };
  }
  if ((m = new RegExp(`^(${NUM})(?:个)?(工作日|天|日|周|星期|个月)(?=内|之内)`).exec(s))) {
    const n = cnNumber(m[1]!);
    if (n === undefined || n > 1000) return undefined;
    const unit = m[2]!;
    const iso = ref.toISODate()!;
    const date =
      unit === '工作日' ? DateTime.fromISO(addWorkdays(cal, iso, n), { zone }) : ref.plus(unit === '个月' ? { months: n } : unit === '天' || unit === '日' ? { days: n } : { weeks: n });
    return { date, len: m[0].length, bare: false };
  }
  if (/^\s/.test(s)) return undefined;
  const r = readDate(s, ref.toJSDate(), zone);
  if (!r) return undefined;
  // readDate trims what it leaves unread: the phrase is what comes before that rest.
  const read = s.slice(0, s.trimEnd().length - r.rest.length).trimEnd();
  return { date: r.date, len: read.length, bare: !/(月底|月末)$/.test(read) };
}

/** Every deadline phrase in a line (half-width), left to right; a 截止 key with no readable date is a hit without a date. */
export function findDeadlines(s: string, ref: DateTime, zone: string, cal: WorkCalendar): DeadlineHit[] {
  const hits: DeadlineHit[] = [];
  let i = 0;
  while (i < s.length) {
    KEY.lastIndex = i;
    const found = KEY.exec(s);
    // due: / by: inside an English word (standby:) is no key
    const key = found && /^[A-Za-z]/.test(found[0]) && /[A-Za-z]/.test(s[i - 1] ?? '') ? null : found;
    if (key) {
      const at = i + key[0].length;
      const p = readPhrase(s.slice(at), ref, zone, cal);
      const valueEnd = at + (/^[^,;。\s]*/.exec(s.slice(at))?.[0].length ?? 0);
      if (p) {
        const suffix = SUFFIX.exec(s.slice(at + p.len))?.[0].length ?? 0;
        hits.push({ start: i, end: at + p.len + suffix, date: p.date.toISODate()!, words: s.slice(i, at + p.len + suffix) });
      } else hits.push({ start: i, end: valueEnd, words: s.slice(at, valueEnd) });
      i = Math.max(valueEnd, at + (p?.len ?? 0), i + 1);
      continue;
    }
    // Do not start inside a number: 2月15日 in 12月15日.
    if (/[0-9一二两三四五六七八九十]/.test(s[i - 1] ?? '') && /[0-9一二两三四五六七八九十]/.test(s[i]!)) {
      i++;
      continue;
    }
    const p = readPhrase(s.slice(i), ref, zone, cal);
    if (p && p.len > 0) {
      const after = s.slice(i + p.len);
      const suffix = SUFFIX.exec(after)?.[0].length ?? 0;
      if (suffix || !p.bare || /^(?:完成|办结|完工|前完成)/.test(after)) {
        const lead = /(?:务必|力争|确保|须|要)?[于在]$/.exec(s.slice(0, i))?.[0].length ?? 0;
        hits.push({ start: i - lead, end: i + p.len + suffix, date: p.date.toISODate()!, words: s.slice(i, i + p.len + suffix) });
        i += p.len + suffix;
        continue;
      }
    }
    i++;
  }
  return hits;
}
