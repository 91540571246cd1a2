// plan apply: the reference plan applies, applies again with no changes, and a bad plan is refused whole.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../db/client.js';
import { ManualClock } from '../src/core/clock.js';
import { applyPlanText, readPlan } from '../src/plan/apply.js';
import { examplePlan } from '../src/runtime.js';
import { startHarness } from './support/harness.js';

const run = promisify(execFile);
const reference = readFileSync(examplePlan, 'utf8');
const clock = new ManualClock('2026-11-23T02:00:00Z');
const fresh = () => openSqlite(join(mkdtempSync(join(tmpdir(), 'duban-plan-')), 'd.db'));

describe('plan apply', () => {
  it('creates the reference campaign, then a second apply changes nothing', async () => {
    const dbh = fresh();
    const first = await applyPlanText(dbh, reference, clock);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.changes).toContain('+ unit 区委宣传部');
    expect(first.changes.filter((c) => c.startsWith('+ group'))).toHaveLength(9);
    const second = await applyPlanText(dbh, reference, clock);
    expect(second).toMatchObject({ ok: true, changes: [] });
  });

  it('an edited plan reports only what changed', async () => {
    const dbh = fresh();
    await applyPlanText(dbh, reference, clock);
    const edited = reference.replace('{ name: 区民政局 }', '{ name: 区民政局, aliases: [民政局] }');
    const res = await applyPlanText(dbh, edited, clock);
    expect(res).toMatchObject({ ok: true, changes: ['~ unit 区民政局'] });
  });

  it('a bad plan is rejected whole with every problem by path, and nothing is written', async () => {
    const dbh = fresh();
    const bad = reference
      .replace('lead: 新河街道办事处\n    units: [区委政法委', 'lead: 不存在的单位\n    units: [区委政法委')
      .replace('deadline: 2026-12-31', 'deadline: 2026-13-45')
      .replace('{ name: 区司法局 }', '{ name: 区司法局 }\n  - { name: 区司法局 }')
      .replace('timezone: Asia/Shanghai', 'timezone: Mars/Olympus');
    const res = await applyPlanText(dbh, bad, clock);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const paths = res.problems.map((p) => p.path);
    expect(paths).toContain('campaign.timezone');
    expect(paths).toContain('tasks[0].deadline');
    // cross-reference problems are found once the shape is right
    const res2 = readPlan(reference.replace('lead: 新河街道办事处\n    units: [区委政法委', 'lead: 不存在的单位\n    units: [区委政法委').replace('{ name: 区司法局 }', '{ name: 区司法局 }\n  - { name: 区司法局 }'));
    expect(res2.ok).toBe(false);
    if (!res2.ok) {
      expect(res2.problems).toContainEqual({ path: 'groups[0].lead', message: 'unknown unit "不存在的单位"' });
      expect(res2.problems.some((p) => p.message.includes('duplicate unit name'))).toBe(true);
    }
    const n = dbh.db.all<{ n: number }>(sql`select count(*) as n from campaigns`) as unknown as Array<{ n: number }>;
    expect(n[0]!.n).toBe(0);
  });

  it('jobs: a campaign moves a job to another time or turns it off; a mistake is named by its path', async () => {
    const dbh = fresh();
    const withJobs = `${reference}\njobs:\n  deadline-reminder: { time: "08:30" }\n  overdue-digest: { off: true }\n`;
    const res = await applyPlanText(dbh, withJobs, clock);
    expect(res.ok).toBe(true);
    const again = await applyPlanText(dbh, withJobs, clock);
    expect(again).toMatchObject({ ok: true, changes: [] });
    const back = await applyPlanText(dbh, reference, clock);
    expect(back).toMatchObject({ ok: true, changes: ['~ campaign 新河周转房居住环境改善: job schedules'] });

    const bad = readPlan(`${reference}\njobs:\n  report-reminder: { time: "08:00" }\n  deadline-reminder: { time: "8点" }\n  weekly-digest: { off: true }\n`);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toContainEqual({ path: 'jobs.report-reminder', message: 'this job follows the reporting rules (remind_before); only "off" can be set' });
    expect(bad.problems).toContainEqual({ path: 'jobs.deadline-reminder.time', message: 'must be HH:MM' });
    expect(bad.problems.find((p) => p.path === 'jobs')?.message).toMatch(/^unknown job; the jobs are deadline-reminder, /);
  });

  it('a file that is not YAML is one clear problem', () => {
    const r = readPlan('campaign: [unclosed');
    expect(r.ok).toBe(false);
  });

  it('the CLI prints the changes, and the problems with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-cli-'));
    const env = { ...process.env, DATABASE_PATH: join(dir, 'd.db') };
    const ok = await run('npx', ['tsx', 'src/cli.ts', 'plan', 'apply', examplePlan], { env });
    expect(ok.stdout).toContain('+ group 维稳保障组');
    const again = await run('npx', ['tsx', 'src/cli.ts', 'plan', 'apply', examplePlan], { env });
    expect(again.stdout).toContain('no changes');
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, reference.replace('lead: 经开区管委会\n    units: [区住房建设委, 新河周转房办公室', 'lead: 火星办\n    units: [区住房建设委, 新河周转房办公室'));
    const bad = await run('npx', ['tsx', 'src/cli.ts', 'plan', 'apply', badFile], { env }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain('groups[1].lead: unknown unit "火星办"');
  }, 60_000);

  it('POST /admin/plan answers like plan apply: 404 without ADMIN_TOKEN, 401 on a wrong token, 400 with problems', async () => {
    const h = await startHarness({ plan: false, env: { ADMIN_TOKEN: 'adm-0123456789abcdef0123456789abcdef' } });
    try {
      const post = (body: string, token?: string) => fetch(`${h.url}/admin/plan`, { method: 'POST', body, headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect((await post(reference, 'wrong')).status).toBe(401);
      const ok = await post(reference, 'adm-0123456789abcdef0123456789abcdef');
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { changes: string[] }).changes.length).toBeGreaterThan(40);
      const bad = await post('campaign: {name: x}\nunits: []', 'adm-0123456789abcdef0123456789abcdef');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { problems: Array<{ path: string }> }).problems[0]!.path).toBe('units');
    } finally {
      await h.close();
    }
    const h2 = await startHarness({ plan: false });
    try {
      expect((await fetch(`${h2.url}/admin/plan`, { method: 'POST', body: reference })).status).toBe(404);
    } finally {
      await h2.close();
    }
  });
});
