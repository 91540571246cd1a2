// Work done after an HTTP answer, a few at a time, each started on its own turn of the event loop: new requests are
// read and answered between two handlings, so answers stay fast while a backlog is worked off.
export class WorkQueue {
  private readonly items: Array<() => Promise<void>> = [];
  private active = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly onError: (err: unknown) => void,
    private readonly concurrency = 2,
  ) {}

  push(work: () => Promise<void>): void {
    this.items.push(work);
    this.pump();
  }

  get size(): number {
    return this.items.length + this.active;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.items.length) {
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
