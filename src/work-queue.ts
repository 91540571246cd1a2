// Work done after an HTTP answer, a few at a time, each started on its own turn of the event loop: new requests are
// read and answered between two handlings, so answers stay fast while a backlog is worked off.

/** The longest deferred work gives way to answers at a time: under any load it still moves. */
export const MAX_YIELD_MS = 20;

/**
 * Requests being answered right now (the Node server counts them). While many wait, deferred work (handling events,
 * sending replies) gives way to them for up to MAX_YIELD_MS at a time: Lark wants its answer within 3 s and retries
 * otherwise, and an answered event is already stored, so answers come first and a burst is worked off after it.
 */
export class AnswerPressure {
  inflight = 0;
  constructor(readonly threshold = 8) {}
  get high(): boolean {
    return this.inflight >= this.threshold;
  }
  /** counts one request from its arrival until its response closes (sent, or the client went away) */
  track(res: { once(event: 'close', fn: () => void): unknown }): void {
    this.inflight++;
    res.once('close', () => void this.inflight--);
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
