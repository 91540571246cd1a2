// `npm start` runs the server from compiled JavaScript (bin/start.js builds dist/ with esbuild when a source is newer):
// the real entry, as a separate process, comes up healthy in sandbox mode and a second start reuses the build; with a
// Lark app configured, an encrypted event in gets its reply out through the build's reprinted SDK (dist/vendor).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../db/client.js';
import { ManualClock } from '../src/core/clock.js';
import { applyPlanText } from '../src/plan/apply.js';
import { startFlags } from '../bench/load.js';
import { examplePlan, projectRoot } from '../src/runtime.js';
import { startFakeLark } from './fake-lark/server.js';
import { appEnv, ENCRYPT_KEY, flatten } from './support/harness.js';
import { deliver, messageEvent } from './support/lark-events.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-compiled-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `node bin/start.js` with no LARK_* variable and waits for its /healthz; answers its console output. */
async function startCompiled(port: number, extra: Record<string, string> = {}): Promise<{ out: string; child: ChildProcess }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', PORT: String(port), DATABASE_PATH: join(dir, 'd.db'), LOG_LEVEL: 'warn', ...extra };
  // with the Node flags `npm start` gives (heap, semi-space, V8 threads, WebAssembly tier)
  const flags = startFlags();
  expect(flags.length).toBeGreaterThan(0);
  const child = spawn(process.execPath, [...flags, join(projectRoot, 'bin/start.js')], { env, cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { out, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no /healthz: ${out}`);
}

/** A port free now (fixed ones in the kernel's ephemeral range, 32768–60999, were taken by other tests' connections). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const stop = (c: ChildProcess) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')));

describe('npm start (compiled)', () => {
  it('builds dist/ when needed, starts from it in sandbox mode, and answers /healthz and the sandbox', async () => {
    const port1 = await freePort();
    const first = await startCompiled(port1);
    expect(first.out).toMatch(/Lark app\s+not configured/);
    expect(statSync(join(projectRoot, 'dist', 'server.js')).isFile()).toBe(true);
    const page = await fetch(`http://127.0.0.1:${port1}/sandbox`);
    expect(page.status).toBe(200);
    await stop(first.child);

    // nothing changed: the second start runs the same build
    const built = statSync(join(projectRoot, 'dist', 'server.js')).mtimeMs;
    const second = await startCompiled(await freePort());
    expect(second.out).not.toMatch(/built dist/);
    expect(statSync(join(projectRoot, 'dist', 'server.js')).mtimeMs).toBe(built);
    await stop(second.child);
  }, 60_000);

  it('with a Lark app configured: a signed, encrypted message in, its reply out through the reprinted SDK', async () => {
    const fake = await startFakeLark();
    try {
      const db = join(dir, 'app.db');
      const dbh = openSqlite(db);
      expect((await applyPlanText(dbh, readFileSync(examplePlan, 'utf8'), new ManualClock(new Date()))).ok).toBe(true);
      dbh.close();
      const port = await freePort();
      const { child } = await startCompiled(port, { ...appEnv(fake, db), LOG_LEVEL: 'warn' });
      // the build loads the SDK from its reprint, which is one-byte text
      const built = readdirSync(join(projectRoot, 'dist')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(projectRoot, 'dist', f), 'utf8')).join('\n');
      expect(built).toContain('./vendor/lark-node-sdk.cjs');
      expect(built).not.toMatch(/from\s*["']@larksuiteoapi\/node-sdk["']/);
      // one-byte text throughout, the parsers' Chinese patterns escaped (bin/build.js asciiOnly)
      expect(built).toMatch(/^[\x00-\x7f]*$/);
      expect(readFileSync(join(projectRoot, 'dist', 'vendor', 'lark-node-sdk.cjs'), 'latin1')).toMatch(/^[\x00-\x7f]*$/);
      const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
      fake.seedMessage(ev.event.message.message_id, 'oc_xinhe_office');
      const d = deliver(ev, ENCRYPT_KEY);
      const res = await fetch(`http://127.0.0.1:${port}/lark/events`, { method: 'POST', headers: d.headers, body: d.body });
      expect(res.status).toBe(200);
      const replyTo = async (ev: any) => {
        const mine = () => fake.messages.filter((x) => x.reply_to === ev.event.message.message_id);
        await fake.waitFor(() => mine().length > 0, 10_000);
        expect(mine()).toHaveLength(1);
        return flatten(mine()[0]!.content);
      };
      expect(await replyTo(ev)).toMatch(/进度/);

      // a report, read by the compiled parser: each section where it belongs
      const report = messageEvent({ from: 'ou_wangmin', chat: 'oc_xinhe_weiwen', text: '汇报\n进展：完成重点人员排查12户\n问题：资金未到位\n下一步：继续值守' });
      fake.seedMessage(report.event.message.message_id, 'oc_xinhe_weiwen');
      const r = deliver(report, ENCRYPT_KEY);
      expect((await fetch(`http://127.0.0.1:${port}/lark/events`, { method: 'POST', headers: r.headers, body: r.body })).status).toBe(200);
      const confirmed = await replyTo(report);
      expect(confirmed).toMatch(/已收到/);
      expect(confirmed).toMatch(/完成重点人员排查12户/);
      expect(confirmed).toMatch(/资金未到位/);
      expect(confirmed).toMatch(/继续值守/);
      await stop(child);
    } finally {
      await fake.close();
    }
  }, 60_000);

});
