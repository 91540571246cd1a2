// Reads the 议定事项 of minutes (会议备忘) the way offices write them: numbered lines (1. 1、 （一） 一、 第一， 一是), the
// old `- [ ] … 牵头：… 截止：…` form, 由X牵头 / X牵头 / 牵头单位：X / 责任单位：X, 配合：Y / Y配合, and deadlines
// (see minutes-deadline.ts). Every item line either becomes a task or is reported with why; prose is left alone.
import { DateTime } from 'luxon';
import type { WorkCalendar } from '../core/calendar.js';
import { halfWidth } from '../core/text.js';
import { matchUnit, type Org, type Unit } from '../org.js';
import { findDeadlines } from './minutes-deadline.js';

export type Reason =
  | { code: 'no_title' }
  | { code: 'no_lead' }
  | { code: 'no_deadline' }
  | { code: 'heading' }
  | { code: 'unknown_unit'; name: string; candidates: string[] }
  | { code: 'bad_deadline'; words: string }
  | { code: 'two_deadlines'; dates: string[] };

export interface MinutesTask {
  line: number;
  text: string;
  title: string;
  leadUnitId: number;
  cooperatingUnitIds: number[];
  deadline: string;
}

export interface MinutesMiss {
  line: number;
  text: string;
  reasons: Reason[];
}

export interface ReadMinutes {
  tasks: MinutesTask[];
  misses: MinutesMiss[];
}

/** The numbering or checkbox that opens an item line; `old` is the `- [ ]` form. */
const ITEM =
  /^\s*(?:(?<old>(?:[-*]\s*)?\[\s*\])|\d{1,3}\s*(?:[.)](?!\d)|、)|\(\s*[0-9一二三四五六七八九十]{1,3}\s*\)|[一二三四五六七八九十]{1,3}\s*(?:、|\.(?!\d))|[一二三四五六七八九十]{1,2}是(?=[^\s,:])|第[一二三四五六七八九十0-9]{1,3}\s*(?:条|项|点)?\s*[,、:.]|[①-⑳]|(?<bullet>[-*•·])(?=\s))\s*/;
// The English keys are never the end of a longer word (mislead:); the Chinese ones may follow any text, a Latin letter
// included (更换为LED牵头单位：…; FUZZ_SEED=862298682 found 由A牵头单位： read as prose).
const LEAD_KEYS = '牵头单位|牵头部门|主责单位|主责部门|责任单位|责任部门|负责单位|牵头|主责|(?<![A-Za-z])(?:lead|owner)';
const WITH_KEYS = '配合单位|配合部门|协办单位|配合|协办|(?<![A-Za-z])with';
/** A line that only carries fields (牵头单位：X / 截止：…) belongs to the item above it, as in a 工作任务单. */
const FIELD_LINE = new RegExp(`^\\s*(?:${LEAD_KEYS}|${WITH_KEYS}|截止(?:时间|日期)?|完成时限|完成时间|时限|due)\\s*:`, 'i');
/** Lines of the minutes' masthead: never items, even when they name 牵头单位. */
const MASTHEAD = /^\s*(?:时间|日期|地点|主持|主持人|参会|参会单位|参会人员|参加|出席|列席|记录|记录人|会议名称|议题|抄送|印发)\s*:/;
const SEP = '[^,;。\\s:]';
const GENERIC = /^(?:各|相关|有关|其他|其它|全体|所有|其余)/;

type Resolved = { unit: Unit } | { generic: true } | { miss: string; candidates: string[] };

/**
 * A unit named in minutes, also found it at the end of a longer phrase (会议要求经开区管委会 牵头, 区城管委
 * for the alias 城管委). Short suffixes are not tried: 区委 stays ambiguous rather than becoming some 委.
 */
function resolve(org: Pick<Org, 'units'>, raw: string): Resolved {
  const name = raw.replace(/^(?:会同|协调|组织|请|由)/, '').replace(/等(?:单位|部门)?$/, '').trim();
  if (!name || GENERIC.test(name)) return { generic: true };
  const m = matchUnit(org as Org, name);
  if (m.ok) return { unit: m.value };
  for (let k = 1; k <= name.length - 2; k++) {
    const s = matchUnit(org as Org, name.slice(k));
    if (s.ok) return { unit: s.value };
  }
  return { miss: name, candidates: m.candidates.map((u) => u.name) };
}

