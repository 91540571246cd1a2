// Two processes on one database file run the same job occasion at the same moment (a second server, or an operator's
// `job run` while the server's scheduler fires): the exactly-once ledger lets one of them queue the messages, and the
// real SDK in each delivers what its process queued — one copy per chat reaches the Open Platform, not two.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLog } from '../src/log.js';
import { createRuntime, examplePlan, type Runtime } from '../src/runtime.js';
import { startFakeLark, type FakeLark } from './fake-lark/server.js';
import { appEnv } from './support/harness.js';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'duban-two-'));
let fake: FakeLark;
let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;

beforeAll(async () => {
  fake = await startFakeLark();
  const env = { ...process.env, ...appEnv(fake, join(dir, 'd.db')), LOG_LEVEL: 'warn' };
  cli = (...args) => exec(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env });
  await cli('plan', 'apply', examplePlan);
}, 30_000);
afterAll(() => fake?.close());

describe('two processes, one database', () => {
  it('the same reminder run by two processes at once reaches each chat once', async () => {
    const at = '2026-11-26T17:00:00+08:00';
    const runs = await Promise.all([1, 2, 3].map(() => cli('job', 'run', 'report-reminder', '--at', at)));
    const outs = runs.map((r) => r.stdout);
    // exactly one process queued the occasion; the others found it in the ledger
    expect(outs.filter((o) => /: sent, \d+ message\(s\) queued/.test(o))).toHaveLength(1);
    expect(outs.filter((o) => o.includes(': already'))).toHaveLength(2);
    const sends = fake.calls.filter((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && c.status === 200);
    const perChat = new Map<string, number>();
    for (const s of sends) perChat.set(s.body.receive_id, (perChat.get(s.body.receive_id) ?? 0) + 1);
    expect(perChat.size).toBeGreaterThan(0);
    expect([...perChat.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(sends.map((s) => s.body.uuid)).size).toBe(sends.length);
  }, 60_000);

  it('two runners that both find an occasion not yet run: the ledger lets one queue it, the other backs off with nothing written', async () => {
    // In one process the two runs step in lockstep through their awaits, so both pass the "already ran?" check before
    // either writes: the claim inside the atomic write is what decides, not the check.
    const lines: string[] = [];
    const env = appEnv(fake, join(dir, 'd.db'));
    const runtimes: Runtime[] = [1, 2].map(() => createRuntime({ config: loadConfig(env), log: createLog({}, (l) => lines.push(l), 'info') }));
    try {
      const at = new Date('2026-11-27T12:00:00+08:00');
      const before = fake.calls.length;
      const [a, b] = await Promise.all(runtimes.map((rt) => rt.runner.runNow('report-chase', at)));
      const outcomes = [a![0]!, b![0]!].map((r) => r.outcome).sort();
      expect(outcomes).toEqual(['already', 'sent']);
      expect(lines.some((l) => l.includes('job occasion taken by another run'))).toBe(true);
      const sent = [a![0]!, b![0]!].find((r) => r.outcome === 'sent')!;
      await Promise.all(runtimes.map((rt) => rt.sender.drain()));
      const sends = fake.calls.slice(before).filter((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && c.status === 200);
      expect(sends).toHaveLength(sent.posts);
    } finally {
      for (const rt of runtimes) await rt.close();
    }
  }, 60_000);
});
