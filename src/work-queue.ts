// Work done after an HTTP answer, a few at a time, each started on its own turn of the event loop: new requests are
// read and answered between two handlings, so answers stay fast while a backlog is worked off.

/** The longest deferred work gives way to answers at a time: under any load it still moves. */
export const MAX_YIELD_MS = 20;

/** The window requests are counted in for their rate (AnswerPressure.burst). */
export const RATE_WINDOW_MS = 100;

/**
 * A burst: requests arriving faster than this a second. More than the bot handles on a small machine (about 1,500
 * events a second end to end on the bench's two shared cores), so its backlog grows whatever handling does; it is
 * answered first and worked off after (AnswerPressure).
 */
export const BURST_PER_SECOND = 2_000;

// the shared counters: requests in flight, the current window's number and count, the window before's count
const INFLIGHT = 0;
const WINDOW = 1;
const COUNT = 2;
const BEFORE = 3;

/**
 * Requests being answered right now and how fast they arrive (the Node server counts them). While many wait, or while
 * they arrive in a burst (more than BURST_PER_SECOND), deferred work (handling events, sending replies) gives way to
 * them for up to MAX_YIELD_MS at a time: Lark wants its answer within 3 s and retries otherwise, and an answered event
 * is already stored, so answers come first and a burst is worked off after it.
 */
export class AnswerPressure {
  /**
   * The counts live in shared memory: the handler thread (src/handler-thread.ts) reads the main thread's counts
   * through its own AnswerPressure over the same buffer.
   */
  readonly shared: Int32Array;
  constructor(
    readonly threshold = 8,
    buffer: SharedArrayBuffer = new SharedArrayBuffer(16),
    private readonly now: () => number = Date.now,
  ) {
    this.shared = new Int32Array(buffer);
  }
  get inflight(): number {
    return Atomics.load(this.shared, INFLIGHT);
  }
  /** the requests that arrived in the last window, or in the one before when it is only beginning */
  get recent(): number {
    const w = this.window();
    const at = Atomics.load(this.shared, WINDOW);
    if (at === w) return Math.max(Atomics.load(this.shared, COUNT), Atomics.load(this.shared, BEFORE));
    return at === w - 1 ? Atomics.load(this.shared, COUNT) : 0;
  }
  /** requests arrive faster than BURST_PER_SECOND */
  get burst(): boolean {
    return this.recent >= (BURST_PER_SECOND * RATE_WINDOW_MS) / 1000;
  }
  get high(): boolean {
    return this.inflight >= this.threshold || this.burst;
  }
  /** counts one request from its arrival until its response closes (sent, or the client went away) */
  track(res: { once(event: 'close', fn: () => void): unknown }): void {
    const w = this.window();
    const at = Atomics.load(this.shared, WINDOW);
    if (at !== w) {
      Atomics.store(this.shared, BEFORE, at === w - 1 ? Atomics.load(this.shared, COUNT) : 0);
      Atomics.store(this.shared, COUNT, 0);
      Atomics.store(this.shared, WINDOW, w);
    }
    Atomics.add(this.shared, COUNT, 1);
    Atomics.add(this.shared, INFLIGHT, 1);
    res.once('close', () => void Atomics.sub(this.shared, INFLIGHT, 1));
  }
  /** the window's number (kept within 30 bits, to fit the shared Int32) */
  private window(): number {
    return Math.floor(this.now() / RATE_WINDOW_MS) % 2 ** 30;
  }
}

/** More works at once while a backlog waits: `concurrency` of them from `over` waiting works up. */
export interface Surge {
  over: number;
  concurrency: number;
}

export class WorkQueue {
  private readonly items: Array<() => Promise<void>> = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private lastStart = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly onError: (err: unknown) => void,
    private readonly concurrency = 2,
    private readonly pressure?: { readonly high: boolean },
    private readonly surge?: Surge,
  ) {}

  push(work: () => Promise<void>): void {
    if (this.stopped) return;
    this.items.push(work);
    this.pump();
  }

  private stopped = false;

  /**
   * For a prompt stop: the works not started are dropped (and any pushed later), and this resolves once those under
   * way have ended; answers how many were dropped. The server's works are handlings of events already in the inbox,
   * so a dropped one is handled after the next start.
   */
  async stop(): Promise<number> {
    this.stopped = true;
    const dropped = this.items.splice(0).length;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    if (this.active === 0) this.idleWaiters.splice(0).forEach((r) => r());
    await this.idle();
    return dropped;
  }

  get size(): number {
    return this.items.length + this.active;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Works that may run now: more while a backlog waits (a burst, a read-back from the inbox). */
  private get allowed(): number {
    return this.surge && this.items.length >= this.surge.over ? Math.max(this.concurrency, this.surge.concurrency) : this.concurrency;
  }

  private pump(): void {
    while (this.active < this.allowed && this.items.length) {
      // Answers first: while many requests wait, start work at most once every MAX_YIELD_MS.
      if (this.pressure?.high && Date.now() - this.lastStart < MAX_YIELD_MS) {
        this.retry ??= setTimeout(() => {
          this.retry = undefined;
          this.pump();
        }, 2);
        return;
      }
      this.lastStart = Date.now();
      const work = this.items.shift()!;
      this.active++;
      setImmediate(() => {
        work()
          .catch(this.onError)
          .finally(() => {
            this.active--;
            this.pump();
            if (this.size === 0) this.idleWaiters.splice(0).forEach((r) => r());
          });
      });
    }
  }
}

/** Events held in memory waiting to be handled; past it they wait in the inbox and are read back in batches. */
export const BACKLOG_BUDGET = 256;

/**
 * Events handled at once. A handling runs to its commit in one turn of the event loop and waits there for the group
 * commit of the next turn, so at most this many are handled per turn. More is faster end to end, and is kept out for
 * the answers while the bot keeps up: with four always, at 1,000 events/s the bot's work filled the two shared cores
 * in a slow moment of the box and the answers' p99 went over 50 ms in 2 of 9 runs (237 and 427 ms; at 8, in 3 of 5).
 */
export const HANDLING_CONCURRENCY = 2;

/**
 * While HANDLING_SURGE.over events wait to be handled, four are handled at once: a backlog means the bot has fallen
 * behind (a burst at a deadline, Lark pushing again after an outage, a read-back from the inbox), and each turn then
 * commits four handlings instead of two, for less CPU per event. While it keeps up, two. By A/B on 2026-11-29 (the
 * build before and after, alternating): end to end at 1,500 events/s 1,098 / 1,507 / 1,516 / 1,329 against
 * 1,644 / 1,591 / 1,433 / 1,495 replies/s, and the answers' p99 at 1,000 events/s under 50 ms in all nine runs of
 * each (README, "What changed").
 */
export const HANDLING_SURGE = { over: 64, concurrency: 4 } as const;
