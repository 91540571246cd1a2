// The send limits' per-chat windows (src/rate-limiter.ts): a chat is forgotten once its last send left its window, and
// forgetting it changes no answer; a chat's sends never arrive six in a second at Lark, however long each is held up on
// its way. Unit level: the limiter is pure arithmetic on the times it is given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiter, type SendLimits } from '../src/rate-limiter.js';

const limits: SendLimits = { perSecond: 50, perMinute: 1000, perChatPerSecond: 5 };

/** The same limiter with its sweep never due: it keeps every chat's window, as before the sweep existed. */
function keepingEveryChat(): RateLimiter {
  const l = new RateLimiter(limits);
  (l as unknown as { sweep(): void }).sweep = () => {};
  return l;
}

describe('the per-chat windows of the send limits', () => {
  it('answer exactly as windows kept forever would, for any sends to any chats at any pace (fast-check)', () => {
    // few chats, bursts, and pauses around the window's length, so that sweeps fall while a chat's five are still in it
    const step = fc.record({ chat: fc.integer({ min: 0, max: 3 }), gapMs: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 900, max: 1600 })) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), (steps) => {
        const swept = new RateLimiter(limits);
        const kept = keepingEveryChat();
        let now = 1_700_000_000_000;
        for (const s of steps) {
          now += s.gapMs;
          expect(swept.tryTake(`oc_${s.chat}`, now)).toBe(kept.tryTake(`oc_${s.chat}`, now));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keep a chat whose five are still inside its window when the sweep comes', () => {
    const l = new RateLimiter(limits);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 5; i++) expect(l.tryTake('oc_a', t0 + i * 10)).toBe(0);
    // another chat's send 1.3 s later sweeps; oc_a's five (the last at +40 ms) are still in its 1.5-s window
    expect(l.tryTake('oc_b', t0 + 1300)).toBe(0);
    expect(l.trackedChats).toBe(2);
    expect(l.tryTake('oc_a', t0 + 1400)).toBeGreaterThan(0);
  });

  it('forget the chats whose last send left the window: 10,000 private chats answered, then only the busy one is kept', () => {
    const l = new RateLimiter({ perSecond: 1_000_000, perMinute: 1_000_000, perChatPerSecond: 5 });
    let now = 1_700_000_000_000;
    for (let i = 0; i < 10_000; i++) expect(l.tryTake(`oc_p2p_${i}`, (now += 1))).toBe(0);
    expect(l.trackedChats).toBeGreaterThan(1000);
    now += 5_000;
    for (let i = 0; i < 5; i++) expect(l.tryTake('oc_busy', now)).toBe(0);
    expect(l.trackedChats).toBe(1);
    // the busy chat is still held to its five a second after the sweep
    expect(l.tryTake('oc_busy', now + 10)).toBeGreaterThan(0);
  });

  it('never let six sends of a chat arrive within a second at Lark, whatever each one is held up on its way (fast-check)', () => {
    // each send: how long after it left it arrives (up to 2 s: a stalled event loop, a slow connection), how long its
    // answer takes after that, and the pause before the chat's next message is ready; a chat sends one at a time
    const send = fc.record({ onTheWayMs: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2000 })), answerMs: fc.integer({ min: 0, max: 100 }), nextMs: fc.integer({ min: 0, max: 300 }) });
    fc.assert(
      fc.property(fc.array(send, { minLength: 6, maxLength: 60 }), (sends) => {
        const l = new RateLimiter(limits);
        let now = 1_700_000_000_000;
        const arrivals: number[] = [];
        for (const s of sends) {
          for (let wait = l.tryTake('oc_a', now); wait > 0; wait = l.tryTake('oc_a', now)) now += wait;
          arrivals.push(now + s.onTheWayMs);
          now += s.onTheWayMs + s.answerMs;
          l.answered('oc_a', now);
          now += s.nextMs;
        }
        // Lark's window: no send with five others in the second before it (arrivals are in order: one at a time)
        for (let i = 5; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 5]!).toBeGreaterThanOrEqual(1000);
      }),
      { numRuns: 500 },
    );
  });
});
