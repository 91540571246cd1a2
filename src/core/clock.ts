// The injected clock: commands, jobs and queries read time only from here, so tests and the sandbox can move it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * How long something took, for log lines and cache ages: a monotonic timer, not a clock. The campaign's clock may be
 * a ManualClock that stands still (tests, the sandbox) and the wall clock can jump; neither measures a duration.
 */
export function stopwatch(): () => number {
  const start = performance.now();
  return () => Math.round(performance.now() - start);
}

/** Milliseconds on the monotonic timer, for ages of in-memory caches. */
export const monotonicMs = (): number => performance.now();

/** A clock that a test or the sandbox sets and advances by hand. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string | number) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(at: Date | string | number): void {
    this.t = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
