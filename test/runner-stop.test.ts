// A stop waits for the job tick or admin job run under way (the runtime closes the database right after it), and no
// tick or run starts after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineJob } from '../jobs/define.js';
import { JobRunner, RunnerStopped } from '../jobs/runner.js';
import { loadConfig } from '../src/config.js';
import { applyPlanFile, createRuntime, examplePlan } from '../src/runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-runner-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A runtime on its own database with the example plan applied. */
async function runtimeWithPlan(file: string, env: Record<string, string> = {}) {
  const rt = createRuntime({ config: loadConfig({ DATABASE_PATH: join(dir, file), LOG_LEVEL: 'silent', ...env }) });
  await applyPlanFile(rt, examplePlan);
  return rt;
}

/** A promise the test opens when it wants: a job waits on it. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('JobRunner.stop', () => {
  it('resolves only once the tick under way has ended after its current job, and a tick after it runs nothing', async () => {
    const rt = await runtimeWithPlan('d.db');
    const { wait, open } = gate();
    let upkeeps = 0;
    let entered!: () => void;
    const inUpkeep = new Promise<void>((r) => (entered = r));
    const slow = defineJob({
      name: 'slow',
      schedule: 'every tick',
      summary: 'waits for the test',
      occasions: () => [],
      posts: async () => [],
      maintain: async () => {
        upkeeps++;
        entered();
        await wait;
      },
    });
    let after = 0;
    const next = defineJob({ name: 'next', schedule: 'every tick', summary: 'the job after', occasions: () => [], posts: async () => [], maintain: async () => void after++ });
    const runner = new JobRunner({ dbh: rt.dbh, clock: rt.clock, log: rt.log, messenger: rt.messenger, jobs: [slow, next] });
    const tick = runner.tick();
    await inUpkeep;
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    open();
    await stopping;
    await tick;
    expect(await runner.tick()).toEqual([]);
    expect(upkeeps).toBe(1);
    // the tick under way ended after its current job: the next job did not run
    expect(after).toBe(0);
    await rt.close();
  });

  it('an admin job run under way: the stop waits for it, a run asked for after the stop is refused (503 over HTTP), and a run never goes beside a tick', async () => {
    const rt = await runtimeWithPlan('run.db', { ADMIN_TOKEN: 'admin-token-for-the-test-0123456789' });
    const { wait, open } = gate();
    let entered!: () => void;
    const inPosts = new Promise<void>((r) => (entered = r));
    let ticksDuring = 0;
    let running = false;
    const slow = defineJob({
      name: 'slow',
      schedule: 'once',
      summary: 'posts once the test lets it',
      occasions: (_ctx, _from, to) => [{ period: 'p1', at: to, until: to.plus({ days: 1 }) }],
      posts: async () => {
        running = true;
        entered();
        await wait;
        running = false;
        return [];
      },
      maintain: async () => void (running && ticksDuring++),
    });
    const runner = new JobRunner({ dbh: rt.dbh, clock: rt.clock, log: rt.log, messenger: rt.messenger, jobs: [slow] });
    const run = runner.runNow('slow', rt.clock.now());
    await inPosts;
    // a tick asked for meanwhile waits for the run (given time to start, it would run the job's upkeep beside it)
    const tick = runner.tick();
    await new Promise((r) => setTimeout(r, 20));
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    open();
    const results = await run;
    expect(results.map((r) => r.outcome)).toEqual(['nothing']);
    await stopping;
    expect(await tick).toEqual([]);
    expect(ticksDuring).toBe(0);
    await expect(runner.runNow('slow', rt.clock.now())).rejects.toThrow(RunnerStopped);
    // over HTTP: the runtime's runner, stopped as a server stop stops it
    await rt.runner.stop();
    const res = await rt.app.request('/admin/jobs/overdue-digest/run', { method: 'POST', headers: { authorization: 'Bearer admin-token-for-the-test-0123456789' } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/stopping/);
    await rt.close();
  });

  it("a tick waiting behind an admin run that fails runs all the same: the failure is the run's", async () => {
    const rt = await runtimeWithPlan('fail.db');
    const { wait, open } = gate();
    let upkeeps = 0;
    const failing = defineJob({
      name: 'failing',
      schedule: 'once',
      summary: 'fails once the test lets it',
      // an occasion only for the admin run's 40-day look back, none in a tick's window
      occasions: (_ctx, from, to) => (to.diff(from, 'days').days > 10 ? [{ period: 'p1', at: to, until: to.plus({ days: 1 }) }] : []),
      posts: async () => {
        await wait;
        throw new Error('the job broke');
      },
      maintain: async () => void upkeeps++,
    });
    const runner = new JobRunner({ dbh: rt.dbh, clock: rt.clock, log: rt.log, messenger: rt.messenger, jobs: [failing] });
    const run = runner.runNow('failing', rt.clock.now());
    const tick = runner.tick();
    open();
    await expect(run).rejects.toThrow('the job broke');
    await expect(tick).resolves.toBeInstanceOf(Array);
    expect(upkeeps).toBe(1);
    await runner.stop();
    await rt.close();
  });
});
