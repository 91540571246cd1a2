// Lark's send limits as sliding windows (50/s and 1,000/min per app, 5/s per chat): exact, so a burst never exceeds
// a limit in any window, with a margin for the jitter between our clock and Lark's. The outbox's sender takes a slot
// before each send.
export interface SendLimits {
  perSecond: number;
  perMinute: number;
  perChatPerSecond: number;
}

export const larkLimits: SendLimits = { perSecond: 50, perMinute: 1000, perChatPerSecond: 5 };

/** Sliding windows of send times: exact, so a burst can never exceed a limit in any window. */
class SlidingWindow {
  private times: number[] = [];
  private head = 0;
  constructor(
    private readonly limit: number,
    private readonly spanMs: number,
  ) {}
  private trim(now: number) {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.spanMs) this.head++;
    if (this.head > 1024) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
  /** ms to wait before one more send fits (0 = now) */
  waitMs(now: number): number {
    this.trim(now);
    const count = this.times.length - this.head;
    if (count < this.limit) return 0;
    return this.times[this.head + count - this.limit]! + this.spanMs - now + 1;
  }
  /** sends that fit now */
  room(now: number): number {
    this.trim(now);
    return Math.max(0, this.limit - (this.times.length - this.head));
  }
  take(now: number) {
    this.times.push(now);
  }
  /** The latest send is counted at `now` instead, if later (or again, once it left the window). */
  restamp(now: number) {
    const last = this.times.length - 1;
    if (last >= this.head && this.times[last]! > now - this.spanMs) this.times[last] = Math.max(this.times[last]!, now);
    else this.times.push(now);
  }
  /** no send inside the window any more: once trimmed it is empty, and answers as a new one would */
  idle(now: number): boolean {
    this.trim(now);
    return this.head === this.times.length;
  }
}

/** How often the per-chat windows are swept for idle ones. */
const SWEEP_EVERY_MS = 1000;

export class RateLimiter {
  private readonly second: SlidingWindow;
  private readonly minute: SlidingWindow;
  /**
   * One window per chat sent to in the last moments only: a chat whose last send left its window is forgotten, since a
   * new window answers the same. Kept for every chat ever sent to, the map grew by one window per private chat the bot
   * ever answered (30,000 in one bench run).
   */
  private readonly chats = new Map<string, SlidingWindow>();
  private lastSweep = -Infinity;
  // Lark counts a send when it arrives, we when it leaves; the margin absorbs event-loop and network jitter
  // so that a burst timed exactly at the limit here never lands over it there.
  constructor(
    private readonly limits: SendLimits,
    private readonly marginMs = 250,
  ) {
    this.second = new SlidingWindow(limits.perSecond, 1000 + marginMs);
    this.minute = new SlidingWindow(limits.perMinute, 60_000 + marginMs * 4);
  }
  // A chat's window gets twice the margin: one chat's sends are few, so the wider margin costs little, and a send held
  // up on its way (a busy event loop, a new connection) must not land inside the next second's five at Lark.
  private chat(id: string) {
    let w = this.chats.get(id);
    if (!w) this.chats.set(id, (w = new SlidingWindow(this.limits.perChatPerSecond, 1000 + 2 * this.marginMs)));
    return w;
  }
  /** How many sends the app-wide windows allow now, whatever the chats; and how long until one more fits. */
  appRoom(now: number): number {
    return Math.min(this.second.room(now), this.minute.room(now));
  }
  appWaitMs(now: number): number {
    return Math.max(this.second.waitMs(now), this.minute.waitMs(now));
  }
  /** The chats with a send inside their window (the rest were forgotten). */
  get trackedChats(): number {
    return this.chats.size;
  }
  private sweep(now: number) {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [id, w] of this.chats) if (w.idle(now)) this.chats.delete(id);
  }
  /**
   * A send taken for `chatKey` got its answer at `now`: Lark counted it at the latest then. Its chat's slot moves to
   * `now`, so that the chat's next sends are spaced from when the send may have arrived, not from when it left. A send
   * held up on its way (a busy event loop, a slow connection, a stalled Open Platform) by more than the margin landed
   * among the next ones at Lark before: six in one second. One send per chat is under way at a time (the outbox sends a
   * chat's head only), so the chat's last slot is this send's.
   */
  answered(chatKey: string, now: number): void {
    this.chat(chatKey).restamp(now);
  }
  /** Takes a slot now if every window allows it; otherwise answers how long to wait. */
  tryTake(chatKey: string, now: number): number {
    this.sweep(now);
    const wait = Math.max(this.second.waitMs(now), this.minute.waitMs(now), this.chat(chatKey).waitMs(now));
    if (wait > 0) return wait;
    this.second.take(now);
    this.minute.take(now);
    this.chat(chatKey).take(now);
    return 0;
  }
}
