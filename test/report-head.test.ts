// The head of a 汇报 message (commands/report.ts readHead and periodTitle, src/core/period-words.ts periodsNamedIn)
// over the corpus in test/fixtures/report-heads/, then properties: no input throws, the body is what follows the
// head, and text naming no period names none.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { periodTitle, readHead } from '../commands/report.js';
import { workCalendar } from '../src/core/calendar.js';
import { periodsNamedIn } from '../src/core/period-words.js';

interface Case {
  id: string;
  text?: string;
  title?: string;
  cadence?: 'weekly' | 'monthly' | 'quarterly';
  expect: { unit?: string; rule?: string; period?: string; amend?: 'add' | 'fix'; body?: string; title?: string; rest?: string; named?: string[]; unsure?: string[] };
}

const cases = parse(readFileSync(join(import.meta.dirname, 'fixtures', 'report-heads', 'heads.yaml'), 'utf8')) as Case[];
const NOW = new Date('2026-11-25T02:00:00Z');
const ZONE = 'Asia/Shanghai';
const cal = workCalendar();
const ruleOf = (cadence: Case['cadence'] = 'weekly') => ({ cadence, due: { weekday: 5, day: 5, time: '17:00' } }) as never;

describe('the head corpus', () => {
  it.each(cases.filter((c) => c.text !== undefined).map((c) => [c.id, c] as const))('%s', (_, c) => {
    const h = readHead(c.text!);
    expect({ unit: h.unit, rule: h.rule, period: h.period, amend: h.amend, body: h.body }).toEqual({ unit: c.expect.unit, rule: c.expect.rule, period: c.expect.period, amend: c.expect.amend, body: c.expect.body });
  });

  it.each(cases.filter((c) => c.title !== undefined).map((c) => [c.id, c] as const))('%s', (_, c) => {
    const t = periodTitle(c.title!);
    if (c.expect.title !== undefined) expect(t).toEqual({ title: c.expect.title, rest: c.expect.rest });
    // a line that is no title is read as the head's other lines are (framing, lines not placed)
    const named = periodsNamedIn(t?.title ?? c.title!, ruleOf(c.cadence), NOW, ZONE, cal);
    expect(named.keys).toEqual(c.expect.named ?? []);
    expect(named.unsure).toEqual(c.expect.unsure ?? []);
  });
});

describe('properties', () => {
  const piece = fc.constantFrom('代', '代：', '周期 ', '补充：', '更正', '第47周', '11月', '上周', '进展：', '问题：', '，', '\n', ' ', '完成', '户', '12', '日', '第', '周', '月', '季度', '关于', '补报');
  const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(piece, { maxLength: 14 }).map((a) => a.join('')));

  it('no head throws; the body is the text after the head; a title is the first line', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('weekly', 'monthly', 'quarterly', 'twice_weekly'), (s, cadence) => {
        const h = readHead(s);
        expect(s.endsWith(h.body)).toBe(true);
        const t = periodTitle(s);
        if (t) expect(s.startsWith(t.title) || s.trimStart().startsWith(t.title)).toBe(true);
        const named = periodsNamedIn(s, ruleOf(cadence as never), NOW, ZONE, cal);
        expect(Array.isArray(named.keys) && Array.isArray(named.unsure)).toBe(true);
      }),
    );
  });

  it('text with no digit and no word of time names no period', () => {
    const plain = fc.array(fc.constantFrom('完成', '入户', '摸排', '户', '问题', '下一步', '继续', '，', '。', '\n', '进展：', '关于', '补报', '工作', '情况'), { maxLength: 20 }).map((a) => a.join(''));
    fc.assert(
      fc.property(plain, (s) => {
        const named = periodsNamedIn(s, ruleOf('weekly'), NOW, ZONE, cal);
        expect(named).toEqual({ keys: [], unsure: [], current: false });
        expect(periodTitle(s)).toBeUndefined();
      }),
    );
  });
});
