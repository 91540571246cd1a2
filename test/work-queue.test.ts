// Answers first (issue 19): while the server has many requests in flight, handling and sending give way, for at most
// MAX_YIELD_MS at a time (BURST_YIELD_MS in a burst), so a burst is answered before it is worked off and no work waits
// for ever.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnswerPressure, BURST_PER_SECOND, BURST_YIELD_MS, MAX_YIELD_MS, RATE_WINDOW_MS, WorkQueue } from '../src/work-queue.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('AnswerPressure', () => {
  it('counts a request from its arrival until its response closes, sent or abandoned', () => {
    const p = new AnswerPressure(2);
    const a = new EventEmitter();
    const b = new EventEmitter();
    p.track(a);
    expect(p.yieldMs() > 0).toBe(false);
    p.track(b);
    expect(p.inflight).toBe(2);
    expect(p.yieldMs() > 0).toBe(true);
    a.emit('close');
    b.emit('close');
    expect(p.inflight).toBe(0);
    expect(p.yieldMs() > 0).toBe(false);
  });

  it('gives way for MAX_YIELD_MS while many requests wait, BURST_YIELD_MS in a burst, not at all otherwise', () => {
    let now = 3_000_000;
    const p = new AnswerPressure(2, undefined, () => now);
    expect(p.yieldMs()).toBe(0);
    const a = new EventEmitter();
    const b = new EventEmitter();
    p.track(a);
    p.track(b);
    expect(p.yieldMs()).toBe(MAX_YIELD_MS);
    // 60 events accepted at once (2,000/s over 30 ms): a burst, whatever is in flight
    for (let i = 0; i < 60; i++) p.arrived();
    expect(p.yieldMs()).toBe(BURST_YIELD_MS);
    a.emit('close');
    b.emit('close');
    expect(p.yieldMs()).toBe(BURST_YIELD_MS);
    now += RATE_WINDOW_MS + 10;
    expect(p.yieldMs()).toBe(0);
    expect(BURST_YIELD_MS).toBeGreaterThan(MAX_YIELD_MS);
  });

  it('a burst (events accepted faster than BURST_PER_SECOND) is pressure while it lasts, though each request is answered at once', () => {
    let now = 1_000_000;
    const p = new AnswerPressure(8, undefined, () => now);
    // `perSecond` requests a second for `ms`, one each time they are due, answered at once
    let owed = 0;
    const arrive = (perSecond: number, ms: number, onEach: () => void = () => {}) => {
      for (let t = 0; t < ms; t++, now++) {
        for (owed += perSecond / 1000; owed >= 1; owed--) {
          const res = new EventEmitter();
          p.track(res);
          p.arrived();
          res.emit('close');
        }
        onEach();
      }
    };
    // just under the rate, for a second: never a burst, and nothing in flight
    arrive(BURST_PER_SECOND * 0.95, 1000, () => expect(p.yieldMs() > 0).toBe(false));
    expect(p.inflight).toBe(0);
    expect(p.recent).toBeGreaterThan((BURST_PER_SECOND * RATE_WINDOW_MS * 0.8) / 1000);
    // a little over it: seen once a window of it was counted
    arrive(BURST_PER_SECOND * 1.1, RATE_WINDOW_MS + 10);
    expect(p.burst).toBe(true);
    expect(p.yieldMs() > 0).toBe(true);
    arrive(BURST_PER_SECOND * 1.1, 200, () => expect(p.yieldMs() > 0).toBe(true));
    // once it stops, it is over within 20 ms
    arrive(0, 20);
    expect(p.yieldMs() > 0).toBe(false);
    // a quiet spell: nothing is remembered
    arrive(0, 2 * RATE_WINDOW_MS);
    expect(p.recent).toBe(0);
    // twice the rate after a quiet spell (a max-rate round): seen within 30 ms, not once a whole window was counted
    arrive(BURST_PER_SECOND * 2, 30);
    expect(p.yieldMs() > 0).toBe(true);
  });

  it('from a quiet spell, a clump is a burst only at the rate: 59 at once is not, 60 (2,000/s over 30 ms) is', () => {
    let now = 5_000_000;
    const p = new AnswerPressure(1_000, undefined, () => now);
    const clump = (n: number) => {
      for (let i = 0; i < n; i++) p.arrived();
    };
    clump(59);
    expect(p.burst).toBe(false);
    clump(1);
    expect(p.burst).toBe(true);
    // counted over the last 100 ms: gone 100 ms later (to within a 10-ms bucket)
    now += RATE_WINDOW_MS + 10;
    expect(p.recent).toBe(0);
    expect(p.burst).toBe(false);
  });

  it("requests that were not accepted as Lark's events (unsigned, other paths) are in flight but make no burst", () => {
    let now = 7_000_000;
    const p = new AnswerPressure(8, undefined, () => now);
    for (let t = 0; t < 200; t++, now++) {
      for (let i = 0; i < 10; i++) {
        const res = new EventEmitter();
        p.track(res);
        res.emit('close');
      }
      expect(p.yieldMs() > 0).toBe(false);
    }
    expect(p.recent).toBe(0);
  });

  it('bucket numbers going round (every 85 days) keep the last 100 ms: a burst across the turn is still seen', () => {
    // where the numbers go round (11 × 2^26 buckets of 10 ms), the turn the first version had (2^30 buckets), and the
    // next turn from today
    const turn = 11 * 2 ** 26 * 10;
    const nextTurn = Math.ceil(Date.now() / turn) * turn;
    for (const at of [turn, 2 ** 30 * 10, nextTurn]) {
      let now = at - 50;
      const p = new AnswerPressure(1_000, undefined, () => now);
      for (; now < at + 50; now++) {
        for (let i = 0; i < 3; i++) p.arrived();
        if (now >= at - 20) expect(p.burst).toBe(true);
      }
      expect(p.recent).toBeGreaterThanOrEqual(270);
    }
  });

  it('another AnswerPressure over the same shared buffer (the handler thread) reads the same counts', () => {
    const p = new AnswerPressure(1);
    const q = new AnswerPressure(1, p.shared.buffer as SharedArrayBuffer);
    const res = new EventEmitter();
    p.track(res);
    p.arrived();
    expect(q.inflight).toBe(1);
    expect(q.yieldMs() > 0).toBe(true);
    expect(q.recent).toBe(1);
    res.emit('close');
    expect(q.inflight).toBe(0);
  });
});

