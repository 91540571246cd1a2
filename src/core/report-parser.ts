// Reads a 进度专报 as people really type it on a phone: section headings in their common variants (进展 / 存在问题 /
// 下一步计划, progress / problems / next), numbered or bulleted lines, full-width punctuation, metrics as
// `指标：拆除=12，面积=300` or inline (`拆除违建12处`), 无 / 0 for blank. It never throws; every character of the input
// ends up in exactly one piece (a section, a heading, metrics, the period, or `unplaced`), so nothing is silently lost.
import { halfWidth } from './text.js';

export type Section = 'progress' | 'problems' | 'next';
export type PieceKind = Section | 'metrics' | 'heading' | 'period' | 'unplaced';

export interface Piece {
  kind: PieceKind;
  text: string;
}

export interface ParsedReport {
  progress: string;
  problems: string;
  nextSteps: string;
  metrics: Record<string, number>;
  /** the period as written after 周期 / period (checked by the command against the rule's cadence) */
  period?: string;
  /** text the parser could not place, kept as typed */
  unplaced: string;
  /** the problems section split into items (bullets and numbering removed), for the 问题清单 */
  problemItems: string[];
  /** no section heading at all: the whole text was read as progress */
  untitled: boolean;
  /** the input, cut into classified pieces in order */
  pieces: Piece[];
}

const SECTION_WORDS: Array<[Section | 'metrics', string[]]> = [
  ['progress', ['实施进展情况', '工作进展情况', '工作完成情况', '进展情况', '工作进展', '完成情况', '工作开展情况', '进展', 'progress', 'done']],
  ['problems', ['存在的问题', '存在问题', '困难和问题', '问题和困难', '困难问题', '遇到的问题', '问题', 'problems', 'problem', 'issues', 'blockers']],
  ['next', ['下一步工作计划', '下步工作计划', '下一步计划', '下步计划', '下一步工作', '下步工作', '下一步打算', '下周计划', '下一步', '下步', 'next steps', 'next step', 'next', 'plans']],
  ['metrics', ['主要指标', '指标', '数据', 'metrics', 'numbers']],
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordOf = new Map<string, Section | 'metrics'>();
for (const [kind, words] of SECTION_WORDS) for (const w of words) wordOf.set(w.toLowerCase(), kind);
const WORDS = [...wordOf.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|');

const NUM = '(?:\\d{1,2}|[一二三四五六七八九十]{1,3})';
// bullets, markdown marks, numbering (1. 一、 (一) 【1】), an opening bracket, then a qualifier such as 本周 or 目前
// Quantifiers are bounded so a line of 100,000 spaces or asterisks cannot make the match quadratic.
const LEAD = `[#*>•·●○▪■◆\\-]{0,6}\\s{0,3}(?:(?:[(\\[【]\\s{0,2}${NUM}\\s{0,2}[)\\]】]|${NUM}\\s{0,2}[.、])\\s{0,3})?[\\[【*]{0,3}\\s{0,3}(?:本周|本月|本期|本季度|近期|当前|目前|主要|阶段性)?`;
const HEADING_RE = new RegExp(`^(${LEAD})(${WORDS})([\\]】*]{0,3})(?:汇报如下|报告如下|如下)?`, 'i');
// A heading in the middle of a line needs a colon and a boundary before it: "进展：完成A 问题：无".
const MIDLINE_RE = new RegExp(`(?<=[\\s;,。!?])(?:${WORDS})[ \\t]{0,3}:`, 'gi');
// The value names a period by its key (2026-W47, 2026-11, 2026年11月) or a word (本周, 上周, last); the command checks it.
const PERIOD_RE = /^([\-*•]{0,3}\s{0,3}(?:报送周期|汇报周期|周期|period)[ \t]{0,3}(?::[ \t]{0,3}|[ \t]))((?=[0-9A-Za-z\u4e00-\u9fa5-]*\d)[0-9A-Za-z\u4e00-\u9fa5-]{2,16}|本周|上周|本月|上月|本期|上期|本季度|上季度|this(?:\s+(?:week|month|quarter))?|last(?:\s+(?:week|month|quarter))?|current|previous)(?![0-9A-Za-z\u4e00-\u9fa5])/i;
const PERIOD_MIDLINE_RE = /(?<=[\s;,。])(?:周期|period)[ \t]{0,3}[: \t][ \t]{0,3}\d{4}-?(?:[Ww]\d{1,2}(?:-[12])?|[Qq][1-4]|\d{1,2})(?![\dA-Za-z])/gi;

const BLANK = /^(无|暂无|没有|无问题|暂无问题|没有问题|无困难|暂无困难|0|none|nil|n\/a|na|-|\/|—)$/i;
const BULLET = new RegExp(`^\\s*(?:[\\-*•·●○▪■◆]+\\s*|(?:[(\\[【]\\s*${NUM}\\s*[)\\]】]|${NUM}\\s*[.、)]))\\s*`);

/** Drops trailing punctuation without a regex (a `+$` pattern is quadratic on long runs). */
function trimEnd(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return s.slice(0, end);
}

/** A line with its bullet or numbering removed. */
export function stripBullet(line: string): string {
  return line.replace(BULLET, '').trim();
}

/** 无, 暂无, 0, none …: a field left blank on purpose (seed 004: 没有相关内容的应填写"无"或"0"). */
export function isBlankField(text: string): boolean {
  const lines = text
    .split('\n')
    .map((l) => trimEnd(stripBullet(l), '。.;,!').trim())
    .filter(Boolean);
  return lines.every((l) => BLANK.test(l));
}

const UNITS = '万平方米|平方米|平米|㎡|m2|万元|亿元|元|人次|处|户|个|件|人|次|栋|幢|间|套|公里|千米|米|吨|家|起|项|条|场|宗|份|台|辆|名|%';
const INLINE_RE = new RegExp(`([\\u4e00-\\u9fa5]{1,24})\\s{0,3}(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)\\s{0,3}(?:${UNITS})`, 'g');
const FILLER_HEAD = /^(?:截至目前|截止目前|本周|本月|本期|今日|今天|目前|其中|共计|合计|共|已经|已|又|再)+/;
const FILLER_TAIL = /(?:共计|合计|共|约|达到|达|计|了|为|是)+$/;

/** Numbers with units inside progress text: 拆除违建12处，面积300平方米 → { 拆除违建: 12, 面积: 300 }. */
export function inlineMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(INLINE_RE)) {
    let name = m[1]!.replace(FILLER_HEAD, '').replace(FILLER_TAIL, '');
    if (!name || name.endsWith('第')) continue;
    if (name.length > 8) name = name.slice(-8);
    const value = Number(m[2]!.replace(/,/g, ''));
    if (Number.isFinite(value) && !(name in out)) out[name] = value;
  }
  return out;
}

