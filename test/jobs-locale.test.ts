// An English campaign (locale `en`) hears its scheduled posts in English: the report reminder, the chase, the deadline
// reminder and the meeting reminder speak the campaign's locale through the one context (src/context.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePlan } from '../src/runtime.js';
import { startHarness, type Harness } from './support/harness.js';

const OFFICE = 'oc_xinhe_office';
let h: Harness;
const titles = () => h.fake.messages.map((m) => String(m.content.header?.title?.content ?? ''));
const tick = async (iso: string) => {
  h.clock.set(iso);
  await h.server.runtime.runner.tick(new Date(iso));
  await h.settle();
};

beforeAll(async () => {
  const plan = join(mkdtempSync(join(tmpdir(), 'duban-en-plan-')), 'plan.yaml');
  writeFileSync(plan, readFileSync(examplePlan, 'utf8').replace('locale: zh', 'locale: en'));
  // Monday 23 November 2026, 00:00 in Shanghai
  h = await startHarness({ plan, now: '2026-11-22T16:00:00Z', env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  await h.say({ from: 'ou_chenbo', chat: OFFICE, text: 'task add Clear the fire lane of block 3 lead:新河街道办事处 group:维稳保障组 due:2026-11-25' });
  await tick('2026-11-22T16:01:00Z');
  await tick('2026-11-23T01:00:00Z'); // Monday 09:00: deadline reminder
  await tick('2026-11-23T06:30:00Z'); // Monday 14:30: 30 minutes before the 维稳保障组 dispatch meeting
  await tick('2026-11-26T09:00:00Z'); // Thursday 17:00: a day before the weekly report is due
  await tick('2026-11-27T09:01:00Z'); // Friday 17:01: the chase
}, 60_000);
afterAll(() => h.close());

describe('an English campaign', () => {
  it('gets the report reminder in English', () => {
    expect(titles()).toContain('Report reminder: 工作进度专报');
    const reminder = h.fake.messages.find((m) => String(m.content.header?.title?.content).startsWith('Report reminder'))!;
    expect(JSON.stringify(reminder.content)).toContain('these units have not reported yet');
    expect(JSON.stringify(reminder.content)).toContain('@Duban report');
  });
  it('gets the chase in English', () => {
    expect(titles().some((t) => t.startsWith('Missed report: 工作进度专报 2026-W48'))).toBe(true);
  });
  it('gets the deadline reminder in English', () => {
    expect(titles()).toContain('Deadline reminder: these tasks are due soon');
  });
  it('gets the meeting reminder in English', () => {
    expect(titles().some((t) => t.startsWith('Meeting reminder'))).toBe(true);
  });
  it('gets no Chinese card titles from the jobs', () => {
    expect(titles().filter((t) => t.startsWith('【'))).toEqual([]);
  });
});
