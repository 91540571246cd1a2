// The server's stop signals (src/server.ts onStopSignal): one stop may bring two signals a millisecond apart (the
// process group's and npm's); only a signal a second or more after the first ends the process at once.
import { describe, expect, it } from 'vitest';
import { onStopSignal } from '../src/server.js';

describe('stop signals', () => {
  it('a repeat within a second is the same stop: one orderly close, exit 0', async () => {
    let t = 1_000_000;
    const exits: number[] = [];
    let closes = 0;
    let done!: () => void;
    const closed = new Promise<void>((r) => (done = r));
    const signal = onStopSignal(() => (closes++, closed), (c) => void exits.push(c), () => t);
    signal();
    t += 1;
    signal();
    t += 998;
    signal();
    expect([closes, exits]).toEqual([1, []]);
    done();
    await closed;
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([0]);
  });

  it('a signal a second or more later, while the stop runs, exits 1 at once', () => {
    let t = 0;
    const exits: number[] = [];
    const signal = onStopSignal(() => new Promise<void>(() => undefined), (c) => void exits.push(c), () => t);
    signal();
    t = 1_000;
    signal();
    expect(exits).toEqual([1]);
  });
});
