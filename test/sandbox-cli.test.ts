// A plan applied from the command line beside a sandbox that starts earlier than the real time (SANDBOX_START) is
// dated at the sandbox's start, so the reports the sandbox's week asks for and nobody sends are scored as missed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config.js';
import { examplePlan } from '../src/runtime.js';
import { startServer, type Server } from '../src/server.js';

const exec = promisify(execFile);
// Monday of week 45, long before the real time this test runs at.
const START = '2026-11-02T09:00:00+08:00';
const dir = mkdtempSync(join(tmpdir(), 'duban-sandbox-cli-'));
const DATABASE_PATH = join(dir, 'duban.db');
let s: Server;

beforeAll(async () => {
  const env = { ...process.env, DATABASE_PATH, SANDBOX_START: START, LARK_APP_ID: '', LARK_APP_SECRET: '', LOG_LEVEL: 'warn' };
  await exec(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'plan', 'apply', examplePlan], { env });
  s = await startServer({ config: configSchema.parse({ PORT: '0', DATABASE_PATH, LOG_LEVEL: 'silent' }), scheduler: false, sandboxStart: START });
}, 60_000);
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (path: string, body?: unknown) => {
  const r = await fetch(`${s.url}/sandbox${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await r.json()) as any;
};

describe('a plan applied from the command line in an earlier sandbox', () => {
  it('the first Friday’s lagging list names the units that did not report week 45', async () => {
    expect((await call('/api/clock', { kind: 'friday' })).ok).toBe(true);
    const { messages } = await call(`/api/messages?chat=${encodeURIComponent('oc_xinhe_leaders')}`);
    const lagging = (messages as Array<{ html: string }>).find((m) => m.html.includes('落后单位'));
    expect(lagging, 'a lagging list in the leaders’ chat').toBeDefined();
    expect(lagging!.html).toContain('未报送 1 次（第45周）');
  });
});
