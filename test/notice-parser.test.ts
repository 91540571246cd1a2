// Reading 「督办 <单位> <事项> 截止：<日期>」 (src/notices/parse.ts, with the command's keys): a corpus of the ways the
// office writes it, each with its expected unit, matter and deadline or its refusal; and properties over any unit name
// and matter: a notice always goes to the unit named, with the matter as written, and reading never throws.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import noticeIssue from '../commands/notice-issue.js';
import { parseArgs } from '../src/core/args.js';
import { readUnitAndMatter, type Named } from '../src/notices/parse.js';

interface Case {
  text: string;
  unit?: string;
  matter?: string;
  due?: string;
  reason?: string;
}

const ROOT = join(import.meta.dirname, '..');
const plan = parse(readFileSync(join(ROOT, 'examples', 'xinhe.plan.yaml'), 'utf8')) as { units: Array<{ name: string; aliases?: string[] }> };
const UNITS: Named[] = plan.units.map((u, i) => ({ id: i + 1, name: u.name, aliases: u.aliases ?? [] }));
const nameOf = (id: number) => UNITS.find((u) => u.id === id)!.name;
const cases = parse(readFileSync(join(ROOT, 'test', 'fixtures', 'notices', 'corpus.yaml'), 'utf8')) as Case[];

/** What the command reads from the text after 督办: its keys first, then the unit and the matter. */
function read(text: string) {
  const { text: free, named } = parseArgs(text, noticeIssue.keys!);
  return { r: readUnitAndMatter(UNITS, free), due: named.due };
}

describe('the notice corpus', () => {
  it.each(cases.map((c) => [c.text, c] as const))('%s', (_, c) => {
    const { r, due } = read(c.text);
    if (c.reason) {
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.reason).toBe(c.reason);
      return;
    }
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect({ unit: nameOf(r.unitId), matter: r.matter, due }).toEqual({ unit: c.unit, matter: c.matter, due: c.due });
  });
});

// Matter text made of characters that begin no unit name or alias of the plan (区 经 高 大 塘 新 滨 泰 市 住 城 周 规),
// so the unit the text starts with is exactly the one written.
const MATTER_CHARS = '排查整治消防通道隐患完成报送情况核实居民走访登记一户一册 0123456789，。（）';
const matter = fc
  .array(fc.constantFrom(...MATTER_CHARS), { minLength: 1, maxLength: 40 })
  .map((cs) => cs.join('').trim())
  .filter((m) => m.length > 0 && !/^[，。（）]/.test(m));
const someName = fc.constantFrom(...UNITS.flatMap((u) => [u.name, ...u.aliases].map((n) => ({ id: u.id, n }))));

describe('properties', () => {
  it('a unit name or alias, a space and a matter: that unit, that matter', () => {
    fc.assert(
      fc.property(someName, matter, ({ id, n }, m) => {
        const r = readUnitAndMatter(UNITS, `${n} ${m}`);
        expect(r).toEqual({ ok: true, unitId: id, matter: m });
      }),
    );
  });

  it('without the space it reads the same', () => {
    fc.assert(
      fc.property(someName, matter, ({ id, n }, m) => {
        expect(readUnitAndMatter(UNITS, `${n}${m}`)).toEqual({ ok: true, unitId: id, matter: m });
      }),
    );
  });

  it('any text: never throws, and an accepted notice names a unit the text starts with and a matter it ends with', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const r = readUnitAndMatter(UNITS, s);
        if (!r.ok) return;
        expect(s.trim().endsWith(r.matter)).toBe(true);
        expect(r.matter.length).toBeGreaterThan(0);
      }),
    );
  });
});