const splitNames = (s: string) => s.split(/、|,|和|与|及|以及/).map((x) => x.trim()).filter(Boolean);

interface Found {
  leads: Unit[];
  cooperating: Unit[];
  reasons: Reason[];
  spans: Array<[number, number]>;
  signal: boolean;
  /** a lead was named but is no unit of the plan (reported as unknown_unit, not as "no lead") */
  leadMissed: boolean;
  /** a 配合： field was written: the line is an item, even without a lead */
  keyed: boolean;
}

/** Finds the lead and cooperating units in a (half-width) line; found phrases are blanked in `w` for the next pattern. */
function findUnits(org: Pick<Org, 'units'>, line: string): Found & { w: string } {
  let w = line;
  const f: Found = { leads: [], cooperating: [], reasons: [], spans: [], signal: false, leadMissed: false, keyed: false };
  const take = (start: number, end: number) => {
    f.spans.push([start, end]);
    w = w.slice(0, start) + ' '.repeat(end - start) + w.slice(end);
  };
  const add = (list: Unit[], names: string[], quiet = false): boolean => {
    const found: Unit[] = [];
    for (const n of names) {
      const r = resolve(org, n);
      if ('unit' in r) found.push(r.unit);
      else if ('miss' in r) {
        if (quiet) return false;
        f.reasons.push({ code: 'unknown_unit', name: r.miss, candidates: r.candidates });
        if (list === f.leads) f.leadMissed = true;
      }
    }
    for (const u of found) if (!list.includes(u)) list.push(u);
    return true;
  };
  const each = (re: RegExp, fn: (m: RegExpExecArray) => boolean) => {
    for (const m of [...w.matchAll(re)]) if (fn(m)) take(m.index!, m.index! + m[0].length);
  };
  // A key's value runs to the next separator, and is no value when a colon follows it (牵头：截止：…).
  each(new RegExp(`(?:${LEAD_KEYS})\\s*:\\s*(${SEP}+)(?!${SEP}*:)`, 'gi'), (m) => ((f.signal = true), add(f.leads, splitNames(m[1]!))));
  each(new RegExp(`(?:${WITH_KEYS})\\s*:\\s*(${SEP}+)(?!${SEP}*:)`, 'gi'), (m) => ((f.keyed = true), add(f.cooperating, splitNames(m[1]!))));
  each(/由([^,;。\s:由]+?)(?:牵头|主责|负责)(?!单位|部门|同志|人)/g, (m) => ((f.signal = true), add(f.leads, splitNames(m[1]!))));
  each(new RegExp(`(${SEP}+?)牵头(?!单位|部门)`, 'g'), (m) => ((f.signal = true), add(f.leads, splitNames(m[1]!))));
  // 负责 is everyday prose (负责同志, 主要负责); it names a lead only when a unit stands right before it.
  each(new RegExp(`(${SEP}+?)负责(?!同志|人|单位|部门)`, 'g'), (m) => {
    const before = f.leads.length;
    if (!add(f.leads, splitNames(m[1]!), true) || f.leads.length === before) return false;
    f.signal = true;
    return true;
  });
  each(new RegExp(`(${SEP}+?)(?:配合|协助|协办)(?!单位|部门)`, 'g'), (m) => add(f.cooperating, splitNames(m[1]!)));
  // 牵头单位： with nothing after it still says the line is an item (whose lead is missing)
  if (new RegExp(`(?:${LEAD_KEYS}|${WITH_KEYS})\\s*:`, 'i').test(w)) f.keyed = true;
  return { ...f, w };
}

/** The item's title: the line without the phrases read as lead, cooperation or deadline, and without 会议要求. */
function titleOf(original: string, spans: Array<[number, number]>): string {
  const cut = [...spans].sort((a, b) => a[0] - b[0]);
  const pieces: string[] = [];
  let at = 0;
  for (const [s, e] of cut) {
    if (s > at) pieces.push(original.slice(at, s));
    at = Math.max(at, e);
  }
  pieces.push(original.slice(at));
  const trim = (p: string) => p.replace(/^[\s,，;；、。:：]+|[\s,，;；、。:：]+$/g, '');
  // 「…台账，12月20日前完成」 leaves a bare 完成 behind the deadline: the item is the rest.
  const kept = pieces.map(trim).filter((p) => p && !/^(?:完成|办结|完工|落实|到位)$/.test(p));
  if (kept.length) kept[0] = trim(kept[0]!.replace(/^(?:会议)?(?:要求|明确|议定|决定|同意|指出|强调|研究)(?=[,，:：]|$)/, ''));
  return kept.filter(Boolean).join('，');
}

