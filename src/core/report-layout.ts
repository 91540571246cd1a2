// The passes over a report's lines after its headings were found: the title and salutation in front, the sign-off at
// the end (framing), and the reading of text without headings (first paragraph progress, 问题/困难/不配合… problems,
// 下一步/下周… next steps). Each pass only relabels spans; none moves or drops a character.
import { clauseTurns, openerOf, type SectionKind } from './report-headings.js';
import { isClosingLine, isOpeningLine, isSignatureLine } from './report-framing.js';

export type Section = 'progress' | 'problems' | 'next';
/** heading: a section's heading; period: `周期 2026-W47`; framing: title, salutation, sign-off; unplaced: the rest. */
export type PieceKind = Section | 'metrics' | 'heading' | 'period' | 'framing' | 'unplaced';

/** A span of the input: 'pre' until the passes below decide what text before the first heading is. */
export interface Seg {
  start: number;
  end: number;
  kind: PieceKind | 'pre';
  line: number;
  /** the segment is the whole content of its line (no heading or period on the line) */
  whole: boolean;
  /** the part of a line from where it turns to problems or next steps (splitTurns) */
  turn?: boolean;
  /** for a heading: the section it opens */
  heading?: SectionKind;
  /** for a heading: 存在问题及下一步计划, problems and next steps together */
  combined?: boolean;
}

/** Lines before the first section heading: a title or salutation is framing; the rest stays 'pre' unless the report
 * has its own progress heading, in which case it is text we cannot place. */
export function resolvePreamble(segs: Seg[], textOf: (s: Seg) => string, hasProgressHeading: boolean) {
  let opening = true;
  for (const [i, s] of segs.entries()) {
    if (s.kind !== 'pre') {
      if (s.kind !== 'period') opening = false;
      continue;
    }
    const text = textOf(s);
    // a lead-in alone on its line, or in front of the first heading on it (汇报如下：进展：…)
    const startsLine = s.whole || segs[i - 1]?.line !== s.line;
    if (opening && (!text.trim() || (startsLine && isOpeningLine(text)))) {
      if (text.trim()) s.kind = 'framing';
      continue;
    }
    opening = false;
    if (hasProgressHeading) s.kind = 'unplaced';
  }
  // blank lines after the last line of the preamble (the preamble was all framing) are framing too
  let lastContent = -1;
  segs.forEach((s, i) => {
    if (s.kind === 'pre' && textOf(s).trim()) lastContent = i;
  });
  segs.forEach((s, i) => {
    if (s.kind === 'pre' && i > lastContent && !textOf(s).trim()) s.kind = 'framing';
  });
}

const SIGNATURE_UNIT = /(?:办事处|街道|社区|居委会|委员会|管委会|局|委|办|办公室|组|中心|公司|支队|分局|镇|政府|大队|科)$/;

/** The sign-off at the end (特此报告 / 新河街道 / 2026年11月27日) is framing, not the last section's text. */
export function markSignOff(segs: Seg[], textOf: (s: Seg) => string) {
  const lines: Seg[][] = [];
  for (const s of segs) (lines[s.line] ??= []).push(s);
  const tail: Seg[] = []; // built from the end, reversed below (unshift would be quadratic on 30,000 blank lines)
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (!l) continue;
    const text = l.map(textOf).join('');
    if (!text.trim()) {
      tail.push(...[...l].reverse());
      continue;
    }
    if (l.length !== 1 || !l[0]!.whole) break;
    if (isClosingLine(text) || isSignatureLine(text)) tail.push(l[0]!);
    else break;
  }
  tail.reverse();
  // the sign-off starts at its first closing line, or at a unit's name right above a date
  const firstClosing = tail.findIndex((s) => isClosingLine(textOf(s)));
  if (firstClosing < 0) return;
  let from = firstClosing;
  if (from > 0 && SIGNATURE_UNIT.test(textOf(tail[from - 1]!).trim())) from--;
  for (const s of tail.slice(from)) s.kind = 'framing';
}

