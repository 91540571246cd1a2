// Plan validation lists every problem in one answer: shape and cross-references together, and an unknown key named
// with the nearest known key. Nothing is written while any problem stands. Every key of DESIGN.md section 5 is known.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns } from '../db/schema.js';
import { readPlan } from '../src/plan/apply.js';
import { examplePlan } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const reference = readFileSync(examplePlan, 'utf8');
// The reference plan without its phases, ledger settings and tasks' phases and quarters, for the cases that add their own.
const bare = reference
  .replace(/\nphases:\n(?: {2}- .*\n)+/, '\n')
  .replace(/\nledger: .*\n/, '\n')
  .replace(/, phase: [^,}]+, quarter: [^,}]+ \}/g, ' }');
const ADMIN = 'admin-token-for-the-plan-validation-test';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ plan: false, env: { ADMIN_TOKEN: ADMIN } });
});
afterAll(() => h.close());

const post = async (body: string) => {
  const res = await fetch(`${h.url}/admin/plan`, { method: 'POST', body, headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: res.status, body: (await res.json()) as { problems?: Array<{ path: string; message: string }>; changes?: string[] } };
};

describe('plan validation', () => {
  it('a misspelt key is refused, naming the key it most likely meant; nothing is written', async () => {
    const res = await post(reference.replace('remind_before: [1d, 2h]', 'remind_bfore: [1d, 2h]'));
    expect(res.status).toBe(400);
    expect(res.body.problems).toContainEqual({ path: 'reporting[0].remind_bfore', message: 'unknown key; did you mean remind_before?' });
    expect(await h.server.runtime.dbh.db.select().from(campaigns)).toHaveLength(0);
  });

  it('an unknown unit and a bad date are both listed in one answer', async () => {
    const res = await post(reference.replace('lead: 新河街道办事处\n    units: [区委政法委', 'lead: 不存在的单位\n    units: [区委政法委').replace('deadline: 2026-12-31', 'deadline: 2026-13-45'));
    expect(res.status).toBe(400);
    const paths = res.body.problems!.map((p) => `${p.path}: ${p.message}`);
    expect(paths).toContain('groups[0].lead: unknown unit "不存在的单位"');
    expect(paths).toContain('tasks[0].deadline: must be a date YYYY-MM-DD');
  });

  it('a key far from any known one lists the keys that are known there', () => {
    const r = readPlan(reference.replace('  office_chat: oc_xinhe_office', '  office_chat: oc_xinhe_office\n  colour: red'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual({ path: 'campaign.colour', message: 'unknown key; known keys here: name, timezone, locale, office_unit, office_chat, leaders_chat, workday_calendar' });
  });

  it('every key of DESIGN.md section 5 is known: calendar, remind_by, ledger, liaison, several lead units, phases, phase and quarter', () => {
    const plan = bare
      .replace('units:\n', 'calendar:\n  holidays: ["2027-02-06..2027-02-13", 2027-10-01]\n  workdays: [2027-02-14]\nledger: { yellow_within: 3, writeoff_review: true }\nphases:\n  - { name: 集中攻坚, from: 2026-11-01, to: 2027-03-31, goal: 完成摸排登记 }\nunits:\n')
      .replace('remind_before: [1d, 2h]', 'remind_before: [1d, 2h]\n    remind_by: [group, dm]')
      .replace('roles: [liaison] }', 'roles: [member], liaison: true }')
      .replace('lead: 经开区管委会\n    units: [区住房建设委, 新河周转房办公室', 'lead: [经开区管委会, 区住房建设委]\n    units: [区住房建设委, 新河周转房办公室')
      .replace('deadline: 2026-12-31 }', 'deadline: 2026-12-31, phase: 集中攻坚, quarter: 2026Q4 }');
    const r = readPlan(plan);
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it('calendar dates are checked: a bad range and a date both holiday and workday', () => {
    const r = readPlan(reference.replace('units:\n', 'calendar:\n  holidays: ["2027-02-13..2027-02-06", 2027-02-14]\n  workdays: [2027-02-14]\nunits:\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toContainEqual({ path: 'calendar.holidays[0]', message: 'must be a date YYYY-MM-DD or a range "YYYY-MM-DD..YYYY-MM-DD"' });
      expect(r.problems).toContainEqual({ path: 'calendar.workdays[0]', message: '"2027-02-14" is also listed as a holiday' });
    }
  });

  it('a plan with a calendar applies, and applying it again changes nothing', async () => {
    const plan = reference.replace('units:\n', 'calendar:\n  holidays: ["2027-02-06..2027-02-13"]\n  workdays: [2027-02-14]\nunits:\n');
    const first = await post(plan);
    expect(first.status).toBe(200);
    expect(first.body.changes).toContain('~ campaign 新河周转房居住环境改善: holiday calendar');
    const again = await post(plan);
    expect(again.body.changes).toEqual([]);
  });

  it('a holiday the plan adds moves the week’s due day: 进度 then says Thursday', async () => {
    const res = await post(reference.replace('units:\n', 'calendar:\n  holidays: [2026-11-27]\nunits:\n'));
    expect(res.status).toBe(200);
    h.clock.set('2026-11-23T02:00:00Z');
    const { messageId } = await h.say({ from: 'ou_chenbo', chat: 'oc_p2p_ou_chenbo', text: '进度' });
    const reply = h.fake.messages.find((m) => m.reply_to === messageId);
    expect(flatten(reply!.content)).toContain('截止 11月26日（周四）17:00');
  });
});

describe('phases, quarters and the ledger settings', () => {
  const withPhases = (phases: string, tasks = '') =>
    bare.replace('tasks:\n', `phases:\n${phases}\n${tasks ? `tasks:\n${tasks}\n` : 'tasks:\n'}`);
  const problems = (text: string) => {
    const r = readPlan(text);
    return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
  };

  it('seed 004’s three stages, one after another, are a good plan', () => {
    const r = readPlan(
      withPhases(
        [
          '  - { name: 摸底排查阶段, from: 2019-07-15, to: 2019-08-15, goal: 全面集中摸排，初步建立工作台账 }',
          '  - { name: 梳理上报阶段, from: 2019-08-16, to: 2019-09-15, goal: 一户一档，建立准确全面的违法建设台账 }',
          '  - { name: 攻坚整治阶段, from: 2019-09-16, to: 2020-12-31 }',
        ].join('\n'),
      ),
    );
    expect(r.ok ? r.plan.phases.map((p) => p.name) : r.problems).toEqual(['摸底排查阶段', '梳理上报阶段', '攻坚整治阶段']);
  });

  it('overlapping phases, a phase that ends before it begins and a name used twice are each named', () => {
    const found = problems(
      withPhases(
        [
          '  - { name: 集中攻坚, from: 2026-11-16, to: 2026-12-18 }',
          '  - { name: 迎接验收, from: 2026-12-18, to: 2026-12-31 }',
          '  - { name: 巩固提升, from: 2027-02-01, to: 2027-01-15 }',
          '  - { name: 集中攻坚, from: 2027-03-01, to: 2027-03-31 }',
        ].join('\n'),
      ),
    );
    expect(found).toContain('phases[1].from: 2026-12-18..2026-12-31 overlaps phases[0] "集中攻坚" (2026-11-16..2026-12-18); a day belongs to one phase');
    expect(found).toContain('phases[2].to: ends (2027-01-15) before it begins (2027-02-01)');
    expect(found).toContain('phases[3].name: duplicate phase "集中攻坚"');
  });

  it('a phase key misspelt is named with the key it meant; a bad date is a bad date', () => {
    const found = problems(withPhases('  - { name: 集中攻坚, from: 2026-11-16, to: 2026-02-30, goals: 攻坚 }'));
    expect(found).toContain('phases[0].goals: unknown key; did you mean goal?');
    expect(found).toContain('phases[0].to: must be a date YYYY-MM-DD');
  });

  it('a task’s unknown phase names the phases; a quarter is 2026Q1 or 2026年第一季度, nothing else', () => {
    const found = problems(
      withPhases(
        '  - { name: 集中攻坚, from: 2026-11-16, to: 2026-12-18 }',
        [
          '  - { title: 甲, lead: 区公安局, deadline: 2026-12-01, phase: 迎接验收 }',
          '  - { title: 乙, lead: 区公安局, deadline: 2026-12-01, quarter: 2026年第一季度 }',
          '  - { title: 丙, lead: 区公安局, deadline: 2026-12-01, quarter: 2026Q5 }',
        ].join('\n'),
      ),
    );
    expect(found).toContain('tasks[0].phase: unknown phase "迎接验收"; the phases are 集中攻坚');
    expect(found).toContain('tasks[2].quarter: must be a quarter like 2026Q1 or 2026年第一季度');
    expect(found.filter((p) => p.startsWith('tasks[1]'))).toEqual([]);
  });

  it('a task’s phase without any phases says the plan has none', () => {
    expect(problems(bare.replace('deadline: 2026-12-31 }', 'deadline: 2026-12-31, phase: 集中攻坚 }'))).toContain('tasks[0].phase: unknown phase "集中攻坚"; the plan has no phases: section');
  });

  it('ledger.yellow_within is a whole number of workdays, 0 to 60', () => {
    expect(problems(bare.replace('tasks:\n', 'ledger: { yellow_within: -1 }\ntasks:\n')).some((p) => p.startsWith('ledger.yellow_within:'))).toBe(true);
    expect(problems(bare.replace('tasks:\n', 'ledger: { yellow_within: 2.5 }\ntasks:\n')).some((p) => p.startsWith('ledger.yellow_within:'))).toBe(true);
    expect(problems(bare.replace('tasks:\n', 'ledger: { yellow_within: 5 }\ntasks:\n'))).toEqual([]);
  });

  it('the reference plan’s own phases, ledger settings and tasks’ phases and quarters are good', () => {
    const r = readPlan(reference);
    expect(r.ok ? r.plan.tasks.map((t) => [t.phase, t.quarter]) : r.problems).toEqual([
      ['摸排登记', '2026Q4'],
      ['方案编制', '2027Q1'],
      ['方案编制', '2027Q1'],
    ]);
    expect(bare).not.toMatch(/phases:|ledger:|quarter:/);
  });
});
