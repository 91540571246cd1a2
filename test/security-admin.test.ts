// Issue 16, finding 7: the admin token is long and compared in constant time; a plan is applied in one transaction, so a
// failure part way (here a database that refuses the last step, the tasks) leaves nothing behind — over HTTP and in the CLI.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../db/client.js';
import { sameSecret } from '../src/admin-auth.js';
import { examplePlan } from '../src/runtime.js';
import { startHarness, type Harness } from './support/harness.js';

const exec = promisify(execFile);
const ADMIN = 'admin-0123456789abcdef0123456789abcdef';
const reference = readFileSync(examplePlan, 'utf8');
/** A database that accepts everything but the plan's last step: an operator's disk filling up, in miniature. */
const FAIL_TASKS = "CREATE TRIGGER refuse_tasks BEFORE INSERT ON tasks BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END";
const counts = (db: Database.Database) =>
  Object.fromEntries(['campaigns', 'units', 'groups', 'people', 'chats', 'reporting_rules', 'meetings', 'tasks'].map((t) => [t, (db.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n]));

describe('admin token', () => {
  it('a server with an ADMIN_TOKEN shorter than 32 characters refuses to start and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-admin-'));
    try {
      const env = { ...process.env, PORT: '0', DATABASE_PATH: join(dir, 'd.db'), ADMIN_TOKEN: 'short-token', LOG_LEVEL: 'silent' };
      const run = exec(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, timeout: 30_000 });
      const failed = (await run.then(() => undefined, (e: { code: number; stderr: string }) => e))!;
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('ADMIN_TOKEN');
      expect(failed.stderr).toContain('at least 32 characters');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('only the exact token opens the admin routes', async () => {
    const h = await startHarness({ plan: false, env: { ADMIN_TOKEN: ADMIN } });
    try {
      const get = (auth?: string) => fetch(`${h.url}/admin/jobs`, { headers: auth ? { authorization: auth } : {} }).then((r) => r.status);
      expect(await get(`Bearer ${ADMIN}`)).toBe(200);
      for (const wrong of [`Bearer ${ADMIN.slice(0, -1)}x`, `Bearer ${ADMIN.slice(0, 10)}`, `Bearer ${ADMIN}x`, ADMIN, `bearer  ${ADMIN}`, '']) expect(await get(wrong), wrong).toBe(401);
    } finally {
      await h.close();
    }
  });

  it('the comparison hashes both sides, so any length compares without error', async () => {
    expect(await sameSecret(ADMIN, ADMIN)).toBe(true);
    expect(await sameSecret('', ADMIN)).toBe(false);
    expect(await sameSecret(ADMIN + ADMIN, ADMIN)).toBe(false);
  });
});

describe('a plan is applied in one transaction', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ plan: false, env: { ADMIN_TOKEN: ADMIN } });
  });
  afterAll(() => h.close());

  it('POST /admin/plan that fails at its last step writes nothing, says so, and applies whole once the cause is gone', async () => {
    await h.server.runtime.dbh.db.run(sql.raw(FAIL_TASKS));
    const post = () => fetch(`${h.url}/admin/plan`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: reference });
    const failed = await post();
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: string }).error).toContain('nothing was written');
    const db = new Database(h.server.runtime.config.DATABASE_PATH, { readonly: true });
    try {
      expect(counts(db)).toEqual({ campaigns: 0, units: 0, groups: 0, people: 0, chats: 0, reporting_rules: 0, meetings: 0, tasks: 0 });
      await h.server.runtime.dbh.db.run(sql.raw('DROP TRIGGER refuse_tasks'));
      expect((await post()).status).toBe(200);
      const after = counts(db);
      expect(after.campaigns).toBe(1);
      expect(after.tasks).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('duban plan apply that fails at its last step writes nothing and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-plan-tx-'));
    try {
      const path = join(dir, 'd.db');
      const dbh = openSqlite(path);
      await dbh.db.run(sql.raw(FAIL_TASKS));
      dbh.close();
      const env = { ...process.env, DATABASE_PATH: path, LOG_LEVEL: 'warn' };
      const failed = (await exec(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'plan', 'apply', examplePlan], { env }).then(() => undefined, (e: { code: number; stderr: string }) => e))!;
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('nothing was written');
      const db = new Database(path, { readonly: true });
      try {
        expect(counts(db).campaigns).toBe(0);
        expect(counts(db).units).toBe(0);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
