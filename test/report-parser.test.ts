// The forgiving report parser: what people really type (seed 000's 实施进展情况、存在问题及下一步计划, seed 004's
// numbers and 无/0), and properties over random text: it never throws, and every character is accounted for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlankField, parseReport, type ParsedReport, type PieceKind } from '../src/core/report-parser.js';
import { halfWidth } from '../src/core/text.js';

describe('sections as people type them', () => {
  it('reads the seed’s three parts with numbered Chinese headings and numbered lines', () => {
    const r = parseReport('一、实施进展情况\n1. 完成一户一册登记320户\n2. 召开调度会\n二、存在问题\n1. 部分住户拒绝入户核查\n2. 档案缺失\n三、下一步计划\n继续推进登记造册');
    expect(r.progress).toBe('1. 完成一户一册登记320户\n2. 召开调度会');
    expect(r.problems).toBe('1. 部分住户拒绝入户核查\n2. 档案缺失');
    expect(r.problemItems).toEqual(['部分住户拒绝入户核查', '档案缺失']);
    expect(r.nextSteps).toBe('继续推进登记造册');
    expect(r.unplaced).toBe('');
  });

  it('accepts every common heading variant with a full-width colon', () => {
    for (const [p, q, n] of [
      ['进展', '问题', '下一步'],
      ['工作进展', '存在问题', '下步计划'],
      ['本周进展', '困难问题', '下一步计划'],
      ['进展情况', '存在的问题', '下一步工作'],
    ]) {
      const r = parseReport(`${p}：完成巡查\n${q}：资金不足\n${n}：协调资金`);
      expect([r.progress, r.problems, r.nextSteps]).toEqual(['完成巡查', '资金不足', '协调资金']);
    }
  });

  it('reads bracketed and bold headings, and 如下 after a heading', () => {
    const r = parseReport('【进展】\n完成A\n**存在问题**\n资金不足\n下一步计划如下：\n- 协调资金');
    expect([r.progress, r.problems, r.nextSteps]).toEqual(['完成A', '资金不足', '- 协调资金']);
  });

  it('reads English headings', () => {
    const r = parseReport('Progress: 3 sites cleared\nProblems: funding is late\nNext: finish the register');
    expect([r.progress, r.problems, r.nextSteps]).toEqual(['3 sites cleared', 'funding is late', 'finish the register']);
  });

  it('reads a whole report typed on one line', () => {
    const r = parseReport('进展：完成摸排 问题：人手不够 下一步：增派人员 指标：摸排=120');
    expect([r.progress, r.problems, r.nextSteps]).toEqual(['完成摸排', '人手不够', '增派人员']);
    expect(r.metrics).toEqual({ 摸排: 120 });
  });

  it('a word like 问题 inside a sentence is not a heading', () => {
    const r = parseReport('进展：解决群众反映问题3个，进展顺利');
    expect(r.progress).toBe('解决群众反映问题3个,进展顺利');
    expect(r.problems).toBe('');
  });
});

describe('blank fields, metrics and the period', () => {
  it('无, 暂无 and 0 leave a section blank', () => {
    const r = parseReport('进展：完成A\n问题：无\n下一步：0');
    expect(r.problems).toBe('');
    expect(r.nextSteps).toBe('');
    expect(r.problemItems).toEqual([]);
    expect(isBlankField('1. 暂无。')).toBe(true);
  });

  it('reads 指标：拆除=12，面积=300 with full-width punctuation, and 无 as 0', () => {
    const r = parseReport('进展：完成拆除\n指标：拆除＝12，面积=300；新增违建=无');
    expect(r.metrics).toEqual({ 拆除: 12, 面积: 300, 新增违建: 0 });
  });

  it('reads metrics: a=1, b=2', () => {
    expect(parseReport('progress: ok\nmetrics: a=1, b=2.5').metrics).toEqual({ a: 1, b: 2.5 });
  });

  it('reads numbers with units in the progress text when no 指标 are given', () => {
    const r = parseReport('进展：本周拆除违建12处，面积300平方米，召开第3次调度会');
    expect(r.metrics).toEqual({ 拆除违建: 12, 面积: 300 });
  });

  it('reads the period line in either language', () => {
    expect(parseReport('周期 2026-W47\n进展：完成A').period).toBe('2026-W47');
    expect(parseReport('进展：完成A\nperiod: 2026-11').period).toBe('2026-11');
    expect(parseReport('周期：上周\n进展：完成A').period).toBe('上周');
  });
});

