// npm run bench: a plain Node script (run by tsx) that measures Duban against DESIGN.md section 4 and prints one table,
// also written to bench/results.md. Everything runs on this machine: the server in a child process, the fake Open
// Platform and the load generator here. `npm run bench:floor` (bench/floor.ts) sets Duban's answer against servers on
// plain node:http that do it in layers.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { openSqlite } from '../db/client.js';
import { configSchema } from '../src/config.js';
import { ManualClock } from '../src/core/clock.js';
import { projectRoot, createRuntime } from '../src/runtime.js';
// @ts-expect-error: a plain JavaScript module without types
import { build, isStale } from '../bin/build.js';
import { startFakeLark, type FakeLark } from '../test/fake-lark/server.js';
import { messageEvent } from '../test/support/lark-events.js';
import { adopt, cpuMs, median, pct, quiet, type Sample, startFlags, stopServer, threadCpuMs } from './load.js';
import type { LoadRequest, LoadResult } from './loadgen.js';
import { seed } from './seed.js';

const KEY = 'bench-encrypt-key';
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : 'n/a');
const TOKEN = 'vtoken_test';
const rows: Array<[string, string, string, string, string]> = [];
/** One measure: what, the figure, the target (issue 19), whether it is met, and a note. */
const row = (what: string, figure: string, target = '', met?: boolean, note = '') => {
  const verdict = met === undefined ? '' : met ? 'met' : 'NOT met';
  rows.push([what, figure, target, verdict, note]);
  process.stdout.write(`  ${what.padEnd(56)} ${figure.padEnd(44)} ${target.padEnd(26)} ${verdict.padEnd(8)} ${note}\n`);
};
const x2 = (n: number) => `×${f2(n)}`;

