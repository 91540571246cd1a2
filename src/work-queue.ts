// Work done after an HTTP answer, a few at a time, each started on its own turn of the event loop: new requests are
// read and answered between two handlings, so answers stay fast while a backlog is worked off.

/**
 * The longest deferred work gives way to answers at a time while many requests wait: under any load it still moves.
 */
export const MAX_YIELD_MS = 20;

/**
 * The same during a burst (BURST_PER_SECOND): one handling started every 100 ms, not every 20. Events arriving faster
 * than the bot can handle them are worked off after the burst whatever is handled during it, and a handling during it
 * takes the cores from the answers. It halves the events handled during `npm run bench:floor`'s max-rate rounds (a
 * round's first 30–50 ms, before the burst is seen, are the rest). By A/B, nine rounds taking turns with the build
 * before (2026-11-30), CPU per answer and answers a second: 170 against 205 µs and 4,124 against 3,857/s; 250 against
 * 285 µs and 3,072 against 3,160/s; 205 against 205 µs and 3,810 against 3,759/s; with each round from idle
 * (bench/load.ts quiet), 190 against 210 µs and 3,850 against 3,600/s. A small gain, never a loss of CPU. With no
 * handling at all during the rounds (an experiment) it was 245 against 195 µs. A flood that never ends is still
 * handled, ten events a second.
 */
export const BURST_YIELD_MS = 100;

/** What deferred work gives way to: how long it may wait for the answers now, 0 when it may go. */
export interface Pressure {
  yieldMs(): number;
}

/** The window requests are counted in for their rate (AnswerPressure.burst). */
export const RATE_WINDOW_MS = 100;

/**
 * A burst: requests arriving faster than this a second. More than the bot handles on a small machine (about 1,500
 * events a second end to end on the bench's two shared cores), so its backlog grows whatever handling does; it is
 * answered first and worked off after (AnswerPressure).
 */
export const BURST_PER_SECOND = 2_000;

// the shared counters: requests in flight, then the arrival buckets, each as (its number, its count)
const INFLIGHT = 0;
/** Arrivals are counted in buckets this long. */
const BUCKET_MS = 10;
const BUCKETS = RATE_WINDOW_MS / BUCKET_MS;
/** the buckets kept: a window's worth before the current one, which is only partly over */
const SLOTS = BUCKETS + 1;
/**
 * Bucket numbers go round at this: a multiple of SLOTS, so that the bucket before number 0 is in the slot before it,
 * and under 2^31 (about 85 days of buckets).
 */
const BUCKET_NUMBERS = SLOTS * 2 ** 26;
/** The shortest span a burst's rate is read over, in buckets. */
const SHORTEST_SPAN = 3;

/**
 * Requests being answered right now, and how fast Lark's events arrive (the Node server counts both). While many
 * requests wait, or while events arrive in a burst (more than BURST_PER_SECOND), deferred work (handling events, sending replies) gives way to
 * them for up to MAX_YIELD_MS at a time: Lark wants its answer within 3 s and retries otherwise, and an answered event
 * is already stored, so answers come first and a burst is worked off after it.
 *
 * Arrivals are counted in buckets of BUCKET_MS, and a span's rate is read off them as a sliding window (the oldest
 * bucket in part, for the part of it inside the span). The first version counted in two fixed windows of 100 ms and
 * missed most of a burst: in the bench's max-rate rounds the work queue started handlings with the pressure seen as
 * low 4,993 times in 5,000, because it looks just after a batch was answered (nothing in flight) and often early in a
 * window (few counted yet), and 40–160 of a round's 2,000 events were handled during the round.
 */
