// npm run bench:profile — one load phase against the webhook with the server under --cpu-prof, to find where an
// event's time goes. Writes the profile into the folder given (default ./prof) and prints the heaviest functions.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqlite } from '../db/client.js';
import { projectRoot } from '../src/runtime.js';
// @ts-expect-error: a plain JavaScript module without types
import { build, isStale } from '../bin/build.js';

const rssSamples: number[] = [];
import { startFakeLark } from '../test/fake-lark/server.js';
import { adopt, cpuMs, pct, startFlags, stopServer } from './load.js';
import type { LoadRequest, LoadResult } from './loadgen.js';
import { seed } from './seed.js';

const KEY = 'bench-encrypt-key';
const out = resolve(process.argv[2] ?? 'prof');
const rate = Number(process.env.RATE ?? 1000);
const seconds = Number(process.env.SECONDS ?? 6);

/** CPU time of each of a process's threads: the main thread (its id is the process's), and each other by name and id. */
function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = tid === String(pid) ? 'main' : `${readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()}#${tid}`;
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      /* the thread ended */
    }
  }
  return byName;
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Self time per function and the total time under each, from a .cpuprofile. */
function summarise(file: string, windows?: Array<[number, number]>) {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const name = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*?\/(src|db|commands|jobs)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const counts = new Map<number, number>();
  // Sample times are microseconds on the monotonic clock, as process.hrtime is: `windows` keeps only those inside them.
  let at = prof.startTime;
  prof.samples.forEach((s, i) => {
    at += prof.timeDeltas[i] ?? 0;
    if (!windows || windows.some(([a, b]) => at >= a && at <= b)) counts.set(s, (counts.get(s) ?? 0) + 1);
  });
  let all = 0;
  for (const [id, c] of counts) {
    all += c;
    const n = byId.get(id)!;
    self.set(name(n), (self.get(name(n)) ?? 0) + c);
    const seen = new Set<string>();
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const k = name(byId.get(x)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + c);
    }
  }
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, c]) => `  ${((100 * c) / all).toFixed(1).padStart(5)}%  ${f}`).join('\n');
  process.stdout.write(`\nself time (top 40 of ${all} samples)\n${top(self, 40)}\n\ntotal time (top 60)\n${top(total, 60)}\n`);
}

async function main() {
  mkdirSync(out, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'duban-prof-'));
  const dbPath = join(dir, 'bench.db');
  const dbh = openSqlite(dbPath);
  await seed(dbh, new Date());
  dbh.close();
  const fake = await startFakeLark({ botOpenId: 'ou_bot', knows: (id) => /^ou_(bench|fan)_/.test(id) });
  const env = { LARK_ENCRYPT_KEY: KEY, LARK_VERIFICATION_TOKEN: 'vtoken_test', LOG_LEVEL: 'silent', PORT: '28421', DATABASE_PATH: dbPath, LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'secret', LARK_DOMAIN: fake.url, SEND_PER_SECOND: '5000', SEND_PER_MINUTE: '1000000' };
  // the server as `npm start` runs it (compiled, with its Node flags), with the flags of NODE_FLAGS added
  if (isStale()) await build();
  const flags = startFlags();
  const server = adopt(fork(join(projectRoot, 'bin/start.js'), [], { execArgv: [...flags, ...(process.env.NO_PROF ? [] : ['--cpu-prof', `--cpu-prof-dir=${out}`])], env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const rssEvery = setInterval(() => {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    if (m) rssSamples.push(Number(m[1]) / 1024);
  }, 250);
  for (let i = 0; i < 200; i++) {
    if (await fetch('http://127.0.0.1:28421/healthz').then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const loadgen: ChildProcess = adopt(fork(join(projectRoot, 'bench/loadgen.ts'), [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  await new Promise((r) => loadgen.once('message', r));
  const load = (req: Omit<LoadRequest, 'key'>) =>
    new Promise<LoadResult>((res) => {
      loadgen.once('message', (m: LoadResult) => res(m));
      loadgen.send({ ...req, key: KEY });
    });
  await load({ mode: 'open', url: 'http://127.0.0.1:28421', n: 1000, tag: 'warm', rate: 1000 });
  await fake.waitFor((m) => m.filter((x) => x.reply_to).length >= 1000, 120_000).catch(() => {});
  const open0 = cpuMs(server.pid!);
  const r = await load({ mode: 'open', url: 'http://127.0.0.1:28421', n: rate * seconds, tag: 'prof', rate });
  const ms = r.samples.map((s) => s.ms);
  await fake.waitFor((m) => m.filter((x) => x.reply_to).length >= 1000 + rate * seconds, 120_000).catch(() => {});
  // each event end to end: answered, handled, its reply sent and marked sent
  process.stdout.write(`at ${rate}/s for ${seconds} s: p50 ${pct(ms, 50).toFixed(2)} ms p99 ${pct(ms, 99).toFixed(2)} ms; server CPU ${(((cpuMs(server.pid!) - open0) * 1000) / (rate * seconds)).toFixed(0)} µs per event end to end\n`);
  // The max rate, measured as the bench does (2,000 at concurrency 32, from idle), PROFILE_MAX times; with
  // PROFILE_MAX set, only the samples taken while those answers were sent are summarised.
  const rounds = Number(process.env.PROFILE_MAX ?? 1);
  const windows: Array<[number, number]> = [];
  const us = () => Number(process.hrtime.bigint() / 1000n);
  for (let i = 0; i < rounds; i++) {
    const from = us();
    const cpu0 = cpuMs(server.pid!);
    const threads0 = threadCpuMs(server.pid!);
    const lg0 = cpuMs(loadgen.pid!);
    const steal = () => Number(readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/)[8]) * 10;
    const st0 = steal();
    const c = await load({ mode: 'closed', url: 'http://127.0.0.1:28421', n: 2000, tag: `max${i}`, concurrency: 32 });
    windows.push([from, us()]);
    process.stdout.write(`max rate ${c.perSecond.toFixed(0)}/s, server CPU ${(((cpuMs(server.pid!) - cpu0) * 1000) / 2000).toFixed(0)} µs per answer, load generator ${(((cpuMs(loadgen.pid!) - lg0) * 1000) / 2000).toFixed(0)} µs, steal ${steal() - st0} ms\n`);
    const threads = [...threadCpuMs(server.pid!)].map(([name, ms]) => [name, ((ms - (threads0.get(name) ?? 0)) * 1000) / 2000] as const).filter(([, us]) => us > 0);
    process.stdout.write(`  server threads, µs per answer: ${threads.sort((a, b) => b[1] - a[1]).map(([name, us]) => `${name} ${us.toFixed(0)}`).join(', ')}\n`);
    await fake.waitFor((m) => m.filter((x) => x.reply_to).length >= 1000 + rate * seconds + 2000 * (i + 1), 120_000).catch(() => {});
  }
  clearInterval(rssEvery);
  process.stdout.write(`peak RSS ${/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]} kB; RSS every 250 ms (MB): ${rssSamples.filter((_, i) => i % 4 === 0).map((x) => x.toFixed(0)).join(' ')}\n`);
  loadgen.kill();
  const before = new Set(readdirSync(out));
  await stopServer(server);
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  const file = readdirSync(out).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (file) summarise(join(out, file), process.env.PROFILE_MAX ? windows : undefined);
  if (process.env.PROFILE_MAX) writeFileSync(join(out, 'windows.json'), JSON.stringify(windows));
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`profile failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