const PAIR_RE = /([^\s,;、=:]{1,24})[ \t]{0,3}[=:][ \t]{0,3}(-?\d+(?:\.\d+)?|无|none)/gi;

/** `拆除=12, 面积=300` (and 拆除12处) into metrics; answers what could not be read. */
function readPairs(text: string, into: Record<string, number>): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  const rest = (s: string) => {
    if (s.replace(/[\s,;、]/g, '')) {
      const inline = inlineMetrics(s);
      if (Object.keys(inline).length) {
        Object.assign(into, inline);
        pieces.push({ kind: 'metrics', text: s });
      } else pieces.push({ kind: 'unplaced', text: s });
    } else if (s) pieces.push({ kind: 'metrics', text: s });
  };
  for (const m of text.matchAll(PAIR_RE)) {
    rest(text.slice(last, m.index));
    const v = /^\d|^-/.test(m[2]!) ? Number(m[2]) : 0;
    if (Number.isFinite(v)) into[m[1]!] = v;
    pieces.push({ kind: 'metrics', text: m[0] });
    last = m.index! + m[0].length;
  }
  rest(text.slice(last));
  return pieces;
}

/** Where a heading starts a segment: its kind and the length of the heading text (including the colon). */
function headingAt(line: string): { kind: Section | 'metrics'; length: number } | undefined {
  const indent = line.length - line.trimStart().length;
  const seg = line.slice(indent);
  const m = HEADING_RE.exec(seg);
  if (!m) return undefined;
  const word = m[2]!.toLowerCase();
  const after = seg.slice(m[0].length);
  const colon = /^[ \t]{0,3}:/.exec(after);
  let length = indent + m[0].length;
  if (colon) length += colon[0].length;
  else if (after.trim() === '' || m[3]) length += 0;
  else if (/^[\u4e00-\u9fa5]/.test(word) && /^\s/.test(after)) length += 0;
  else return undefined;
  return { kind: wordOf.get(word)!, length };
}

