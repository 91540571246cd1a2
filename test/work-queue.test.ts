// Answers first (issue 19): while the server has many requests in flight, handling and sending give way, for at most
// MAX_YIELD_MS at a time, so a burst is answered before it is worked off and no work waits for ever.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AnswerPressure, BURST_PER_SECOND, RATE_WINDOW_MS, WorkQueue } from '../src/work-queue.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('AnswerPressure', () => {
  it('counts a request from its arrival until its response closes, sent or abandoned', () => {
    const p = new AnswerPressure(2);
    const a = new EventEmitter();
    const b = new EventEmitter();
    p.track(a);
    expect(p.high).toBe(false);
    p.track(b);
    expect(p.inflight).toBe(2);
    expect(p.high).toBe(true);
    a.emit('close');
    b.emit('close');
    expect(p.inflight).toBe(0);
    expect(p.high).toBe(false);
  });

  it('a burst (more than BURST_PER_SECOND arriving) is pressure while it lasts, though each request is answered at once', () => {
    let now = 1_000_000;
    const p = new AnswerPressure(8, undefined, () => now);
    const perWindow = (BURST_PER_SECOND * RATE_WINDOW_MS) / 1000;
    const arrive = (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = new EventEmitter();
        p.track(res);
        res.emit('close');
      }
    };
    // just under the rate: not a burst
    arrive(perWindow - 1);
    expect(p.inflight).toBe(0);
    expect(p.high).toBe(false);
    arrive(1);
    expect(p.burst).toBe(true);
    expect(p.high).toBe(true);
    // the next window still remembers it while it begins
    now += RATE_WINDOW_MS;
    expect(p.high).toBe(true);
    arrive(10);
    expect(p.high).toBe(true);
    // two windows on, with few arrivals since: over
    now += RATE_WINDOW_MS;
    expect(p.recent).toBe(10);
    expect(p.high).toBe(false);
    // a quiet spell: nothing is remembered
    now += 10 * RATE_WINDOW_MS;
    expect(p.recent).toBe(0);
  });

  it('another AnswerPressure over the same shared buffer (the handler thread) reads the same counts', () => {
    const p = new AnswerPressure(1);
    const q = new AnswerPressure(1, p.shared.buffer as SharedArrayBuffer);
    const res = new EventEmitter();
    p.track(res);
    expect(q.inflight).toBe(1);
    expect(q.high).toBe(true);
    expect(q.recent).toBe(1);
    res.emit('close');
    expect(q.inflight).toBe(0);
  });
});

describe('WorkQueue under answer pressure', () => {
  it('starts one work and holds the rest while many requests wait; all start once the pressure falls', async () => {
    const pressure = { high: true };
    const started: number[] = [];
    const q = new WorkQueue(() => {}, 2, pressure);
    for (let i = 0; i < 5; i++) q.push(async () => void started.push(i));
    await turn();
    await turn();
    expect(started).toEqual([0]);
    pressure.high = false;
    await q.idle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('under pressure that never falls, work still moves and finishes (no starvation)', async () => {
    const q = new WorkQueue(() => {}, 2, { high: true });
    let done = 0;
    for (let i = 0; i < 10; i++) q.push(async () => void done++);
    await q.idle();
    expect(done).toBe(10);
  });

  it('without pressure, two works run at once, as before', async () => {
    let running = 0;
    let most = 0;
    const q = new WorkQueue(() => {}, 2);
    for (let i = 0; i < 6; i++)
      q.push(async () => {
        most = Math.max(most, ++running);
        await turn();
        running--;
      });
    await q.idle();
    expect(most).toBe(2);
  });
});

describe('WorkQueue with a backlog (HANDLING_SURGE)', () => {
  /** Pushes `n` works that each take a few turns; answers how many were running as each started. */
  async function run(n: number, surge?: { over: number; concurrency: number }) {
    const atOnce: Array<{ running: number }> = [];
    let running = 0;
    const q = new WorkQueue(() => {}, 2, undefined, surge);
    for (let i = 0; i < n; i++)
      q.push(async () => {
        running++;
        atOnce.push({ running });
        await turn();
        await turn();
        running--;
      });
    await q.idle();
    return atOnce;
  }

  it('runs four at once while `over` or more wait, and two once fewer wait; every work runs once', async () => {
    const atOnce = await run(30, { over: 10, concurrency: 4 });
    expect(atOnce).toHaveLength(30);
    expect(Math.max(...atOnce.map((a) => a.running))).toBe(4);
    // the last works started with fewer than `over` waiting: two at once again
    expect(atOnce.slice(-5).map((a) => a.running)).toEqual(atOnce.slice(-5).map((a) => Math.min(a.running, 2)));
  });

  it('below `over`, as without a surge: two at once', async () => {
    const atOnce = await run(8, { over: 10, concurrency: 4 });
    expect(atOnce).toHaveLength(8);
    expect(Math.max(...atOnce.map((a) => a.running))).toBe(2);
  });
});

describe('WorkQueue.stop', () => {
  it('drops the works not started (and any pushed later), and resolves once those under way have ended', async () => {
    const q = new WorkQueue(() => {}, 2);
    const started: number[] = [];
    const ended: number[] = [];
    const gates: Array<() => void> = [];
    for (let i = 0; i < 10; i++)
      q.push(async () => {
        started.push(i);
        await new Promise<void>((r) => gates.push(r));
        ended.push(i);
      });
    await turn();
    expect(started).toEqual([0, 1]);
    let stopped: number | undefined;
    const stopping = q.stop().then((n) => (stopped = n));
    q.push(async () => void started.push(99));
    await turn();
    // the two under way are waited for
    expect(stopped).toBeUndefined();
    // one ended: the other is still waited for
    gates.shift()!();
    await turn();
    await turn();
    expect(stopped).toBeUndefined();
    gates.shift()!();
    await stopping;
    expect(stopped).toBe(8);
    expect(ended).toEqual([0, 1]);
    expect(started).toEqual([0, 1]);
    expect(q.size).toBe(0);
    await q.idle();
  });
});