interface ItemLines {
  line: number;
  text: string;
  content: string;
  numbered: boolean;
}

/** Groups lines into candidate items: numbered or `- [ ]` lines with their field lines, and lines that name a lead. */
function itemsOf(text: string): ItemLines[] {
  const out: ItemLines[] = [];
  let open: ItemLines | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const half = halfWidth(raw);
    if (!half.trim()) {
      open = undefined;
      return;
    }
    if (open && FIELD_LINE.test(half)) {
      open.content += ' ' + raw.trim();
      return;
    }
    open = undefined;
    if (MASTHEAD.test(half)) return;
    const m = ITEM.exec(half);
    const item: ItemLines = { line: i + 1, text: raw.trim(), content: raw.slice(m ? m[0].length : 0).trim(), numbered: Boolean(m && !m.groups?.['bullet']) };
    out.push(item);
    open = m ? item : undefined;
  });
  return out;
}

/** Reads every item of the minutes. `ref` is the day relative deadlines count from (the meeting's date, else today). */
export function readMinutes(text: string, org: Pick<Org, 'units'>, ref: Date, zone: string, cal: WorkCalendar): ReadMinutes {
  const day = DateTime.fromJSDate(ref, { zone }).startOf('day');
  const tasks: MinutesTask[] = [];
  const misses: MinutesMiss[] = [];
  for (const it of itemsOf(text)) {
    const half = halfWidth(it.content);
    const units = findUnits(org, half);
    const hits = findDeadlines(units.w, day, zone, cal);
    const keyed = hits.some((h) => /^(?:截止|截至|完成时|办结|时限|期限|due|deadline|by)/i.test(h.words) || !h.date);
    // Prose stays prose: a line is an item when it is numbered, or names a lead, or carries a 截止 key.
    if (!it.numbered && !units.signal && !units.keyed && !keyed) continue;
    const spans = [...units.spans, ...hits.map((h) => [h.start, h.end] as [number, number])];
    const title = titleOf(it.content, spans);
    const reasons: Reason[] = [...units.reasons];
    const dates = [...new Set(hits.filter((h) => h.date).map((h) => h.date!))];
    for (const h of hits) if (!h.date) reasons.push({ code: 'bad_deadline', words: h.words });
    if (!units.signal && !hits.length && !units.cooperating.length && !units.reasons.length) {
      const heading = /^关于/.test(it.content) || /[:：]$/.test(it.content) || [...it.content.replace(/[。.;；]$/, '')].length <= 8;
      misses.push({ line: it.line, text: it.text, reasons: heading && !/^-?\s*\[/.test(halfWidth(it.text).trim()) ? [{ code: 'heading' }] : [{ code: 'no_lead' }, { code: 'no_deadline' }] });
      continue;
    }
    if (!title) reasons.push({ code: 'no_title' });
    // 由各相关单位牵头 names no unit: as good as no lead
    if (!units.leads.length && !units.leadMissed) reasons.push({ code: 'no_lead' });
    if (!hits.length) reasons.push({ code: 'no_deadline' });
    if (dates.length > 1) reasons.push({ code: 'two_deadlines', dates });
    if (reasons.length) {
      misses.push({ line: it.line, text: it.text, reasons });
      continue;
    }
    // 由经开区管委会、区住房建设委牵头 (a group with two lead units, seeds/000's 搬迁安置组): each lead unit gets the item
    // in its own ledger, as the plan's tasks do; the 配合 units cooperate on each.
    for (const lead of units.leads) {
      tasks.push({ line: it.line, text: it.text, title, leadUnitId: lead.id, cooperatingUnitIds: units.cooperating.filter((u) => !units.leads.includes(u)).map((u) => u.id), deadline: dates[0]! });
    }
  }
  return { tasks, misses };
}
