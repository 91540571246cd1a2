// Reads a 进度专报 as offices really write it: headings in their common forms (src/core/report-headings.ts), or none
// at all (the first paragraph is progress; lines opening with 问题、困难、不配合… are problems), numbers in Arabic,
// full-width or Chinese numerals (src/core/report-metrics.ts), a title and sign-off around it (report-framing.ts).
// It never throws. Its pieces are spans of the input as typed: every character lands in exactly one piece, so a test
// can check that nothing was dropped or filed twice, and the card can show what went where.
import { halfWidth } from './text.js';
import { headingAt, midlineHeadings, type SectionKind } from './report-headings.js';
import { isSubstantive } from './report-framing.js';
import { classifyUntitled, splitTurns, fileStrayLines, markSignOff, resolvePreamble, type Seg } from './report-layout.js';
import { equalsPairs, inlineMetrics, readMetricsSection, type Metrics } from './report-metrics.js';

export { inlineMetrics } from './report-metrics.js';

import type { PieceKind } from './report-layout.js';

export type { Section, PieceKind } from './report-layout.js';

export interface Piece {
  kind: PieceKind;
  /** offsets in the input as given (UTF-16 units), end exclusive */
  start: number;
  end: number;
  /** the input's characters in [start, end), as typed */
  text: string;
}

export interface ParsedReport {
  progress: string;
  problems: string;
  nextSteps: string;
  metrics: Metrics;
  /** the period as written after 周期 / period (checked by the command against the rule's cadence) */
  period?: string;
  /** text the parser could not place, kept as typed */
  unplaced: string;
  /** the problems section split into items (bullets and numbering removed), for the 问题清单 */
  problemItems: string[];
  /** some sections were read without headings (first paragraph as progress, opening words for the rest) */
  untitled: boolean;
  /** nothing to file: no section content, only filler (汇报一下, 汇报 看看, 汇报 ok) or headings without text */
  empty: boolean;
  /** the input cut into classified spans, in order, covering it exactly */
  pieces: Piece[];
}

// The value names a period by its key (2026-W47, 2026-11, 2026年11月) or a word (本周, 上周, last); the command checks it.
const PERIOD_RE = /^([\-*•]{0,3}\s{0,3}(?:报送周期|汇报周期|周期|period)[ \t]{0,3}(?::[ \t]{0,3}|[ \t]))((?=[0-9A-Za-z\u4e00-\u9fa5-]*\d)[0-9A-Za-z\u4e00-\u9fa5-]{2,16}|本周|上周|本月|上月|本期|上期|本季度|上季度|this(?:\s+(?:week|month|quarter))?|last(?:\s+(?:week|month|quarter))?|current|previous)(?![0-9A-Za-z\u4e00-\u9fa5])/i;
const PERIOD_MIDLINE_RE = /(?<=[\s;,。])(?:周期|period)[ \t]{0,3}[: \t][ \t]{0,3}\d{4}-?(?:[Ww]\d{1,2}(?:-[12])?|[Qq][1-4]|\d{1,2})(?![\dA-Za-z])/gi;

const BLANK = /^(无|暂无|没有|无问题|暂无问题|没有问题|无困难|暂无困难|无计划|0|none|nil|n\/a|na|-|\/|—)$/i;
const BULLET = /^\s*(?:[\-*•·●○▪■◆]+\s*|(?:[(\[【（]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)\]】）]|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、)）．]))\s*/;

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
/** A line ends at \r\n (Windows), \r (a lone carriage return, as some pasted text has) or \n: everywhere the same. */
const LINE_BREAK = /\r\n|\r|\n/;

export function isBlankField(text: string): boolean {
  return halfWidth(text)
    .split(LINE_BREAK)
    .map((l) => trimEnd(stripBullet(l), '。.;,!').trim())
    .filter(Boolean)
    .every((l) => BLANK.test(l));
}

function splitItems(text: string): string[] {
  return text
    .split(LINE_BREAK)
    .flatMap((l) => l.split(/[;；。](?=\s*[(（]?\d{1,2}[.、)）])/))
    .map(stripBullet)
    // 一是… / 第二，… / 其三，… in front of a sentence cut from a one-line report
    .map((l) => l.replace(/^(?:[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十\d]{1,3}[，,、:：]|其[一二三四五六七八九十]{1,3}[，,、])\s*/, ''))
    .map((l) => trimEnd(l, ';；。，,').trim())
    .filter((l) => l && !BLANK.test(halfWidth(l)));
}

