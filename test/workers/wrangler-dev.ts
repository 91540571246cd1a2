// Starts the Worker under `wrangler dev` (local workerd, local D1, --test-scheduled) for tests: a config generated
// from the real wrangler.toml in a temp dir (absolute paths, secrets in .dev.vars), migrations applied to a fresh local
// D1, and the process group ended on close. Answers { skip } only when wrangler or workerd is not installed or cannot
// run at all on this machine, and never under DUBAN_REQUIRE_WORKERS (CI); a Worker that does not start in time throws.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wranglerBin = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const workerdBin = join(root, 'node_modules', 'workerd', 'bin', 'workerd');

export interface WranglerDev {
  url: string;
  /** what wrangler printed, for failure messages */
  output(): string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const childEnv = () => ({ ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NODE_ENV: 'test', NO_COLOR: '1', FORCE_COLOR: '0' });

/** Why wrangler/workerd cannot run here, or undefined when they can. */
function unavailable(): string | undefined {
  if (!existsSync(wranglerBin)) return 'wrangler is not installed (npm install -D wrangler@4.49)';
  const w = spawnSync(workerdBin, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (w.status !== 0) return `workerd cannot run on this machine: ${(w.error?.message ?? w.stderr ?? '').trim().slice(0, 300)}`;
  const v = spawnSync(process.execPath, [wranglerBin, '--version'], { encoding: 'utf8', timeout: 30_000, env: childEnv() });
  if (v.status !== 0) return `wrangler cannot run on Node ${process.version}: ${(v.stderr || v.stdout || '').trim().slice(-300)}`;
  return undefined;
}

/** The real wrangler.toml with paths made absolute, so the generated config can live in a temp dir. */
function config(dir: string): string {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8')
    .replace(/^main = "(.+)"$/m, (_, p: string) => `main = ${JSON.stringify(join(root, p))}`)
    .replace(/^migrations_dir = "(.+)"$/m, (_, p: string) => `migrations_dir = ${JSON.stringify(join(root, p))}`);
  const path = join(dir, 'wrangler.toml');
  writeFileSync(path, toml);
  return path;
}

export async function startWranglerDev(vars: Record<string, string>, readyTimeoutMs = 45_000): Promise<WranglerDev | { skip: string }> {
  const why = unavailable();
  // CI (.ci/run sets DUBAN_REQUIRE_WORKERS) installs wrangler from package.json: there, not running is a failure.
  if (why && process.env.DUBAN_REQUIRE_WORKERS) throw new Error(`the Workers tests must run here (DUBAN_REQUIRE_WORKERS is set): ${why}`);
  if (why) return { skip: why };
  const dir = mkdtempSync(join(tmpdir(), 'duban-workers-'));
  const cfg = config(dir);
  // Secrets go in .dev.vars next to the config, as in a developer's checkout; never on a command line.
  writeFileSync(join(dir, '.dev.vars'), Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n');
  const state = join(dir, 'state');
  const mig = spawnSync(process.execPath, [wranglerBin, 'd1', 'migrations', 'apply', 'DB', '--local', '--config', cfg, '--persist-to', state], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 40_000,
    env: childEnv(),
  });
  if (mig.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`wrangler d1 migrations apply failed:\n${mig.stdout}\n${mig.stderr}`);
  }
  const port = await freePort();
  const inspector = await freePort();
  let out = '';
  const proc: ChildProcess = spawn(
    process.execPath,
    [wranglerBin, 'dev', '--config', cfg, '--local', '--test-scheduled', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--persist-to', state, '--show-interactive-dev-session=false', '--log-level', 'info'],
    // its own process group, so close() ends wrangler and the workerd it started, and nothing else
    { cwd: dir, env: childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let alive = true;
  void exited.then(() => (alive = false));

  const close = async () => {
    if (alive && proc.pid) {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + readyTimeoutMs;
  while (Date.now() < until && alive) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, output: () => out, close };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await close();
  // A Worker that does not come up in time fails the test: a broken Worker must never pass as a skip.
  if (/Build failed|Could not resolve|No matching export/.test(out)) throw new Error(`the Worker does not build:\n${out.slice(-3000)}`);
  if (!/Ready on/i.test(out)) throw new Error(`wrangler dev did not start within ${readyTimeoutMs / 1000}s:\n${out.slice(-3000)}`);
  throw new Error(`wrangler dev started but /healthz never answered:\n${out.slice(-3000)}`);
}
