// Helpers shared by the reliability tests: bounded concurrency, polling, the real server as a child process, and
// reading what the fake Open Platform accepted.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FakeLark, FakeMessage } from '../fake-lark/server.js';
import { projectRoot } from '../../src/runtime.js';
import { appEnv } from '../support/harness.js';

/** Runs `fn` over `items` with at most `limit` calls in flight; resolves when all are done. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `pred` every `everyMs` until it holds; throws with `describe()` after `timeoutMs`. */
export async function waitUntil(pred: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string, everyMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await sleep(everyMs);
  }
}

/** Seeded PRNG (the fake's mulberry32) so the mix of redeliveries is the same on every run. */
export { mulberry32 as rng } from '../fake-lark/faults.js';

/** How many messages the fake holds per replied-to message id. */
export function repliesByParent(fake: FakeLark): Map<string, number> {
  const m = new Map<string, number>();
  for (const msg of fake.messages) if (msg.reply_to) m.set(msg.reply_to, (m.get(msg.reply_to) ?? 0) + 1);
  return m;
}

/** Sends the fake answered with HTTP 200, per uuid (a message sent twice shows as 2, even when the fake dropped the copy). */
export function acceptedSendsPerUuid(fake: FakeLark): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of fake.calls) {
    if (c.method === 'POST' && /\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(c.path) && c.status === 200) {
      const uuid = String(c.body?.uuid ?? '');
      m.set(uuid, (m.get(uuid) ?? 0) + 1);
    }
  }
  return m;
}

export const title = (m: FakeMessage) => String(m.content?.header?.title?.content ?? '');

/** A free TCP port on 127.0.0.1 (the child server is restarted on the same port, as a real deployment would be). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The environment of a child server on a free port and its own database in `dir`, talking to `fake`. */
export async function childServerEnv(fake: FakeLark, dir: string, extra: Record<string, string> = {}): Promise<Record<string, string> & { PORT: string; DATABASE_PATH: string }> {
  return { PORT: String(await freePort()), ...appEnv(fake, join(dir, 'duban.db')), PLAN_FILE: 'examples/xinhe.plan.yaml', ...extra };
}

export interface ChildServer {
  proc: ChildProcess;
  url: string;
  pid: number;
  /** stdout and stderr so far, for failure messages */
  output(): string;
  /** resolves with the exit code or signal */
  exited: Promise<string>;
  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill */
  kill9(): Promise<string>;
  /** SIGTERM: the server's own graceful stop */
  stop(): Promise<string>;
}

/**
 * Starts `node --import tsx src/server.ts` with `env` on top of a clean environment, and resolves once /healthz
 * answers (the server replays unhandled events before it listens, so a long replay makes this wait).
 */
export async function startChildServer(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildServer> {
  const s = spawnChildServer(env);
  await s.ready(timeoutMs);
  return s;
}

/** Spawns the server without waiting for it: `ready()` resolves once /healthz answers. */
export function spawnChildServer(env: Record<string, string>): ChildServer & { ready(timeoutMs?: number): Promise<void> } {
  const port = Number(env.PORT);
  if (!port) throw new Error('spawnChildServer needs a fixed PORT');
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC', HOST: '127.0.0.1' };
  const proc = spawn(process.execPath, ['--import', 'tsx', join('src', 'server.ts')], { cwd: projectRoot, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out = (out + b.toString('utf8')).slice(-20_000)));
  proc.stderr!.on('data', (b: Buffer) => (out = (out + b.toString('utf8')).slice(-20_000)));
  const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? String(code))));
  let gone: string | undefined;
  void exited.then((s) => (gone = s));
  const url = `http://127.0.0.1:${port}`;
  const signal = (s: NodeJS.Signals) => {
    if (gone === undefined) proc.kill(s);
    return exited;
  };
  const ready = async (timeoutMs = 60_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (gone !== undefined) throw new Error(`server exited (${gone}) before it answered:\n${out}`);
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) {
        proc.kill('SIGKILL');
        throw new Error(`server did not answer /healthz within ${timeoutMs} ms:\n${out}`);
      }
      await sleep(50);
    }
  };
  return { proc, url, pid: proc.pid!, output: () => out, exited, kill9: () => signal('SIGKILL'), stop: () => signal('SIGTERM'), ready };
}
