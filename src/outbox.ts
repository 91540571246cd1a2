// The outbox: every outgoing message is a row first, keyed by a dedupe key that also goes to Lark as the message uuid.
// The sender claims due rows, respects Lark's send limits (50/s and 1,000/min per app, 5/s per chat), retries rate
// limits and 5xx with backoff and jitter, and marks each row sent exactly once.
import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client.js';
import { outbox } from '../db/schema.js';
import type { Clock } from './core/clock.js';
import type { Messenger } from './lark/messenger.js';
import type { Log } from './log.js';

export interface Outgoing {
  dedupeKey: string;
  campaignId?: number | null;
  kind: 'send' | 'reply' | 'patch';
  target: string;
  targetType?: 'chat_id' | 'open_id';
  chatId?: string | null;
  msgType: 'text' | 'interactive' | 'file';
  content: unknown;
}

export interface SendLimits {
  perSecond: number;
  perMinute: number;
  perChatPerSecond: number;
}

export const larkLimits: SendLimits = { perSecond: 50, perMinute: 1000, perChatPerSecond: 5 };

/** The statement that queues one message; run it alone or inside an atomic batch with other writes. */
export function queueStatement(dbh: DbHandle, m: Outgoing, now: Date) {
  return dbh.db
    .insert(outbox)
    .values({
      dedupeKey: m.dedupeKey,
      campaignId: m.campaignId ?? null,
      kind: m.kind,
      target: m.target,
      targetType: m.targetType ?? 'chat_id',
      chatId: m.chatId ?? (m.kind === 'send' && (m.targetType ?? 'chat_id') === 'chat_id' ? m.target : null),
      msgType: m.msgType,
      content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content),
      createdAt: now.toISOString(),
    })
    .onConflictDoNothing();
}

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
  take(now: number) {
    this.times.push(now);
  }
}

export class RateLimiter {
  private readonly second: SlidingWindow;
  private readonly minute: SlidingWindow;
  private readonly chats = new Map<string, SlidingWindow>();
  // Lark counts a send when it arrives, we when it leaves; the margin absorbs event-loop and network jitter
  // so that a burst timed exactly at the limit here never lands over it there.
  constructor(
    private readonly limits: SendLimits,
    private readonly marginMs = 250,
  ) {
    this.second = new SlidingWindow(limits.perSecond, 1000 + marginMs);
    this.minute = new SlidingWindow(limits.perMinute, 60_000 + marginMs * 4);
  }
  private chat(id: string) {
    let w = this.chats.get(id);
    if (!w) this.chats.set(id, (w = new SlidingWindow(this.limits.perChatPerSecond, 1000 + this.marginMs)));
    return w;
  }
  /** Takes a slot now if every window allows it; otherwise answers how long to wait. */
  tryTake(chatKey: string, now: number): number {
    const wait = Math.max(this.second.waitMs(now), this.minute.waitMs(now), this.chat(chatKey).waitMs(now));
    if (wait > 0) return wait;
    this.second.take(now);
    this.minute.take(now);
    this.chat(chatKey).take(now);
    return 0;
  }
}

export interface SenderOptions {
  limits?: SendLimits;
  /** sends in flight at once */
  concurrency?: number;
  /** attempts before a row is marked failed (rate limits do not count: they always retry) */
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  leaseMs?: number;
}

type Row = typeof outbox.$inferSelect;

