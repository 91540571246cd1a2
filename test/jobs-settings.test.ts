// A campaign changes the default job schedules in its plan (`jobs:`): the deadline reminder moves to 08:30, the
// overdue digest is turned off. The runner, `job run` and `job list` follow the plan.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePlan } from '../src/runtime.js';
import { startHarness, type Harness } from './support/harness.js';

const ADMIN = 'admin-token-for-tests-0123456789abcdef';
const OFFICE = 'oc_xinhe_office';
const WEIWEN = 'oc_xinhe_weiwen';
let h: Harness;
const titles = (chat: string) => h.fake.messagesIn(chat).map((m) => String(m.content.header?.title?.content ?? ''));
const tick = async (iso: string) => {
  h.clock.set(iso);
  await h.server.runtime.runner.tick(new Date(iso));
  await h.settle();
};

beforeAll(async () => {
  const plan = join(mkdtempSync(join(tmpdir(), 'duban-jobs-plan-')), 'plan.yaml');
  writeFileSync(plan, `${readFileSync(examplePlan, 'utf8')}\njobs:\n  deadline-reminder: { time: "08:30" }\n  overdue-digest: { off: true }\n`);
  // Monday 23 November 2026, 00:00 in Shanghai
  h = await startHarness({ plan, now: '2026-11-22T16:00:00Z', env: { ADMIN_TOKEN: ADMIN, SEND_PER_CHAT_PER_SECOND: '100' } });
  await h.say({ from: 'ou_chenbo', chat: OFFICE, text: '任务 新增 完成3号楼消防通道清理 牵头：新河街道办事处 工作组：维稳保障组 截止：11月25日' });
  await h.say({ from: 'ou_chenbo', chat: OFFICE, text: '任务 新增 补齐周转房住户台账 牵头：新河周转房办公室 工作组：维稳保障组 截止：2026-11-20' });
  await tick('2026-11-22T16:01:00Z');
}, 60_000);
afterAll(() => h.close());

describe('job schedules changed by the plan', () => {
  it('the deadline reminder goes out at 08:30, not 09:00', async () => {
    await tick('2026-11-23T00:29:00Z'); // 08:29
    expect(titles(WEIWEN)).not.toContain('【到期提醒】以下任务即将到期');
    await tick('2026-11-23T00:30:00Z'); // 08:30
    expect(titles(WEIWEN).filter((t) => t === '【到期提醒】以下任务即将到期')).toHaveLength(1);
  });

  it('the overdue digest is off: Monday 09:00 passes without it, and job run says so', async () => {
    await tick('2026-11-23T01:00:00Z');
    await tick('2026-11-23T01:01:00Z');
    expect([...titles(WEIWEN), ...titles(OFFICE)].filter((t) => t.startsWith('逾期任务'))).toHaveLength(0);
    const res = await fetch(`${h.url}/admin/jobs/overdue-digest/run`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(((await res.json()) as { results: unknown }).results).toEqual([{ job: 'overdue-digest', campaign: '新河周转房居住环境改善', period: '', outcome: 'off', posts: 0 }]);
  });

  it('job list shows the changes next to the default schedules', async () => {
    const res = await fetch(`${h.url}/admin/jobs`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const { jobs } = (await res.json()) as { jobs: Array<{ name: string; schedule: string; changes: string[]; next: string | null }> };
    const by = (n: string) => jobs.find((j) => j.name === n)!;
    expect(by('deadline-reminder')).toMatchObject({ schedule: 'workdays 09:00', changes: ['新河周转房居住环境改善: at 08:30'] });
    expect(by('deadline-reminder').next).toBe('2026-11-24T08:30:00.000+08:00');
    expect(by('overdue-digest')).toMatchObject({ changes: ['新河周转房居住环境改善: off'], next: null });
    expect(by('lagging-units').changes).toEqual([]);
  });
});