/** Cuts a line before every mid-line heading (with a colon) and mid-line period. */
function segments(line: string): string[] {
  const cuts = new Set<number>();
  for (const re of [MIDLINE_RE, PERIOD_MIDLINE_RE]) for (const m of line.matchAll(re)) if (m.index) cuts.add(m.index);
  const at = [0, ...[...cuts].sort((a, b) => a - b), line.length];
  const out: string[] = [];
  for (let i = 0; i + 1 < at.length; i++) if (at[i + 1]! > at[i]!) out.push(line.slice(at[i], at[i + 1]));
  return out.length ? out : [line];
}

function splitItems(text: string): string[] {
  return text
    .split('\n')
    .flatMap((l) => l.split(/[;。](?=\s*\(?\d{1,2}[.、)])/))
    .map(stripBullet)
    .map((l) => trimEnd(l, ';。').trim())
    .filter((l) => l && !BLANK.test(l));
}

export function parseReport(input: unknown): ParsedReport {
  const text = halfWidth(typeof input === 'string' ? input : input == null ? '' : String(input)).replace(/\r\n?/g, '\n');
  const pieces: Piece[] = [];
  const lines: Record<Section | 'pre', string[]> = { progress: [], problems: [], next: [], pre: [] };
  const unplaced: string[] = [];
  const metrics: Record<string, number> = {};
  let period: string | undefined;
  let mode: Section | 'pre' | 'metrics' = 'pre';
  let sawSection = false;
  const preIndex: number[] = [];

  const content = (s: string) => {
    if (!s.trim()) {
      if (s) pieces.push({ kind: mode === 'pre' ? 'unplaced' : mode === 'metrics' ? 'metrics' : mode, text: s });
      return;
    }
    if (mode === 'metrics') {
      for (const p of readPairs(s, metrics)) {
        pieces.push(p);
        if (p.kind === 'unplaced') unplaced.push(p.text.trim());
      }
    } else {
      if (mode === 'pre') preIndex.push(pieces.length);
      pieces.push({ kind: mode === 'pre' ? 'unplaced' : mode, text: s });
      lines[mode].push(s.trim());
    }
  };

  for (const line of text.split('\n')) {
    for (let seg of segments(line)) {
      const p = PERIOD_RE.exec(seg);
      if (p) {
        period ??= p[2];
        pieces.push({ kind: 'period', text: p[0] });
        seg = seg.slice(p[0].length);
      }
      const h = headingAt(seg);
      if (h) {
        pieces.push({ kind: 'heading', text: seg.slice(0, h.length) });
        mode = h.kind;
        if (h.kind !== 'metrics') sawSection = true;
        seg = seg.slice(h.length);
      }
      content(seg);
    }
    // a blank line keeps its paragraph break inside a section
    if (!line.trim() && mode !== 'metrics') lines[mode].push('');
  }

  // Text before the first heading: the whole report when there is no heading at all, else a preamble we cannot place.
  if (sawSection) unplaced.unshift(...lines.pre.filter((l) => l));
  else {
    lines.progress = lines.pre;
    for (const i of preIndex) pieces[i] = { kind: 'progress', text: pieces[i]!.text };
  }
  const join = (ls: string[]) => ls.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  const field = (ls: string[]) => {
    const s = join(ls);
    return isBlankField(s) ? '' : s;
  };
  const progress = field(lines.progress);
  const problems = field(lines.problems);
  return {
    progress,
    problems,
    nextSteps: field(lines.next),
    // Explicit 指标 are what the unit means to report; numbers in the prose are read only when there are none.
    metrics: Object.keys(metrics).length ? metrics : inlineMetrics(progress),
    period,
    unplaced: unplaced.join('\n'),
    problemItems: splitItems(problems),
    untitled: !sawSection && progress !== '',
    pieces,
  };
}