describe('what it cannot place', () => {
  it('a preamble before the first heading is kept as unplaced', () => {
    const r = parseReport('各位领导好，本周情况汇报如下\n进展：完成A');
    expect(r.unplaced).toBe('各位领导好,本周情况汇报如下');
    expect(r.progress).toBe('完成A');
  });

  it('text without any heading is read as progress and marked untitled', () => {
    const r = parseReport('本周完成摸排120户');
    expect(r.progress).toBe('本周完成摸排120户');
    expect(r.untitled).toBe(true);
    expect(r.metrics).toEqual({ 完成摸排: 120 });
  });

  it('a metric it cannot read is kept as unplaced, not dropped', () => {
    const r = parseReport('进展：完成A\n指标：拆除=12 面积很大');
    expect(r.metrics).toEqual({ 拆除: 12 });
    expect(r.unplaced).toBe('面积很大');
  });

  it('reads a 50,000-character message in linear time (no regex backtracking blow-up)', () => {
    const long = ['*'.repeat(50_000) + 'x', ' '.repeat(50_000) + 'x', '拆除'.repeat(25_000) + '1', '指标：' + 'a'.repeat(50_000), '本周'.repeat(25_000)];
    const started = performance.now();
    for (const s of long) parseReport(s);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('never throws on things that are not text', () => {
    expect(parseReport(undefined).progress).toBe('');
    expect(parseReport(null).unplaced).toBe('');
  });
});

// Property tests ------------------------------------------------------------------------------------------------

const strip = (s: string) => s.replace(/\s+/g, '');
const ofKind = (r: ParsedReport, kind: PieceKind) => r.pieces.filter((p) => p.kind === kind).map((p) => p.text).join('');

/** Text built from the parser's own vocabulary mixed with arbitrary unicode: reaches every branch. */
const reportish = fc
  .array(
    fc.oneof(
      fc.constantFrom('进展', '工作进展', '问题', '存在问题', '下一步', '下步计划', '指标', '周期', 'progress', 'problems', 'next', 'metrics', 'period'),
      fc.constantFrom('：', ':', '，', '、', '；', '=', '＝', '\n', '\r\n', ' ', '　', '1.', '一、', '（二）', '【', '】', '**', '- ', '•'),
      fc.constantFrom('无', '0', '暂无', '12处', '300平方米', '2026-W47', '上周', '拆除违建', '完成', '如下', 'n/a'),
      fc.string({ unit: 'binary', maxLength: 12 }),
    ),
    { maxLength: 40 },
  )
  .map((xs) => xs.join(''));

const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), reportish);

describe('properties over random text', () => {
  it('never throws, and always answers strings and finite numbers', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const r = parseReport(s);
        for (const v of [r.progress, r.problems, r.nextSteps, r.unplaced]) expect(typeof v).toBe('string');
        for (const [k, v] of Object.entries(r.metrics)) {
          expect(k.length).toBeGreaterThan(0);
          expect(Number.isFinite(v)).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('every non-blank character of the input ends up in exactly one piece, in order', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const r = parseReport(s);
        expect(strip(r.pieces.map((p) => p.text).join(''))).toBe(strip(halfWidth(s)));
      }),
      { numRuns: 1500 },
    );
  });

  it('each section and unplaced hold exactly their pieces (a section written 无 is blank)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const r = parseReport(s);
        for (const [kind, value] of [['progress', r.progress], ['problems', r.problems], ['next', r.nextSteps]] as const) {
          const text = ofKind(r, kind);
          if (value) expect(strip(value)).toBe(strip(text));
          else expect(isBlankField(text) || strip(text) === '').toBe(true);
        }
        expect(strip(r.unplaced)).toBe(strip(ofKind(r, 'unplaced')));
      }),
      { numRuns: 1500 },
    );
  });

  it('a report written with any heading variant, bullet and punctuation reads back exactly', () => {
    const HEADINGS = {
      progress: ['进展', '工作进展', '本周进展', '进展情况', '实施进展情况', 'Progress'],
      problems: ['问题', '存在问题', '困难问题', 'problems'],
      next: ['下一步', '下步计划', '下一步计划', 'next'],
    } as const;
    const words = fc.constantFrom('完成入户走访', '召开调度会', '清理楼道杂物', '资金尚未到位', '协调维修队伍', '人手紧张', '加强夜间巡查', 'check the roofs');
    const bullet = fc.constantFrom('', '1. ', '2、', '- ', '（一）', '• ');
    const lines = fc.array(fc.tuple(bullet, words).map(([b, w]) => b + w), { minLength: 1, maxLength: 3 });
    const section = (kind: keyof typeof HEADINGS) =>
      fc.record({ kind: fc.constant(kind), heading: fc.constantFrom(...HEADINGS[kind]), form: fc.constantFrom('inline', 'colon', 'numbered', 'bracket'), colon: fc.constantFrom('：', ':'), lines });
    fc.assert(
      fc.property(fc.shuffledSubarray(['progress', 'problems', 'next'] as const, { minLength: 1 }).chain((kinds) => fc.tuple(...kinds.map(section))), (sections) => {
        const text = sections
          .map((s, i) => {
            const english = /^[A-Za-z]/.test(s.heading);
            const form = english ? (s.form === 'inline' ? 'inline' : 'colon') : s.form;
            const head = form === 'numbered' ? `${'一二三'[i]}、${s.heading}` : form === 'bracket' ? `【${s.heading}】` : `${s.heading}${s.colon}`;
            return form === 'inline' ? `${head}${s.lines.join('\n')}` : `${head}\n${s.lines.join('\n')}`;
          })
          .join('\n');
        const r = parseReport(text);
        const got = { progress: r.progress, problems: r.problems, next: r.nextSteps };
        for (const s of sections) expect(got[s.kind]).toBe(halfWidth(s.lines.join('\n')));
        expect(r.unplaced).toBe('');
      }),
      { numRuns: 500 },
    );
  });
});
