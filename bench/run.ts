// npm run bench: a plain Node script (run by tsx) that measures Duban against DESIGN.md section 4 and prints one table,
// also written to bench/results.md. Everything runs on this machine: the server in a child process, the fake Open
// Platform and the load generator here.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { openSqlite } from '../db/client.js';
import { configSchema } from '../src/config.js';
import { ManualClock } from '../src/core/clock.js';
import { projectRoot, createRuntime } from '../src/runtime.js';
import { startFakeLark, type FakeLark } from '../test/fake-lark/server.js';
import { messageEvent } from '../test/support/lark-events.js';
import { pct, type Sample } from './load.js';
import type { LoadRequest, LoadResult } from './loadgen.js';
import { seed } from './seed.js';

const KEY = 'bench-encrypt-key';
const TOKEN = 'vtoken_test';
const rows: Array<[string, string, string]> = [];
const row = (what: string, figure: string, note = '') => {
  rows.push([what, figure, note]);
  process.stdout.write(`  ${what.padEnd(58)} ${figure.padEnd(28)} ${note}\n`);
};
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

function start(script: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = fork(join(projectRoot, script), args, { execArgv: [...nodeArgs, '--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function waitHealthy(url: string) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

let loadgen: ChildProcess | undefined;

/** Sends `n` events from the load generator process (bench/loadgen.ts) and answers its samples. */
function load(req: Omit<LoadRequest, 'key'>): Promise<LoadResult> {
  return new Promise((resolve) => {
    loadgen!.once('message', (res: LoadResult) => resolve(res));
    loadgen!.send({ ...req, key: KEY } satisfies LoadRequest);
  });
}

/**
 * Answer times at a fixed 1,000 events/s for 3 s (DESIGN.md's bar), then the max rate at concurrency 32. Each phase
 * starts from an idle server: `settle` waits until the server has handled and replied to everything sent so far.
 */
async function webhook(name: string, url: string, settle: (sent: number) => Promise<void> = async () => {}) {
  let sent = 300;
  await load({ mode: 'closed', url, n: sent, tag: `${name}w`, concurrency: 16 });
  await settle(sent);
  // Warm-up at the measured rate, not counted: a server that just started compiles its hot paths during the first
  // seconds of load (the first run after start showed p99s of 0.4–2.8 s that the later runs did not).
  await load({ mode: 'open', url, n: 1000, tag: `${name}w2`, rate: 1000 });
  await settle((sent += 1000));
  // Three runs of 3 s at 1,000 events/s, each from idle. On two shared cores one run's p99 swings with what the other
  // processes (the fake receiving the replies, the load generator) happen to be doing: the median run is the figure
  // and all three are printed.
  const runs: Array<{ p50: number; p99: number }> = [];
  const all: Sample[] = [];
  for (let r = 0; r < 3; r++) {
    const at1000 = (await load({ mode: 'open', url, n: 3000, tag: `${name}r${r}`, rate: 1000 })).samples;
    await settle((sent += 3000));
    const ms = at1000.map((s) => s.ms);
    runs.push({ p50: pct(ms, 50), p99: pct(ms, 99) });
    all.push(...at1000);
  }
  const { samples, perSecond } = await load({ mode: 'closed', url, n: 2000, tag: name, concurrency: 32 });
  await settle((sent += 2000));
  const median = [...runs].sort((a, b) => a.p99 - b.p99)[1]!;
  const ok = [...samples, ...all].filter((s) => s.status === 200).length;
  return { perSecond, p50: median.p50, p99: median.p99, p99s: runs.map((r) => r.p99), ok, n: samples.length + all.length };
}

async function endToEnd(fake: FakeLark, url: string, rate: number, seconds: number) {
  const n = rate * seconds;
  const sentAt = new Map((await load({ mode: 'open', url, n, tag: `e2e${rate}`, rate })).sentAt);
  await fake.waitFor((ms) => ms.filter((m) => m.reply_to && sentAt.has(m.reply_to)).length >= n, 90_000).catch(() => {});
  const replies = fake.messages.filter((m) => m.reply_to && sentAt.has(m.reply_to));
  const lat = replies.map((m) => m.at - sentAt.get(m.reply_to!)!);
  // replies delivered per second, from the first event sent to the last reply delivered
  const span = (Math.max(...replies.map((m) => m.at)) - Math.min(...sentAt.values())) / 1000;
  return { p50: pct(lat, 50), p99: pct(lat, 99), delivered: lat.length, n, perSecond: lat.length / span };
}

async function main() {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
  const dbPath = join(dir, 'bench.db');
  const now = new Date();
  process.stdout.write(`duban bench — ${now.toISOString()} — node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);

  const dbh = openSqlite(dbPath);
  await seed(dbh, now);
  dbh.close();
  const fake = await startFakeLark({ botOpenId: 'ou_bot', knows: (id) => /^ou_(bench|fan)_/.test(id) });
  const base = { LARK_ENCRYPT_KEY: KEY, LARK_VERIFICATION_TOKEN: TOKEN, LOG_LEVEL: 'silent' };

  // 1. Webhook answer time: Duban, a no-op Hono route, and the SDK's EventDispatcher on node:http.
  process.stdout.write('\nwebhook: signed, encrypted im.message.receive_v1 events (帮助, answered through the real SDK): answer time at 1,000 events/s (after a 1-s warm-up, 3 runs of 3 s, the median run shown), then max rate at concurrency 32, each from idle\n');
  const serverEnv = { ...base, PORT: '38411', DATABASE_PATH: dbPath, LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'secret', LARK_DOMAIN: fake.url, SEND_PER_SECOND: '5000', SEND_PER_MINUTE: '1000000' };
  const server = fork(join(projectRoot, 'src/server.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...serverEnv }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const duban = 'http://127.0.0.1:38411';
  await waitHealthy(duban);
  loadgen = await start('bench/loadgen.ts', [], {}, ['--expose-gc']);
  const noop = await start('bench/targets.ts', ['noop-hono'], { ...base, PORT: '38412' });
  const sdk = await start('bench/targets.ts', ['sdk-dispatcher'], { ...base, PORT: '38413' });
  const w = {
    // the replies to this phase's events reach the fake: Duban has worked off what it was sent
    duban: await webhook('duban', duban, (n) => fake.waitFor((ms) => ms.filter((m) => m.reply_to).length >= n, 120_000)),
    noop: await webhook('noop', 'http://127.0.0.1:38412'),
    sdk: await webhook('sdk', 'http://127.0.0.1:38413'),
  };
  noop.kill();
  sdk.kill();
  row('webhook Duban /lark/events (verify, decrypt, inbox, then handle)', `max ${f1(w.duban.perSecond)}/s · at 1,000/s p50 ${f2(w.duban.p50)} ms p99 ${f2(w.duban.p99)} ms`, `${w.duban.ok}/${w.duban.n} answered 200; p99 of the 3 runs ${w.duban.p99s.map(f1).join(' / ')} ms; bar p50 < 10 ms, p99 < 50 ms`);
  row('webhook no-op Hono route (same adapter)', `max ${f1(w.noop.perSecond)}/s · at 1,000/s p50 ${f2(w.noop.p50)} ms p99 ${f2(w.noop.p99)} ms`, `Duban/no-op p50 ×${f2(w.duban.p50 / w.noop.p50)}, max rate ×${f2(w.duban.perSecond / w.noop.perSecond)}`);
  row('webhook SDK EventDispatcher on node:http', `max ${f1(w.sdk.perSecond)}/s · at 1,000/s p50 ${f2(w.sdk.p50)} ms p99 ${f2(w.sdk.p99)} ms`, `Duban/SDK p50 ×${f2(w.duban.p50 / w.sdk.p50)}; the SDK checks no token and no timestamp`);

  // 2. End to end: event in → reply delivered at the fake Open Platform.
  process.stdout.write('\nend to end: 帮助 from 200 liaisons in private chats, reply delivered at the fake (send limits raised for this phase)\n');
  for (const [rate, secs] of [[100, 5], [1000, 3]] as const) {
    const e = await endToEnd(fake, duban, rate, secs);
    row(`end to end at ${rate} events/s (${secs} s)`, `p50 ${f1(e.p50)} ms p99 ${f1(e.p99)} ms`, `${e.delivered}/${e.n} replies delivered, ${f1(e.perSecond)} replies/s`);
  }
  const rss = peakRssMb(server.pid!);
  loadgen.kill();
  server.kill();
  row('server peak RSS (VmHWM) over the webhook and end-to-end phases', `${f1(rss)} MB`);

  // 3. Queries: status, overdue, lagging, bulletin for 200 units, 5,000 tasks, 104 weekly periods.
  process.stdout.write('\nqueries: the command answered in the bot (parse, query, card, reply queued), 200 units / 5,000 tasks / 104 weeks\n');
  const clock = new ManualClock(now);
  const config = configSchema.parse({ PORT: '0', DATABASE_PATH: dbPath, LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'secret', LARK_DOMAIN: fake.url, LOG_LEVEL: 'silent' });
  const rt = createRuntime({ config, clock });
  for (const text of ['进度', '逾期', '落后', '通报', '任务 列表']) {
    const known = rt.bot.commands.some((c) => c.words.zh.some((w) => text.startsWith(w)));
    if (!known) {
      row(`query ${text}`, 'n/a', 'command not built yet');
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
    row(`query ${text}`, `p50 ${f1(pct(times, 50))} ms p99 ${f1(pct(times, 99))} ms`, pct(times, 99) < 50 ? 'under 50 ms' : 'OVER 50 ms');
  }
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
  row(`fan-out ${queued} messages`, `${f1(secs)} s`, `bound under 50/s and 1,000/min: ${f1(bound)} s (×${f2(secs / bound)}, target ≤ ×1.2)`);
  row('fan-out copies lost / duplicated', `${lost} / ${dup}`, `faults answered: ${fake.calls.filter((c) => c.status !== 200 && c.path.endsWith('/messages')).length}; limit violations ${v.app1s}/${v.app1min}/${v.chat1s}`);

  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  const total = (Date.now() - t0) / 1000;
  process.stdout.write(`\nfinished in ${f1(total)} s\n`);

  const md = [
    `# Bench results`,
    ``,
    `Last run: ${now.toISOString()} · node ${process.version} · ${(await import('node:os')).cpus().length} cores · total ${f1(total)} s · \`npm run bench\` (bench/run.ts, plain Node via tsx)`,
    ``,
    `| measure | figure | note |`,
    `| --- | --- | --- |`,
    ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
    ``,
  ].join('\n');
  writeFileSync(join(projectRoot, 'bench', 'results.md'), md);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
