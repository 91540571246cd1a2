// The minutes reader (会议备忘 → 议定事项) on a corpus of minutes written as the seeds' offices write them
// (test/fixtures/minutes/), and properties over random text: it never throws, and every item line is accounted for.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workCalendar } from '../src/core/calendar.js';
import { readMinutes } from '../src/meetings/minutes-lines.js';
import type { Org } from '../src/org.js';

const ZONE = 'Asia/Shanghai';
const DIR = join(import.meta.dirname, 'fixtures/minutes');
const cal = workCalendar('cn');

/** The units of a plan file, numbered in order, as the reader sees them. */
function unitsOf(planFile: string): Pick<Org, 'units'> {
  const plan = parse(readFileSync(join(import.meta.dirname, '..', planFile), 'utf8')) as { units: Array<{ name: string; aliases?: string[] }> };
  return { units: plan.units.map((u, i) => ({ id: i + 1, name: u.name, aliases: u.aliases ?? [] })) as unknown as Org['units'] };
}

interface Case {
  plan?: string;
  day: string;
  text: string;
  tasks: Array<{ line: number; title: string; lead: string; with?: string[]; due: string }>;
  not_tasks?: Array<{ line: number; why: string[] }>;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('minutes corpus', () => {
  it('has at least 20 minutes', () => expect(files.length).toBeGreaterThanOrEqual(20));

  for (const file of files) {
    it(file, () => {
      const c = parse(readFileSync(join(DIR, file), 'utf8')) as Case;
      const org = unitsOf(c.plan ?? 'examples/xinhe.plan.yaml');
      const name = (id: number) => org.units.find((u) => u.id === id)!.name;
      const ref = DateTime.fromISO(c.day, { zone: ZONE }).set({ hour: 10 }).toJSDate();
      const read = readMinutes(c.text, org, ref, ZONE, cal);
      expect(read.tasks.map((t) => ({ line: t.line, title: t.title, lead: name(t.leadUnitId), with: t.cooperatingUnitIds.map(name), due: t.deadline }))).toEqual(
        c.tasks.map((t) => ({ ...t, with: t.with ?? [], due: String(t.due) })),
      );
      expect(read.misses.map((m) => ({ line: m.line, why: m.reasons.map((r) => r.code) }))).toEqual(c.not_tasks ?? []);
    });
  }
});

describe('properties', () => {
  const org = unitsOf('examples/xinhe.plan.yaml');
  const ref = new Date('2026-11-24T02:00:00Z');
  const piece = fc.oneof(
    fc.constantFrom('1. ', '2、', '（三）', '(4)', '一、', '第五，', '- [ ] ', '①', '- ', '\n', '\n', '，', '。', '；', ' ', '：', ':'),
    fc.constantFrom('由', '牵头', '牵头单位：', '责任单位：', '配合：', '配合', '负责', '截止：', '截至', '前', '内', '完成', '会议要求'),
    fc.constantFrom('经开区管委会', '区住建委', '区环保局', '新河街', '区委', '各相关单位', '滨海建投集团（海河下游公司）', '、'),
    fc.constantFrom('12月15日', '12月底', '月底', '本周', '下周五', '年底', '5个工作日', '某天', '2026-12-31', '十二月', '13月40日', '99999天'),
    fc.string({ maxLength: 6 }),
  );
  const minutes = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));

  it('never throws, on random text and on text built from the words minutes use', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), minutes), (text) => void readMinutes(text, org, ref, ZONE, cal)), { numRuns: 300 });
  });

  it('every numbered line is either a task or reported with a reason, never both', () => {
    fc.assert(
      fc.property(minutes, (text) => {
        const read = readMinutes(text, org, ref, ZONE, cal);
        const tasks = new Set(read.tasks.map((t) => t.line));
        const misses = new Set(read.misses.map((m) => m.line));
        for (const l of tasks) expect(misses.has(l)).toBe(false);
        for (const m of read.misses) expect(m.reasons.length).toBeGreaterThan(0);
        text.split('\n').forEach((line, i) => {
          // a numbered line starts an item; a field line right under one belongs to it
          if (/^\s*(?:\d{1,3}\s*[.、](?!\d)|（[一二三四五六七八九十]{1,3}）|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}，|-\s*\[\s*\]|①)/.test(line)) {
            expect(tasks.has(i + 1) || misses.has(i + 1)).toBe(true);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('every line that names a lead or a 截止 is either a task or reported', () => {
    fc.assert(
      fc.property(minutes, (text) => {
        const read = readMinutes(text, org, ref, ZONE, cal);
        const seen = new Set([...read.tasks.map((t) => t.line), ...read.misses.map((m) => m.line)]);
        text.split('\n').forEach((line, i) => {
          const field = /^\s*(?:牵头单位|配合|截止|责任单位)/.test(line) && i > 0;
          if (/由[^\s,，;；。：:]+?牵头|截止：/.test(line) && !field && !/^\s*(?:时间|地点|参会|主持)/.test(line)) expect(seen.has(i + 1), line).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('every task has a title, a lead unit of the plan and a real date', () => {
    fc.assert(
      fc.property(minutes, (text) => {
        for (const t of readMinutes(text, org, ref, ZONE, cal).tasks) {
          expect(t.title.trim()).not.toBe('');
          expect(org.units.some((u) => u.id === t.leadUnitId)).toBe(true);
          expect(DateTime.fromISO(t.deadline).isValid).toBe(true);
          expect(t.cooperatingUnitIds).not.toContain(t.leadUnitId);
        }
      }),
      { numRuns: 300 },
    );
  });
});