export class AnswerPressure {
  /**
   * The counts live in shared memory: the handler thread (src/handler-thread.ts) reads the main thread's counts
   * through its own AnswerPressure over the same buffer.
   */
  readonly shared: Int32Array;
  constructor(
    readonly threshold = 8,
    buffer: SharedArrayBuffer = new SharedArrayBuffer(4 * (1 + 2 * SLOTS)),
    private readonly now: () => number = Date.now,
  ) {
    this.shared = new Int32Array(buffer);
  }
  get inflight(): number {
    return Atomics.load(this.shared, INFLIGHT);
  }
  /** the requests that arrived in the last RATE_WINDOW_MS (to within a bucket's share) */
  get recent(): number {
    return Math.round(this.arrivedWithin(BUCKETS));
  }
  /**
   * Requests arrive faster than BURST_PER_SECOND, over the last RATE_WINDOW_MS or over any shorter span of at least
   * SHORTEST_SPAN buckets: a burst after a quiet spell is seen in its first 30 ms, not once 100 ms of it were counted
   * (in the max-rate rounds, the first 100 ms from idle handled 30–60 events).
   */
  get burst(): boolean {
    const { n, into } = this.buckets();
    const perBucket = (BURST_PER_SECOND * BUCKET_MS) / 1000;
    // the current bucket (its first `into` of a bucket), then each one before it
    let sum = n[0]!;
    for (let span = 1; span <= BUCKETS; span++) {
      if (span >= SHORTEST_SPAN && sum + n[span]! * (1 - into) >= perBucket * span) return true;
      sum += n[span]!;
    }
    return false;
  }
  /** BURST_YIELD_MS in a burst, MAX_YIELD_MS while `threshold` or more requests wait, else 0 */
  yieldMs(): number {
    if (this.burst) return BURST_YIELD_MS;
    return this.inflight >= this.threshold ? MAX_YIELD_MS : 0;
  }
  /** counts one request from its arrival until its response closes (sent, or the client went away) */
  track(res: { once(event: 'close', fn: () => void): unknown }): void {
    Atomics.add(this.shared, INFLIGHT, 1);
    // (one listener function shared by all, no closure for each)
    res.once('close', this.closed);
  }
  private readonly closed = (): void => void Atomics.sub(this.shared, INFLIGHT, 1);
  /**
   * Counts one event answered as Lark's: verified and stored (the Node server counts them). Only those make the rate:
   * requests anyone can send (unsigned, to other paths) would let a sender without the keys hold the bot's handling.
   */
  arrived(): void {
    const b = this.bucket(this.now());
    const slot = 1 + 2 * (b % SLOTS);
    // (only the main thread counts; the handler thread reads)
    if (Atomics.load(this.shared, slot) !== b) {
      Atomics.store(this.shared, slot + 1, 0);
      Atomics.store(this.shared, slot, b);
    }
    Atomics.add(this.shared, slot + 1, 1);
  }
  /** the arrivals within the last `span` buckets' time: the current bucket's, those before, the oldest in part */
  private arrivedWithin(span: number): number {
    const { n, into } = this.buckets();
    let sum = n[0]!;
    for (let age = 1; age < span; age++) sum += n[age]!;
    return sum + n[span]! * (1 - into);
  }
  /** the arrivals of each bucket kept, by age (the current one first), and how far into the current one it is (0–1) */
  private buckets(): { n: number[]; into: number } {
    const now = this.now();
    const b = this.bucket(now);
    const n = new Array<number>(SLOTS).fill(0);
    for (let i = 0; i < SLOTS; i++) {
      const age = (b - Atomics.load(this.shared, 1 + 2 * i) + BUCKET_NUMBERS) % BUCKET_NUMBERS;
      if (age < SLOTS) n[age]! += Atomics.load(this.shared, 2 + 2 * i);
    }
    return { n, into: (now % BUCKET_MS) / BUCKET_MS };
  }
  /** the bucket's number, within BUCKET_NUMBERS (to fit the shared Int32) */
  private bucket(now: number): number {
    return Math.floor(now / BUCKET_MS) % BUCKET_NUMBERS;
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
    private readonly pressure?: Pressure,
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
      // Answers first: while many requests wait, start work at most once every MAX_YIELD_MS (BURST_YIELD_MS in a burst).
      const wait = this.pressure?.yieldMs() ?? 0;
      if (wait && Date.now() - this.lastStart < wait) {
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
