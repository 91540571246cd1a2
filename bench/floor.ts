// npm run bench:floor — where Duban's answer stands against the floor of an answer on this machine. Six servers take
// turns at the max-rate load of `npm run bench` (2,000 signed, encrypted events at concurrency 32): Duban as `npm
// start` runs it, the SDK's EventDispatcher, and servers on plain node:http doing Duban's answer in layers with no bot
// behind it (bench/targets.ts: nothing, the checks, the checks and the inbox row). For each: the server's CPU time per
// answer (medians over ROUNDS rounds, default 5) and the rate. Prints only; bench/results.md is `npm run bench`'s.
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../db/client.js';
import { projectRoot } from '../src/runtime.js';
// @ts-expect-error: a plain JavaScript module without types
import { build, isStale } from '../bin/build.js';
import { startFakeLark } from '../test/fake-lark/server.js';
import { adopt, cpuMs, median, quiet, startFlags, stopServer } from './load.js';
import type { LoadRequest, LoadResult } from './loadgen.js';
import { seed } from './seed.js';

const KEY = 'bench-encrypt-key';
const rounds = Number(process.env.ROUNDS ?? 5);

function ready(child: ChildProcess): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`a server exited with ${code}`)));
  });
}

/** waits (up to 10 s) for a server on `port` to answer /healthz */
async function healthy(port: number) {
  for (let i = 0; i < 200 && !(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'duban-floor-'));
  const dbh = openSqlite(join(dir, 'seed.db'));
  await seed(dbh, new Date());
  dbh.close();
  const fake = await startFakeLark({ botOpenId: 'ou_bot', knows: (id) => /^ou_(bench|fan)_/.test(id) });
  const base = { LARK_ENCRYPT_KEY: KEY, LARK_VERIFICATION_TOKEN: 'vtoken_test', LOG_LEVEL: 'silent' };
  if (isStale()) await build();
  const servers: Array<{ name: string; port: number; child: ChildProcess; replies: boolean; cpu: number[]; rate: number[]; handled: number[]; loadgen: number[] }> = [];
  const add = async (name: string, port: number, child: Promise<ChildProcess>, replies = false) => servers.push({ name, port, child: await child, replies, cpu: [], rate: [], handled: [], loadgen: [] });
  const target = (which: string, port: number, env: Record<string, string> = {}) =>
    ready(adopt(fork(join(projectRoot, 'bench/targets.ts'), [which], { execArgv: [...startFlags(), '--import', 'tsx'], env: { ...process.env, ...base, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })));
  copyFileSync(join(dir, 'seed.db'), join(dir, 'duban.db'));
  copyFileSync(join(dir, 'seed.db'), join(dir, 'store.db'));
  const dubanEnv = { ...base, PORT: '28451', DATABASE_PATH: join(dir, 'duban.db'), LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'secret', LARK_DOMAIN: fake.url, SEND_PER_SECOND: '5000', SEND_PER_MINUTE: '1000000' };
  const duban = adopt(fork(join(projectRoot, 'bin/start.js'), [], { execArgv: startFlags(), env: { ...process.env, ...dubanEnv }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  await healthy(28451);
  await add('Duban (npm start)', 28451, Promise.resolve(duban), true);
  // FLOOR_BASE=<a checkout of another commit, built>: its Duban takes turns too, on its own copy of the database (an A/B
  // of two builds in the same rounds, which the box's swings between runs cannot tell apart otherwise)
  const other = process.env.FLOOR_BASE;
  if (other) {
    copyFileSync(join(dir, 'seed.db'), join(dir, 'base.db'));
    const env = { ...dubanEnv, PORT: '28457', DATABASE_PATH: join(dir, 'base.db') };
    const child = adopt(fork(join(other, 'bin/start.js'), [], { cwd: other, execArgv: startFlags(), env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    await healthy(28457);
    await add(`Duban of ${other}`, 28457, Promise.resolve(child), true);
  }
  await add("SDK's EventDispatcher", 28452, target('sdk-dispatcher', 28452));
  await add('node:http, nothing', 28453, target('node-noop', 28453));
  await add("node:http, Duban's checks", 28454, target('node-checks', 28454));
  await add("node:http, checks + inbox row", 28455, target('node-store', 28455, { DATABASE_PATH: join(dir, 'store.db') }));

  const loadgen = await ready(adopt(fork(join(projectRoot, 'bench/loadgen.ts'), [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })));
  const load = (req: Omit<LoadRequest, 'key'>) =>
    new Promise<LoadResult>((resolve) => {
      loadgen.once('message', (m: LoadResult) => resolve(m));
      loadgen.send({ ...req, key: KEY } satisfies LoadRequest);
    });
  let replies = 0;
  // Duban's replies reach the fake: it has worked off what it was sent before the next round
  const settle = (s: (typeof servers)[number], n: number) => {
    if (!s.replies) return Promise.resolve();
    const want = (replies += n);
    return fake.waitFor((m) => m.filter((x) => x.reply_to).length >= want, 120_000);
  };
  const url = (s: (typeof servers)[number]) => `http://127.0.0.1:${s.port}`;
  for (const s of servers) {
    // warm-up, not counted: the hot paths compile
    await load({ mode: 'open', url: url(s), n: 1000, tag: `w${s.port}`, rate: 1000 });
    await settle(s, 1000);
    await load({ mode: 'closed', url: url(s), n: 2000, tag: `v${s.port}`, concurrency: 32 });
    await settle(s, 2000);
  }
  const inbox = new Database(join(dir, 'duban.db'), { readonly: true });
  const pids = [...servers.map((s) => s.child.pid!), loadgen.pid!, process.pid];
  for (let r = 0; r < rounds; r++) {
    for (const s of r % 2 ? [...servers].reverse() : servers) {
      await quiet(pids);
      const c0 = cpuMs(s.child.pid!);
      const l0 = cpuMs(loadgen.pid!);
      const res = await load({ mode: 'closed', url: url(s), n: 2000, tag: `r${r}_${s.port}`, concurrency: 32 });
      s.cpu.push(((cpuMs(s.child.pid!) - c0) * 1000) / 2000);
      s.loadgen.push(((cpuMs(loadgen.pid!) - l0) * 1000) / 2000);
      s.rate.push(res.perSecond);
      if (res.samples.some((x) => x.status !== 200)) throw new Error(`${s.name}: not every answer was 200`);
      // Duban: how many of the round's events were already handled when its last answer came (the rest wait in the
      // inbox and the work queue)
      if (s.port === 28451) s.handled.push(2000 - (inbox.prepare('select count(*) as n from inbox where handled_at is null').get() as { n: number }).n);
      await settle(s, 2000);
    }
  }
  process.stdout.write(`\nmax rate at concurrency 32, 2,000 events a round, ${rounds} rounds taking turns (medians, then each round)\n`);
  for (const s of servers) {
    const handled = s.handled.length ? `; handled by the round's end: ${s.handled.join(' / ')} of 2,000` : '';
    process.stdout.write(`  ${s.name.padEnd(32)} ${String(Math.round(median(s.cpu))).padStart(4)} µs CPU per answer  ${String(Math.round(median(s.rate))).padStart(5)}/s   load generator ${Math.round(median(s.loadgen))} µs   [${s.cpu.map((x) => x.toFixed(0)).join(' ')} µs]${handled}\n`);
  }
  inbox.close();
  await Promise.all(servers.map((s) => stopServer(s.child)));
  loadgen.kill();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`floor failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