/** A section's text from its pieces: lines trimmed, at most one blank line in a row. */
function sectionText(raw: string, pieces: Array<{ start: number; end: number }>, asTyped = false): string {
  let out = '';
  let prevEnd = -1;
  for (const p of pieces) {
    if (out && p.start !== prevEnd && !out.endsWith('\n')) out += '\n';
    out += raw.slice(p.start, p.end);
    prevEnd = p.end;
  }
  return out
    .split(LINE_BREAK)
    // a line of a section ends in a comma only where a one-line report was cut at a turn (see splitTurns); text not
    // placed is kept as typed
    .map((l) => (asTyped ? l.trim() : trimEnd(l.trim(), '，,')))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function parseReport(input: unknown): ParsedReport {
  const raw = typeof input === 'string' ? input : input == null ? '' : String(input);
  const n = halfWidth(raw); // same length and offsets as raw
  const segs: Seg[] = [];
  const metrics: Metrics = {};
  let period: string | undefined;
  let mode: SectionKind | 'pre' = 'pre';
  const headed = { progress: false, any: false };

  const lineRe = /\r\n|\r|\n/g;
  let ls = 0;
  let lineNo = 0;
  while (ls <= n.length) {
    lineRe.lastIndex = ls;
    const br = lineRe.exec(n);
    const le = br ? br.index : n.length;
    const te = br ? le + br[0].length : n.length;
    const line = n.slice(ls, le);
    const first = segs.length;
    if (!line.trim()) {
      if (te > ls) segs.push({ start: ls, end: te, kind: mode, line: lineNo, whole: true });
    } else {
      const cuts = new Set<number>([0, ...midlineHeadings(line)]);
      for (const m of line.matchAll(PERIOD_MIDLINE_RE)) if (m.index) cuts.add(m.index);
      const at = [...cuts].sort((a, b) => a - b);
      let plain = true;
      for (let i = 0; i < at.length; i++) {
        let a = at[i]!;
        const b = i + 1 < at.length ? at[i + 1]! : line.length;
        const p = PERIOD_RE.exec(line.slice(a, b));
        if (p) {
          period ??= p[2];
          segs.push({ start: ls + a, end: ls + a + p[0].length, kind: 'period', line: lineNo, whole: false });
          a += p[0].length;
          plain = false;
        }
        const h = headingAt(line.slice(a, b));
        if (h) {
          segs.push({ start: ls + a, end: ls + a + h.length, kind: 'heading', line: lineNo, whole: false, heading: h.kind, combined: h.combined });
          mode = h.kind;
          if (h.kind !== 'metrics') headed.any = true;
          if (h.kind === 'progress') headed.progress = true;
          a += h.length;
          plain = false;
        }
        if (a >= b) continue;
        if (mode === 'metrics') {
          for (const s of readMetricsSection(line.slice(a, b), metrics)) segs.push({ start: ls + a + s.start, end: ls + a + s.end, kind: s.read ? 'metrics' : 'unplaced', line: lineNo, whole: false });
        } else segs.push({ start: ls + a, end: ls + b, kind: mode, line: lineNo, whole: false });
      }
      if (plain && segs.length === first + 1) segs[first]!.whole = true;
    }
    // the line break belongs to the line's last piece
    if (te > le && segs.length > first) segs[segs.length - 1]!.end = te;
    else if (te > le) segs.push({ start: le, end: te, kind: mode, line: lineNo, whole: false });
    if (!br) break;
    ls = te;
    lineNo++;
  }

  const textOf = (s: Seg) => n.slice(s.start, s.end);
  resolvePreamble(segs, textOf, headed.progress);
  const untitled = segs.some((s) => s.kind === 'pre');
  markSignOff(segs, textOf);
  // what is left of the preamble is read as a report without headings, a line cut where it turns to problems or next
  // steps
  splitTurns(segs, textOf);
  classifyUntitled(segs, textOf);
  // a report that is partly without headings (a phone report: a first line, then 困难：…, then 下周…) is read the
  // same way after its headings; a report with headings throughout keeps every line where the unit put it
  fileStrayLines(segs, textOf, !untitled);

  const pieces: Piece[] = [];
  for (const s of segs) {
    if (s.end <= s.start) continue;
    const kind = s.kind === 'pre' ? 'unplaced' : s.kind;
    const last = pieces[pieces.length - 1];
    if (last && last.kind === kind && last.end === s.start && kind !== 'heading' && kind !== 'period') last.end = s.end;
    else pieces.push({ kind, start: s.start, end: s.end, text: '' });
  }
  for (const p of pieces) p.text = raw.slice(p.start, p.end);

  const of = (kind: PieceKind) => sectionText(raw, pieces.filter((p) => p.kind === kind));
  const texts = { progress: of('progress'), problems: of('problems'), next: of('next') };
  const field = (s: string) => (isBlankField(s) ? '' : s);
  const progress = field(texts.progress);
  const problems = field(texts.problems);
  const nextSteps = field(texts.next);
  // A 指标 section says which numbers the unit means to report; without one, the numbers with units in the progress
  // text are read too (拆除违建十二处). name=value written anywhere is always a metric.
  const finalMetrics: Metrics = Object.keys(metrics).length ? { ...metrics } : inlineMetrics(halfWidth(progress));
  for (const t of [texts.progress, texts.problems, texts.next]) for (const [k, v] of Object.entries(equalsPairs(halfWidth(t)))) if (!(k in finalMetrics)) finalMetrics[k] = v;
  const deliberateBlank = headed.any && Object.values(texts).some((t) => t && isBlankField(t));
  const substantive = Object.values(texts).some((t) => isSubstantive(t, headed.any)) || deliberateBlank || Object.keys(finalMetrics).length > 0;
  return {
    progress,
    problems,
    nextSteps,
    metrics: finalMetrics,
    period,
    unplaced: sectionText(raw, pieces.filter((p) => p.kind === 'unplaced'), true),
    problemItems: splitItems(problems),
    untitled: untitled && substantive,
    empty: !substantive,
    pieces,
  };
}
