// `npm start` runs the server from compiled JavaScript (bin/start.js builds dist/ with esbuild when a source is newer):
// the real entry, as a separate process, comes up healthy in sandbox mode and a second start reuses the build.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-compiled-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `node bin/start.js` with no LARK_* variable and waits for its /healthz; answers its console output. */
async function startCompiled(port: number): Promise<{ out: string; child: ChildProcess }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', PORT: String(port), DATABASE_PATH: join(dir, 'd.db'), LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [join(projectRoot, 'bin/start.js')], { env, cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
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

const stop = (c: ChildProcess) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')));

describe('npm start (compiled)', () => {
  it('builds dist/ when needed, starts from it in sandbox mode, and answers /healthz and the sandbox', async () => {
    const first = await startCompiled(38461);
    expect(first.out).toMatch(/Lark app\s+not configured/);
    expect(statSync(join(projectRoot, 'dist', 'server.js')).isFile()).toBe(true);
    const page = await fetch('http://127.0.0.1:38461/sandbox');
    expect(page.status).toBe(200);
    await stop(first.child);

    // nothing changed: the second start runs the same build
    const built = statSync(join(projectRoot, 'dist', 'server.js')).mtimeMs;
    const second = await startCompiled(38462);
    expect(second.out).not.toMatch(/built dist/);
    expect(statSync(join(projectRoot, 'dist', 'server.js')).mtimeMs).toBe(built);
    await stop(second.child);
  }, 60_000);
});