function start(script: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = adopt(fork(join(projectRoot, script), args, { execArgv: [...nodeArgs, '--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function waitHealthy(url: string, everyMs = 50) {
  for (let i = 0; i < 10_000 / everyMs; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${url} did not come up`);
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

let loadgen: ChildProcess | undefined;
/**
 * `BENCH_ONLY=e2e npm run bench`: the server's starts, a warm-up and the end-to-end phases only; `BENCH_ONLY=webhook`:
 * the three webhook phases only. For trying a change: bench/results.md is written only by a whole run.
 */
const only = process.env.BENCH_ONLY;

/** Sends `n` events from the load generator process (bench/loadgen.ts) and answers its samples. */
function load(req: Omit<LoadRequest, 'key'>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const gone = (code: number | null) => reject(new Error(`the load generator exited (${code}) before answering`));
    loadgen!.once('exit', gone);
    loadgen!.once('message', (res: LoadResult) => {
      loadgen!.off('exit', gone);
      resolve(res);
    });
    loadgen!.send({ ...req, key: KEY } satisfies LoadRequest);
  });
}

/** One server the webhook phases measure; `sent` counts what it was sent, for `settle`. */
interface Target {
  name: string;
  url: string;
  /** the server's process, for its CPU time */
  pid: number;
  /** waits until the server has handled and replied to everything sent so far */
  settle(sent: number): Promise<void>;
  sent: number;
}

/**
 * Answer times at a fixed 1,000 events/s for 3 s (DESIGN.md's bar), after a warm-up. Each run starts from an idle
 * server.
 */
async function answerTimes(t: Target) {
  const send = async (req: Omit<LoadRequest, 'key' | 'url'>) => {
    const res = await load({ ...req, url: t.url });
    await t.settle((t.sent += req.n));
    return res;
  };
  await send({ mode: 'closed', n: 300, tag: `${t.name}w`, concurrency: 16 });
  // Warm-up at the measured rate, not counted: a server that just started compiles its hot paths during the first
  // seconds of load (the first run after start showed p99s of 0.4–2.8 s that the later runs did not).
  await send({ mode: 'open', n: 1000, tag: `${t.name}w2`, rate: 1000 });
  // Three runs of 3 s at 1,000 events/s. On two shared cores one run's p99 swings with what the other processes (the
  // fake receiving the replies, the load generator) happen to be doing: the median run is the figure and all three
  // are printed.
  const runs: Array<{ p50: number; p99: number }> = [];
  const all: Sample[] = [];
  for (let r = 0; r < 3; r++) {
    const at1000 = (await send({ mode: 'open', n: 3000, tag: `${t.name}r${r}`, rate: 1000 })).samples;
    const ms = at1000.map((s) => s.ms);
    runs.push({ p50: pct(ms, 50), p99: pct(ms, 99) });
    all.push(...at1000);
  }
  const middle = [...runs].sort((a, b) => a.p99 - b.p99)[1]!;
  return { p50: middle.p50, p99: middle.p99, p99s: runs.map((r) => r.p99), ok: all.filter((s) => s.status === 200).length, n: all.length };
}

/** The max rate: 2,000 events at concurrency 32, from idle. */
async function maxRate(t: Target, round: number) {
  // CPU per answer of the server and of the load generator while the answers were sent (Duban's handling that waits
  // until after the burst is mostly not in it). On two shared cores the max rate is the server's cost and the load
  // generator's taken together; CPU per answer tells the server's own apart (it too moves between rounds, less).
  const cpu0 = { server: cpuMs(t.pid), main: threadCpuMs(t.pid), loadgen: cpuMs(loadgen!.pid!) };
  const { samples, perSecond } = await load({ mode: 'closed', url: t.url, n: 2000, tag: `${t.name}m${round}`, concurrency: 32 });
  const per = (ms: number) => (ms * 1000) / samples.length;
  const cpuUs = { server: per(cpuMs(t.pid) - cpu0.server), main: per(threadCpuMs(t.pid) - cpu0.main), loadgen: per(cpuMs(loadgen!.pid!) - cpu0.loadgen) };
  await t.settle((t.sent += 2000));
  return { perSecond, cpuUs, ok: samples.filter((s) => s.status === 200).length, n: samples.length };
}

async function endToEnd(fake: FakeLark, url: string, rate: number, seconds: number, serverPid: number) {
  const n = rate * seconds;
  // The fake keeps every call and message it was sent: the webhook phase's tens of thousands (settled by now) would
  // make it, and this process's collector, slower with each one, so it starts this phase empty. The replies are
  // counted as they come, not by going over all of them every 10 ms.
  fake.reset();
  // CPU time per event of each process on the machine (the server, the fake Open Platform in this process, the load
  // generator): on two shared cores the end-to-end rate is bounded by their sum.
  const cpu0 = { server: cpuMs(serverPid), main: threadCpuMs(serverPid), fake: cpuMs(process.pid), loadgen: cpuMs(loadgen!.pid!) };
  const sentAt = new Map((await load({ mode: 'open', url, n, tag: `e2e${rate}`, rate })).sentAt);
  let counted = 0;
  let replied = 0;
  const countReplies = (ms: FakeLark['messages']) => {
    for (; counted < ms.length; counted++) if (ms[counted]!.reply_to && sentAt.has(ms[counted]!.reply_to!)) replied++;
    return replied >= n;
  };
  await fake.waitFor(countReplies, 90_000).catch(() => {});
  const replies = fake.messages.filter((m) => m.reply_to && sentAt.has(m.reply_to));
  const lat = replies.map((m) => m.at - sentAt.get(m.reply_to!)!);
  // replies delivered per second, from the first event sent to the last reply delivered (at an offered rate this stays
  // under it by the last reply's time: it cannot tell a server that keeps up from one a little behind)
  const sent = [...sentAt.values()];
  const firstSent = Math.min(...sent);
  const lastSent = Math.max(...sent);
  const span = (Math.max(...replies.map((m) => m.at)) - firstSent) / 1000;
  // The rate replies were delivered at while events kept coming, after the first second: what the server sustains
  // under this offered rate (the rate itself when it keeps up, its capacity when the rate is beyond it).
  const steadyFrom = firstSent + 1000;
  const sustained = (replies.filter((m) => m.at >= steadyFrom && m.at <= lastSent).length * 1000) / Math.max(1, lastSent - steadyFrom);
  const per = (ms: number) => f2(ms / n);
  const used = { server: cpuMs(serverPid) - cpu0.server, main: threadCpuMs(serverPid) - cpu0.main, fake: cpuMs(process.pid) - cpu0.fake, loadgen: cpuMs(loadgen!.pid!) - cpu0.loadgen };
  // What bounds the rate: the server's one JavaScript thread (answering, handling and sending), and the machine's
  // cores shared by the three processes.
  const cores = (await import('node:os')).cpus().length;
  const bounds = `bounds: the server's main thread ${f0((n * 1000) / used.main)}/s, the ${cores} cores ${f0((cores * n * 1000) / (used.server + used.fake + used.loadgen))}/s`;
  const cpu = `CPU per event: server ${per(used.server)} ms (its main thread ${per(used.main)} ms), fake ${per(used.fake)} ms, load generator ${per(used.loadgen)} ms; ${bounds}`;
  return { p50: pct(lat, 50), p99: pct(lat, 99), delivered: lat.length, n, perSecond: lat.length / span, sustained, cpu };
}

type Times = Awaited<ReturnType<typeof answerTimes>>;
type Rates = Array<Awaited<ReturnType<typeof maxRate>>>;

/**
 * The webhook rows. The max rates are measured in three rounds, the three servers taking turns (Duban, the no-op
 * route, the SDK's dispatcher), and each ratio is of the medians: on two shared cores one server's rate moved by a
 * third between runs, and taking turns spreads that over all three.
 */
function webhookRows(times: Record<'duban' | 'noop' | 'sdk', Times>, rates: Record<'duban' | 'noop' | 'sdk', Rates>) {
  const d = times.duban;
  const rate = (k: 'duban' | 'noop' | 'sdk') => median(rates[k].map((r) => r.perSecond));
  const each = (k: 'duban' | 'noop' | 'sdk') => rates[k].map((r) => f0(r.perSecond)).join(' / ');
  // the server's CPU per answer, median of the rounds (the load generator's includes building its 2,000 events)
  const cpu = (k: 'duban' | 'noop' | 'sdk') => f0(median(rates[k].map((r) => r.cpuUs.server)));
  const cpuNote = `server CPU per answer (medians): Duban ${cpu('duban')} µs (its main thread ${f0(median(rates.duban.map((r) => r.cpuUs.main)))} µs), no-op ${cpu('noop')} µs, SDK ${cpu('sdk')} µs; load generator ${f0(median(rates.duban.map((r) => r.cpuUs.loadgen)))} µs per event`;
  const vsNoop = rate('duban') / rate('noop');
  const vsSdk = rate('duban') / rate('sdk');
  const ok = d.ok + rates.duban.reduce((n, r) => n + r.ok, 0);
  const n = d.n + rates.duban.reduce((m, r) => m + r.n, 0);
  row('webhook max rate, Duban vs a no-op Hono route', `${f0(rate('duban'))} vs ${f0(rate('noop'))}/s, max rate ${x2(vsNoop)}`, '≥ ×0.5', vsNoop >= 0.5, `medians of 3 rounds taking turns: Duban ${each('duban')}, no-op ${each('noop')}/s; the no-op route is on Hono's Node adapter, Duban's webhook is read off node:http (npm run bench:floor has a no-op there); ${ok}/${n} Duban answers were 200; ${cpuNote}`);
  row("webhook max rate, Duban vs the SDK's EventDispatcher", `${f0(rate('duban'))} vs ${f0(rate('sdk'))}/s, max rate ${x2(vsSdk)}`, '≥ ×1.0 (stretch ×1.4)', vsSdk >= 1, `SDK ${each('sdk')}/s; the SDK's dispatcher checks no token or time window and stores nothing`);
  row('answer p99 at 1,000 events/s, each of three runs', `${d.p99s.map(f1).join(' / ')} ms (median run p50 ${f2(d.p50)} ms)`, '< 50 ms in every run', d.p99s.every((p) => p < 50), `no-op p99 ${f1(times.noop.p99)} ms, SDK p99 ${f1(times.sdk.p99)} ms`);
}

async function main() {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
  const dbPath = join(dir, 'bench.db');
  const now = new Date();
  const os = await import('node:os');
  const machine = `${os.cpus()[0]?.model.trim() ?? 'cpu'} × ${os.cpus().length} cores, ${f0(os.totalmem() / 2 ** 20)} MB, ${os.platform()} ${os.release()}, node ${process.version}`;
  process.stdout.write(`duban bench — ${now.toISOString()} — ${machine}\n`);

  const dbh = openSqlite(dbPath);
  await seed(dbh, now);
  dbh.close();
  const fake = await startFakeLark({ botOpenId: 'ou_bot', knows: (id) => /^ou_(bench|fan)_/.test(id) });
  const base = { LARK_ENCRYPT_KEY: KEY, LARK_VERIFICATION_TOKEN: TOKEN, LOG_LEVEL: 'silent' };

  // 1. Webhook answer time: Duban, a no-op Hono route, and the SDK's EventDispatcher on node:http.
  process.stdout.write('\nwebhook: signed, encrypted im.message.receive_v1 events (帮助, answered through the real SDK): answer time at 1,000 events/s (after a 1-s warm-up, 3 runs of 3 s, the median run shown), then max rate at concurrency 32 in three rounds (after one not counted), the servers taking turns, each from idle\n');
  const serverEnv = { ...base, PORT: '28411', DATABASE_PATH: dbPath, LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'secret', LARK_DOMAIN: fake.url, SEND_PER_SECOND: '5000', SEND_PER_MINUTE: '1000000' };
  // The server as production runs it: `npm start`, compiled JavaScript from dist/ (built here first if stale).
  if (isStale()) await build();
  const duban = 'http://127.0.0.1:28411';
  const starts: number[] = [];
  let server!: ChildProcess;
  for (let i = 0; i < 3; i++) {
    const s0 = performance.now();
    server = adopt(fork(join(projectRoot, 'bin/start.js'), [], { execArgv: startFlags(), env: { ...process.env, ...serverEnv }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    await waitHealthy(duban, 5);
    starts.push(performance.now() - s0);
    if (i < 2) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  }
  loadgen = await start('bench/loadgen.ts', [], {}, ['--expose-gc']);
  const noop = await start('bench/targets.ts', ['noop-hono'], { ...base, PORT: '28412' });
  const sdk = await start('bench/targets.ts', ['sdk-dispatcher'], { ...base, PORT: '28413' });
  if (only === 'e2e') {
    await load({ mode: 'open', url: duban, n: 2000, tag: 'warm', rate: 1000 });
    await fake.waitFor((ms) => ms.filter((m) => m.reply_to).length >= 2000, 120_000);
  }
  if (only !== 'e2e') {
    const targets: Record<'duban' | 'noop' | 'sdk', Target> = {
      // the replies to what Duban was sent reach the fake: it has worked off its events
      duban: { name: 'duban', url: duban, pid: server.pid!, sent: 0, settle: (n) => fake.waitFor((ms) => ms.filter((m) => m.reply_to).length >= n, 120_000) },
      noop: { name: 'noop', url: 'http://127.0.0.1:28412', pid: noop.pid!, sent: 0, settle: async () => {} },
      sdk: { name: 'sdk', url: 'http://127.0.0.1:28413', pid: sdk.pid!, sent: 0, settle: async () => {} },
    };
    const times = { duban: await answerTimes(targets.duban), noop: await answerTimes(targets.noop), sdk: await answerTimes(targets.sdk) };
    const rates: Record<'duban' | 'noop' | 'sdk', Rates> = { duban: [], noop: [], sdk: [] };
    // A round not counted first: a server idle while the others were measured ran its first round at concurrency 32 a
    // third slower than the next two (its hot paths compile again).
    const pids = [server.pid!, noop.pid!, sdk.pid!, loadgen.pid!, process.pid];
    for (let round = 0; round < 4; round++) {
      for (const k of ['duban', 'noop', 'sdk'] as const) {
        await quiet(pids);
        const r = await maxRate(targets[k], round);
        if (round > 0) rates[k].push(r);
      }
    }
    webhookRows(times, rates);
  }
  noop.kill();
  sdk.kill();
  if (only === 'webhook') {
    loadgen.kill();
    await stopServer(server);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }

  // 2. End to end: event in → reply delivered at the fake Open Platform.
  process.stdout.write('\nend to end: 帮助 from 200 liaisons in private chats, reply delivered at the fake (send limits raised for this phase)\n');
  const light = await endToEnd(fake, duban, 100, 5, server.pid!);
  row('end to end at 100 events/s (5 s)', `p50 ${f1(light.p50)} ms p99 ${f1(light.p99)} ms`, 'p99 < 1 s', light.p99 < 1000 && light.delivered === light.n, `${light.delivered}/${light.n} replies delivered`);
  // The target is capacity: that the server keeps up with 1,500 events a second. Replies per second from the first
  // event to the last reply cannot show it (it stays under the offered rate by the last reply's time, 1,499/s at best
  // with a 2-ms reply); the rate replies were delivered at while the events came can. A server a little behind it, by
  // more than 2%, builds a backlog and its reply times grow.
  // Three runs, the median one (by the rate sustained) is the figure and all three are printed: on two shared cores
  // the box's own speed moved one run's rate between 563 and 1,341 replies/s within ten minutes (2026-11-30), as it
  // moves the answer times' p99 above.
  const runs: Array<Awaited<ReturnType<typeof endToEnd>>> = [];
  for (let r = 0; r < 3; r++) runs.push(await endToEnd(fake, duban, 1500, 3, server.pid!));
  const e = [...runs].sort((a, b) => a.sustained - b.sustained)[1]!;
  row(
    'end to end at 1,500 events/s, send limits lifted',
    `${f0(e.sustained)} replies/s while the events came, p50 ${f1(e.p50)} ms p99 ${f1(e.p99)} ms`,
    'keeps up (≥ 1,470 replies/s), p99 < 1 s',
    e.sustained >= 1470 && e.p99 < 1000 && runs.every((x) => x.delivered === x.n),
    `the median of 3 runs: ${runs.map((x) => `${f0(x.sustained)} replies/s (p99 ${f0(x.p99)} ms, ${x.delivered}/${x.n} delivered)`).join(', ')}; in the median run ${f0(e.perSecond)} replies/s from the first event to the last reply (this row's figure until 2026-11-29); ${e.cpu}`,
  );
  const rss = peakRssMb(server.pid!);
  loadgen.kill();
  await stopServer(server);
  row('server peak RSS over the webhook and end-to-end phases', `${f1(rss)} MB`, '< 150 MB', rss < 150, 'VmHWM of the server process');
  const startMs = [...starts].sort((a, b) => a - b)[1]!;
  row('process start to a healthy /healthz', `${f0(startMs)} ms`, '< 1.5 s', startMs < 1500, `median of 3 starts of \`npm start\` on the bench database: ${starts.map(f0).join(' / ')} ms`);
  if (only) {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }

  // 3. Queries: status, overdue, lagging, bulletin for 200 units, 5,000 tasks, 104 weekly periods.
  process.stdout.write('\nqueries: the command answered in the bot (parse, query, card, reply queued), 200 units / 5,000 tasks / 104 weeks\n');
  const clock = new ManualClock(now);
  const config = configSchema.parse({ PORT: '0', DATABASE_PATH: dbPath, LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'secret', LARK_DOMAIN: fake.url, LOG_LEVEL: 'silent' });
  const rt = createRuntime({ config, clock });
  for (const text of ['进度', '逾期', '落后', '通报', '任务 列表']) {
    const known = rt.bot.commands.some((c) => c.words.zh.some((w) => text.startsWith(w)));
    if (!known) {
      row(`query ${text}`, 'n/a', 'p99 < 50 ms', false, 'command not built yet');
      continue;
    }
    const times: number[] = [];
    for (let i = 0; i < 23; i++) {
      const ev = messageEvent({ from: 'ou_bench_office', chat: 'oc_bench_office', text });
      await rt.bot.record(ev.header.event_id, ev.header.event_type, ev);
      const s = performance.now();
      await rt.bot.handle(ev);
      if (i >= 3) times.push(performance.now() - s);
    }
    row(`query ${text} (200 units × 5,000 tasks × 104 weeks)`, `p50 ${f1(pct(times, 50))} ms p99 ${f1(pct(times, 99))} ms`, 'p99 < 50 ms', pct(times, 99) < 50);
  }
  // The queries' 115 replies go to one chat, 5 a second: delivered here, or the fan-out below would wait for them (a
  // stop leaves what is due for the next start).
  await rt.sender.drain(120_000);
  await rt.close();

  // 4. Fan-out: the report reminder to 1,000 group chats at Lark's documented limits, with faults.
  process.stdout.write("\nfan-out: report-reminder to 1,000 group chats + office, Lark's limits (50/s, 1,000/min, 5/s per chat), 10% 429 and 5% 5xx\n");
  fake.reset();
  fake.setFaults({ rateLimit: 0.1, serverError: 0.05, seed: 42, resetSeconds: 1 });
  const fanConfig = configSchema.parse({ PORT: '0', DATABASE_PATH: dbPath, LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'secret', LARK_DOMAIN: fake.url, LOG_LEVEL: 'silent' });
  const thursday = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' }).startOf('week').plus({ days: 3, hours: 17 });
  const fan = createRuntime({ config: fanConfig, clock: new ManualClock(thursday.toJSDate()) });
  const s0 = Date.now();
  const results = await fan.runner.runNow('report-reminder', thursday.toJSDate());
  await fan.sender.drain(170_000);
  const secs = (Date.now() - s0) / 1000;
  await fan.close();
  const queued = results.reduce((n, r) => n + r.posts, 0);
  const accepted = new Map<string, number>();
  for (const c of fake.calls) if (c.path.endsWith('/im/v1/messages') && c.status === 200) accepted.set(c.body.uuid, (accepted.get(c.body.uuid) ?? 0) + 1);
  const dup = [...accepted.values()].filter((n) => n > 1).length;
  const lost = queued - accepted.size;
  // The earliest the last of N sends can leave under 50/s and 1,000 per minute: full minutes, then the rest at 50/s.
  const bound = 60 * Math.floor((queued - 1) / 1000) + ((queued - 1) % 1000) / 50;
  const v = fake.limitViolations();
  const ratio = secs / bound;
  const faults = fake.calls.filter((c) => c.status !== 200 && c.path.endsWith('/messages')).length;
  row(`fan-out to 1,000 chats under Lark's limits with faults`, `${f1(secs)} s for ${queued} messages, ${x2(ratio)} of the bound, ${lost} lost, ${dup} doubled`, '≤ ×1.2, 0 lost / 0 doubled', ratio <= 1.2 && lost === 0 && dup === 0, `bound ${f1(bound)} s under 50/s and 1,000/min; ${faults} faults answered; limit violations ${v.app1s}/${v.app1min}/${v.chat1s}`);

  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  const total = (Date.now() - t0) / 1000;
  process.stdout.write(`\nfinished in ${f1(total)} s\n`);

  const md = [
    `# Bench results`,
    ``,
    `Last run: ${now.toISOString()} · ${machine} · total ${f1(total)} s · \`npm run bench\` (bench/run.ts; the server runs as \`npm start\` runs it, compiled)`,
    ``,
    `| measure | figure | target | met | note |`,
    `| --- | --- | --- | --- | --- |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ``,
    `Targets met: ${rows.filter((r) => r[3] === 'met').length} of ${rows.filter((r) => r[3]).length}.`,
    ``,
  ].join('\n');
  writeFileSync(join(projectRoot, 'bench', 'results.md'), md);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