describe('WorkQueue under answer pressure', () => {
  /** a pressure the test sets: `high` gives way for MAX_YIELD_MS */
  const pressureOf = (high: boolean) => ({ high, yieldMs() { return this.high ? MAX_YIELD_MS : 0; } });

  it('starts one work and holds the rest while many requests wait; all start once the pressure falls', async () => {
    const pressure = pressureOf(true);
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
    const q = new WorkQueue(() => {}, 2, pressureOf(true));
    let done = 0;
    for (let i = 0; i < 10; i++) q.push(async () => void done++);
    await q.idle();
    expect(done).toBe(10);
  });

  describe('in a burst', () => {
    afterEach(() => void vi.useRealTimers());
    it('starts one work every BURST_YIELD_MS, not every MAX_YIELD_MS; the rest start once the burst ends', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const pressure = { burst: true, yieldMs() { return this.burst ? BURST_YIELD_MS : 0; } };
      const started: number[] = [];
      const q = new WorkQueue(() => {}, 2, pressure);
      for (let i = 0; i < 5; i++) q.push(async () => void started.push(i));
      await turn();
      expect(started).toEqual([0]);
      await vi.advanceTimersByTimeAsync(MAX_YIELD_MS * 2);
      await turn();
      expect(started).toEqual([0]);
      await vi.advanceTimersByTimeAsync(BURST_YIELD_MS);
      await turn();
      expect(started).toEqual([0, 1]);
      pressure.burst = false;
      await vi.advanceTimersByTimeAsync(5);
      await turn();
      await q.idle();
      expect(started).toEqual([0, 1, 2, 3, 4]);
    });
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
