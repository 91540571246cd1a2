// A small HTTP load generator on node:http with keep-alive: fixed concurrency, or a fixed arrival rate.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface Sample {
  ms: number;
  status: number;
}

/**
 * How long a request may wait for its answer before it counts as failed (status 0): a server that stops answering shows
 * in the figures instead of holding the bench forever. Lark itself waits 3 s.
 */
export const ANSWER_TIMEOUT_MS = 30_000;

export function post(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<Sample> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', () => resolve({ ms: performance.now() - t0, status: 0 }));
    req.setTimeout(ANSWER_TIMEOUT_MS, () => req.destroy(new Error('no answer')));
    req.end(body);
  });
}

/** Sends every body with `concurrency` requests in flight; answers samples and the achieved rate. */
export async function closedLoop(url: string, bodies: Array<{ body: string; headers: Record<string, string> }>, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const u = new URL(url);
  const samples: Sample[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const b = bodies[next++]!;
        samples.push(await post(agent, u, b.body, b.headers));
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { samples, perSecond: bodies.length / seconds };
}

/** Sends at a fixed rate (open loop), calling onSent with each send's start time. */
export async function openLoop(url: string, bodies: Array<{ body: string; headers: Record<string, string> }>, rate: number, onSent: (i: number, t: number) => void) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const u = new URL(url);
  const t0 = Date.now();
  const inflight: Array<Promise<Sample>> = [];
  for (let i = 0; i < bodies.length; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    onSent(i, Date.now());
    inflight.push(post(agent, u, bodies[i]!.body, bodies[i]!.headers));
  }
  const samples = await Promise.all(inflight);
  agent.destroy();
  return samples;
}

export function pct(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/**
 * The Node flags `npm start` gives the server (package.json's start script: the heap sizes), so the bench runs the
 * server exactly as production does; NODE_FLAGS adds flags to try.
 */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  return [...pkg.scripts.start.split(/\s+/).filter((w) => w.startsWith('--')), ...(process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean)];
}

/** CPU time a process has used (user + system), in ms, from /proc (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time of one thread of a process (the main thread's id is the process's), in ms, from /proc. */
export function threadCpuMs(pid: number, tid = pid): number {
  const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Every process a bench starts: none outlives it, however it ends (a failure exits without stopping them). */
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL')));
export function adopt(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

/**
 * Waits until the processes have been idle together: at most 20 ms of CPU between them (two clock ticks of /proc) over
 * 250 ms, or `timeoutMs` at most. A server's max-rate round starts from idle: work that outlives a round's last answer
 * (Duban's handling of the round's events, the WAL copied back into the database, a full collection of the round's
 * garbage) would otherwise land in the next round, another server's or its own.
 */
export async function quiet(pids: number[], timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  const used = () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  for (;;) {
    const before = used();
    await new Promise((r) => setTimeout(r, 250));
    if (used() - before <= 20 || Date.now() - started >= timeoutMs) return;
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Stops a server and waits until it has exited (its stop is prompt: CLOSE_GRACE_MS, and at most a send's timeout), so
 * that no server outlives the bench; one still running after 35 s is killed.
 */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const late = setTimeout(() => {
    process.stderr.write(`the server (pid ${child.pid}) did not stop within 35 s of SIGTERM: killed\n`);
    child.kill('SIGKILL');
  }, 35_000);
  await exited;
  clearTimeout(late);
}