/** Delivers outbox rows. One per process; a second process on the same database never sends a claimed row. */
export class Sender {
  private readonly limiter: RateLimiter;
  private readonly opts: Required<Omit<SenderOptions, 'limits'>>;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly dbh: DbHandle,
    private readonly messenger: Messenger,
    private readonly log: Log,
    opts: SenderOptions = {},
    /** wall time for rate limits and backoff: these are about Lark's clock, not the campaign's */
    private readonly wall: () => number = Date.now,
  ) {
    this.limiter = new RateLimiter(opts.limits ?? larkLimits);
    this.opts = {
      concurrency: opts.concurrency ?? 20,
      maxAttempts: opts.maxAttempts ?? 12,
      baseBackoffMs: opts.baseBackoffMs ?? 500,
      maxBackoffMs: opts.maxBackoffMs ?? 60_000,
      leaseMs: opts.leaseMs ?? 60_000,
    };
  }

  /** Runs in the background: drains at once when kicked, and polls every second for retries and other writers. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      void this.kick();
      this.timer = setTimeout(tick, 1000);
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.draining;
  }

  /** Starts a drain, or asks the running one to look again. */
  kick(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do {
          this.again = false;
          await this.drainOnce();
        } while (this.again);
      } catch (err) {
        this.log.error('outbox drain failed', { error: String(err) });
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /** Delivers everything due until nothing is left to do now (rows waiting for a retry time stay queued). */
  async drain(timeoutMs = 120_000): Promise<void> {
    const until = this.wall() + timeoutMs;
    for (;;) {
      await this.kick();
      const left = await this.pendingCount();
      if (left === 0 || this.wall() > until) return;
      const next = await this.nextDueIn();
      await sleep(Math.min(Math.max(next, 5), 1000));
    }
  }

  async pendingCount(): Promise<number> {
    const r = await this.dbh.db
      .select({ n: sql<number>`count(*)` })
      .from(outbox)
      .where(inArray(outbox.status, ['pending', 'sending']));
    return Number(r[0]?.n ?? 0);
  }

  private async nextDueIn(): Promise<number> {
    const r = await this.dbh.db
      .select({ t: sql<number>`min(${outbox.nextAttemptAt})` })
      .from(outbox)
      .where(eq(outbox.status, 'pending'));
    const t = Number(r[0]?.t ?? 0);
    return t - this.wall();
  }

  private async dueRows(now: number, limit: number): Promise<Row[]> {
    return this.dbh.db
      .select()
      .from(outbox)
      .where(
        or(
          and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)),
          // a row claimed by a sender that died: its lease ran out
          and(eq(outbox.status, 'sending'), lte(outbox.leaseUntil, now)),
        ),
      )
      .orderBy(outbox.nextAttemptAt, outbox.id)
      .limit(limit);
  }

  private async claim(row: Row, now: number): Promise<boolean> {
    const res = await this.dbh.db
      .update(outbox)
      .set({ status: 'sending', leaseUntil: now + this.opts.leaseMs, attempts: row.attempts + 1 })
      .where(and(eq(outbox.id, row.id), eq(outbox.status, row.status), eq(outbox.attempts, row.attempts)))
      .run();
    return changes(res) === 1;
  }

  private async drainOnce(): Promise<void> {
    for (;;) {
      const now = this.wall();
      const rows = await this.dueRows(now, 500);
      if (rows.length === 0) return;
      const blockedChats = new Set<string>();
      let progressed = false;
      for (const row of rows) {
        const chatKey = row.chatId ?? row.target;
        if (blockedChats.has(chatKey)) continue;
        while (this.inFlight >= this.opts.concurrency) await this.waitSlot();
        const wait = this.limiter.tryTake(chatKey, this.wall());
        if (wait > 0) {
          // This chat (or the app) is at its limit: let other chats go first, come back for it later.
          blockedChats.add(chatKey);
          if (wait > 200) continue;
          await sleep(wait);
          if (this.limiter.tryTake(chatKey, this.wall()) > 0) continue;
          blockedChats.delete(chatKey);
        }
        if (!(await this.claim(row, this.wall()))) continue;
        progressed = true;
        this.inFlight++;
        void this.deliverOne(row).finally(() => {
          this.inFlight--;
          this.idleWaiters.shift()?.();
        });
      }
      while (this.inFlight > 0) await this.waitSlot();
      // Everything due is waiting on a limit window (or was claimed by another sender): wait a little, look again.
      if (!progressed) await sleep(50);
    }
  }

  private waitSlot(): Promise<void> {
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async deliverOne(row: Row): Promise<void> {
    const result = await this.messenger.deliver({
      kind: row.kind,
      target: row.target,
      targetType: row.targetType,
      msgType: row.msgType,
      content: row.content,
      uuid: row.dedupeKey,
    });
    const now = this.wall();
    if (result.ok) {
      await this.dbh.db
        .update(outbox)
        .set({ status: 'sent', sentAt: new Date(now).toISOString(), messageId: result.messageId ?? null, chatId: row.chatId ?? result.chatId ?? null, lastError: null })
        .where(eq(outbox.id, row.id))
        .run();
      return;
    }
    const attempts = row.attempts + 1;
    const isRateLimit = result.retryAfterMs !== undefined || /99991400|230020|^429/.test(result.error);
    if (result.retry && (isRateLimit || attempts < this.opts.maxAttempts)) {
      const backoff = Math.min(this.opts.maxBackoffMs, this.opts.baseBackoffMs * 2 ** Math.min(attempts - 1, 10));
      // Full jitter spreads retries so a recovering Open Platform is not hit by every row at once.
      const delay = Math.max(result.retryAfterMs ?? 0, Math.floor(backoff / 2 + (Math.random() * backoff) / 2));
      await this.dbh.db
        .update(outbox)
        .set({ status: 'pending', nextAttemptAt: now + delay, lastError: result.error.slice(0, 500) })
        .where(eq(outbox.id, row.id))
        .run();
      return;
    }
    this.log.error('message failed for good', { outbox_id: row.id, key: row.dedupeKey, error: result.error });
    await this.dbh.db
      .update(outbox)
      .set({ status: 'failed', lastError: result.error.slice(0, 500) })
      .where(eq(outbox.id, row.id))
      .run();
  }
}

export function changes(res: unknown): number {
  const r = res as { changes?: number; meta?: { changes?: number } };
  return r.changes ?? r.meta?.changes ?? 0;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Queues messages (outside any other write) and returns how many were new. */
export async function queue(dbh: DbHandle, clock: Clock, messages: Outgoing[]): Promise<void> {
  if (messages.length === 0) return;
  await dbh.atomic(messages.map((m) => queueStatement(dbh, m, clock.now())));
}
