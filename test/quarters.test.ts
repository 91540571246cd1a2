// The quarter parser (季度, src/core/quarters.ts) on a corpus of what offices write, and a property: whatever the text,
// it answers undefined or a stored quarter that reads back as itself in both languages' forms.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseQuarter, quarterName, quarterOf } from '../src/core/quarters.js';
import './support/fuzz-seed.js';

const corpus = parse(readFileSync(join(import.meta.dirname, 'fixtures', 'quarters', 'corpus.yaml'), 'utf8')) as Array<{ text: string | number; quarter: string | null }>;

describe('quarters as offices write them', () => {
  for (const c of corpus) {
    it(`「${c.text}」 → ${c.quarter ?? 'refused'}`, () => {
      expect(parseQuarter(String(c.text)) ?? null).toBe(c.quarter);
    });
  }

  it('names a quarter in Chinese and keeps the code in English, and finds the quarter of a date', () => {
    expect(quarterName('2026Q1', 'zh')).toBe('2026年第一季度');
    expect(quarterName('2026Q1', 'en')).toBe('2026Q1');
    expect(quarterOf('2026-12-31')).toBe('2026Q4');
    expect(quarterOf('2027-01-01')).toBe('2027Q1');
  });
});

describe('properties', () => {
  it('any text reads as nothing or as a stored quarter', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const q = parseQuarter(s);
        return q === undefined || /^20\d{2}Q[1-4]$/.test(q);
      }),
    );
  });

  it('every quarter reads back from its code and from its Chinese name', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 4 }), (y, n) => {
        const q = `${y}Q${n}`;
        return parseQuarter(q) === q && parseQuarter(quarterName(q, 'zh')) === q && parseQuarter(`Q${n} ${y}`) === q;
      }),
    );
  });
});
