// Who is reminded (issue 15, item 9): only a unit's liaisons (联络员) are @-mentioned for its reports; a commander or
// an office member of the unit never stands in for one. A unit with no liaison is named to the office once per period.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePlan } from '../src/runtime.js';
import { startHarness, type Harness } from './support/harness.js';

const ZONE = 'Asia/Shanghai';
const sh = (s: string) => DateTime.fromISO(s, { zone: ZONE }).toJSDate();
const OFFICE = 'oc_xinhe_office';
const GONGCHENG = 'oc_xinhe_gongcheng';
const NOTICE = '未登记联络员，无法提醒';

// The reference plan with a liaison for 区网信办 registered the plan way: `liaison: true` on a member.
const plan = readFileSync(examplePlan, 'utf8').replace(
  '\ngroups:\n',
  '\n  - { name: 孙伟, open_id: ou_sunwei, unit: 区网信办, liaison: true }\n\ngroups:\n',
);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-11-26T08:00:00Z', plan: false, env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  // Lark knows the new liaison (the fake refuses cards that mention an open_id it does not know, as Lark does).
  h.fake.seedUser('ou_sunwei', { name: '孙伟' });
  const { applyPlanText } = await import('../src/plan/apply.js');
  const applied = await applyPlanText(h.server.runtime.dbh, plan, h.clock);
  expect(applied.ok).toBe(true);
  // Week 48 is due Friday 27 November 17:00: the 1-day reminder, the 2-hour reminder, then the chase.
  for (const [job, at] of [['report-reminder', '2026-11-26T17:00'], ['report-reminder', '2026-11-27T15:00'], ['report-chase', '2026-11-27T17:01']] as const) {
    h.clock.set(sh(at));
    await h.server.runtime.runner.runNow(job, sh(at));
  }
  await h.settle();
});
afterAll(() => h.close());

describe('who the report reminders mention', () => {
  it('the liaison of the 工程建设组 lead unit is mentioned, its commander is not', () => {
    const texts = h.textsIn(GONGCHENG);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    for (const t of texts) {
      expect(t).toContain('<at id=ou_liqiang></at>');
      expect(t).not.toContain('ou_youtiancheng');
    }
  });

  it('nobody of 区住房建设委 is mentioned: its people are the commander and the office, not liaisons', () => {
    const texts = h.textsIn(OFFICE).filter((t) => t.includes('区住房建设委'));
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) {
      expect(t).not.toContain('<at id=ou_dailei>');
      expect(t).not.toContain('<at id=ou_chenbo>');
    }
    expect(texts.some((t) => t.includes('区住房建设委（未登记联络员）'))).toBe(true);
  });

  it('a person marked liaison: true in the plan is mentioned for their unit', () => {
    expect(h.textsIn(OFFICE).some((t) => t.includes('区网信办 <at id=ou_sunwei></at>'))).toBe(true);
  });

  it('the office is told once for the period which units have no liaison', () => {
    const told = h.textsIn(OFFICE).filter((t) => t.includes(NOTICE));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`区住房建设委${NOTICE}`);
    expect(told[0]).not.toContain('区网信办未登记');
    // not in the group chats
    expect(h.textsIn(GONGCHENG).some((t) => t.includes(NOTICE))).toBe(false);
  });
});