/** In a report that has no problems (or next-steps) heading: a whole line inside progress that opens with problem words
 * is problems; one inside progress or problems opening with 下一步 / 下周 is next steps (not the first under a heading). */
export function fileStrayLines(segs: Seg[], textOf: (s: Seg) => string, onlyCombined = false) {
  const headed = new Set(segs.filter((s) => !s.combined).map((s) => s.heading).filter(Boolean));
  const cuts: Array<{ seg: Seg; at: number }> = [];
  let combined = false;
  let afterHeading = false;
  for (const s of segs) {
    if (s.kind === 'heading') {
      afterHeading = true;
      combined = s.combined === true;
    }
    if (s.kind === 'heading' || !textOf(s).trim()) continue;
    // the first line under a heading is where the unit put it
    const first = afterHeading;
    afterHeading = false;
    if (!s.whole || (s.kind !== 'progress' && s.kind !== 'problems')) continue;
    if (combined) {
      // under 存在问题及下一步计划, a line opening with 下一步 / 下周 … is next steps, the first one too; a line that
      // turns to them midway (资金拨付滞后。下一步将协调尽快拨付。) is next steps from there
      if (openerOf(textOf(s)) === 'next') s.kind = 'next';
      else {
        const turn = clauseTurns(textOf(s)).find((t) => t.kind === 'next' && t.at > 0);
        if (turn) cuts.push({ seg: s, at: turn.at });
      }
      continue;
    }
    if (first || onlyCombined) continue;
    const opener = openerOf(textOf(s));
    if (opener === 'next' && !headed.has('next')) s.kind = 'next';
    else if (opener === 'problems' && s.kind === 'progress' && !headed.has('problems')) s.kind = 'problems';
  }
  for (const { seg, at } of cuts) {
    const i = segs.indexOf(seg);
    segs.splice(i, 1, { ...seg, end: seg.start + at, whole: false }, { ...seg, start: seg.start + at, kind: 'next', whole: false });
  }
}

/** A report without headings (or the part before its first heading, when it has no progress heading): the first
 * paragraph is progress; a line opening with problem words is problems, one opening with 下一步 / 下周 … is next steps;
 * a line without such words continues the line before it within a paragraph, and starts progress after a blank line. */
/**
 * A line of a report without headings that turns to problems or next steps midway (a phone report in one line:
 * 完成摸底156户，但仍有12户不同意搬迁方案，下一步由街道逐户做工作。) is cut where it turns, so that classifyUntitled
 * files each part. A part that does not turn stays with the one before it.
 */
export function splitTurns(segs: Seg[], textOf: (s: Seg) => string) {
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.kind !== 'pre') continue;
    const turns = clauseTurns(textOf(s)).filter((t) => t.at > 0);
    if (!turns.length) continue;
    // the first part is read as a line is (classifyUntitled); each turn is filed as what it turns to
    const parts: Seg[] = [{ ...s, end: s.start + turns[0]!.at, whole: false }];
    turns.forEach((t, k) => parts.push({ ...s, start: s.start + t.at, end: k + 1 < turns.length ? s.start + turns[k + 1]!.at : s.end, kind: t.kind, whole: false, turn: true }));
    segs.splice(i, 1, ...parts);
    i += parts.length - 1;
  }
}

export function classifyUntitled(segs: Seg[], textOf: (s: Seg) => string) {
  let prev: Section = 'progress';
  let blank = false;
  for (const s of segs) {
    if (s.kind !== 'pre') {
      // (a line's turn is its own: the next line without an opener goes on from the line's first part)
      if ((s.kind === 'progress' || s.kind === 'problems' || s.kind === 'next') && !s.turn) prev = s.kind;
      continue;
    }
    const text = textOf(s);
    if (!text.trim()) {
      s.kind = prev;
      blank = true;
      continue;
    }
    const opener = openerOf(text);
    s.kind = opener ?? (blank ? 'progress' : prev);
    prev = s.kind as Section;
    blank = false;
  }
}
