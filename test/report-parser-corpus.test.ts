// The report parser over the corpus in test/fixtures/reports/: reports written in the styles of the seed documents
// (weekly community reports, bureau reports with numbered sections, monthly reports with numbers, text pasted from
// Word/WPS, one-line phone reports, English ones, and messages that are not reports), each with its expected parse.
// Prints the accuracy per section; it must be 100%.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseReport, type ParsedReport } from '../src/core/report-parser.js';

interface Expected {
  progress: string;
  problems: string;
  next: string;
  metrics: Record<string, number>;
  problem_items?: string[];
  unplaced?: string;
  framing?: string[];
  empty?: boolean;
}
interface Case {
  id: string;
  file: string;
  text: string;
  expect: Expected;
}

const DIR = join(import.meta.dirname, 'fixtures', 'reports');
const cases: Case[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((file) => (parse(readFileSync(join(DIR, file), 'utf8')) as Omit<Case, 'file'>[]).map((c) => ({ ...c, file })));

/** What the parser answered, in the corpus's terms. */
function actual(r: ParsedReport): Required<Expected> {
  return {
    progress: r.progress,
    problems: r.problems,
    next: r.nextSteps,
    metrics: r.metrics,
    problem_items: r.problemItems,
    unplaced: r.unplaced,
    framing: r.pieces.filter((p) => p.kind === 'framing').flatMap((p) => p.text.split(/\r\n|\r|\n/)).map((l) => l.trim()).filter(Boolean),
    empty: r.empty,
  };
}

function expected(e: Expected, r: Required<Expected>): Required<Expected> {
  // problem items are checked when the case lists them (more than one); otherwise they follow from the problems text
  return { unplaced: '', framing: [], empty: false, ...e, problem_items: e.problem_items ?? r.problem_items };
}

const FIELDS = ['progress', 'problems', 'next', 'metrics', 'problem_items', 'unplaced', 'framing', 'empty'] as const;

describe('the report corpus', () => {
  it('holds at least 80 reports in every style of the seeds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const perFile = new Map<string, number>();
    for (const c of cases) perFile.set(c.file, (perFile.get(c.file) ?? 0) + 1);
    expect([...perFile.keys()]).toEqual(['bureau-numbered.yaml', 'english.yaml', 'junk.yaml', 'monthly-numbers.yaml', 'phone-turns.yaml', 'phone.yaml', 'weekly-community.yaml', 'word-pasted.yaml']);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('reads every report as expected: 100% per section', () => {
    const right = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<(typeof FIELDS)[number], number>;
    const wrong: string[] = [];
    for (const c of cases) {
      const a = actual(parseReport(c.text));
      const e = expected(c.expect, a);
      for (const f of FIELDS) {
        if (JSON.stringify(a[f]) === JSON.stringify(e[f])) right[f]++;
        else wrong.push(`${c.id} ${f}: expected ${JSON.stringify(e[f])}, got ${JSON.stringify(a[f])}`);
      }
    }
    const table = FIELDS.map((f) => `${f.padEnd(14)} ${((100 * right[f]) / cases.length).toFixed(1).padStart(5)}%  (${right[f]}/${cases.length})`);
    console.log(`report corpus: ${cases.length} reports\n${table.join('\n')}`);
    expect(wrong).toEqual([]);
  });

  // One test per report, so a failure names the report and shows the difference.
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const a = actual(parseReport(c.text));
    expect(a).toEqual(expected(c.expect, a));
  });
});
