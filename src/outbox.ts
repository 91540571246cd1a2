// The outbox: every outgoing message is a row first, keyed by a dedupe key that also goes to Lark as the message uuid.
// The sender claims due rows, respects Lark's send limits (50/s and 1,000/min per app, 5/s per chat), retries rate
// limits and 5xx with backoff and jitter, and marks each row sent exactly once.
import { and, eq, gt, inArray, lte, or, sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client.js';
import { outbox } from '../db/schema.js';
import { statements } from '../db/statements.js';
import type { Messenger } from './lark/messenger.js';
import type { Log } from './log.js';
import type { Clock } from './core/clock.js';
import { dropInvalidMentions, isInvalidMention } from './outbox-mentions.js';
import type { HandedRow, OutboxRow } from './outbox-rows.js';
import { larkLimits, RateLimiter, type SendLimits } from './rate-limiter.js';
import type { Pressure } from './work-queue.js';

export { larkLimits, RateLimiter, type SendLimits };
export { deliveredUnder, queue, queueClaimedStatement, queueStatements, type HandedRow, type OutboxRow, type Outgoing } from './outbox-rows.js';

export interface SenderOptions {
  limits?: SendLimits;
  /** the Node server's requests in flight: while many wait, sending gives way (src/work-queue.ts AnswerPressure) */
  pressure?: Pressure;
  /** sends in flight at once */
  concurrency?: number;
  /** attempts before a row is marked failed (rate limits do not count: they always retry) */
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  leaseMs?: number;
  /** the campaign clock, for the day of an office notice (a wrong @ id is reported once per person per day) */
  clock?: Clock;
}

type DueRow = Pick<typeof outbox.$inferSelect, 'id' | 'status' | 'attempts' | 'target' | 'chatId' | 'nextAttemptAt' | 'holdLeft'>;


/**
 * Rows a sender holds in memory (handed over, or being sent) per send it runs at once: past that, replies wait in the
 * database. A held reply is about 3 KB (the card), so 20 sends at once hold about 250 KB at most. (16 per send was
 * tried: no faster end to end, and up to 5 MB more peak RSS.)
 */
const HANDED_PER_SEND = 4;

/**
 * How long a pass waiting for sends to end may keep a kick waiting (a row queued meanwhile): a slow send to one chat
 * holds back another chat's new row for at most this long, and a burst's handovers go in a few passes, not one each.
 */
const KICK_LOOK_MS = 20;

/**
 * Attempts after which a message stops holding its chat even with no proof the failures were about it (the last one
 * not a rate limit): with the backoff capped at a minute, about 14 minutes of 5xx or an outage.
 */
export const RELEASE_ANYWAY_ATTEMPTS = 20;

/** Delivers outbox rows. One per process; a second process on the same database never sends a claimed row. */
export class Sender {
  private readonly limiter: RateLimiter;
  private readonly opts: Required<Omit<SenderOptions, 'limits' | 'clock' | 'pressure'>> & Pick<SenderOptions, 'pressure'>;
  private readonly clock: Clock;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** stop() was called: no more rows are handed over */
  private closed = false;
  private inFlight = 0;
  /** chats with a send under way: their next row waits for it */
  private readonly sendingTo = new Set<string>();
  /** wall time of the last send Lark accepted */
  private lastOkAt = 0;
  /** rows waiting for a retry: when their last failure was answered (a failure counts against the message only if another send was accepted since) */
  private readonly triedAt = new Map<number, number>();
  /** the pass waiting to look again (lookAgain) */
  private look: { chats: Set<string>; resolve: () => void; since: number; kicked?: ReturnType<typeof setTimeout> } | undefined;
  private idleWaiters: Array<() => void> = [];
  /** wall time after which a drain stops taking rows (a Worker's invocation has a time budget) */
  private until: number | undefined;
  /** rows at or below this id are not this sender's (the sandbox never delivers what Lark mode queued) */
  private floor = 0;
  /** rows this process queued already claimed (handOver), in order, until each is sent or left to its lease */
  private handed: HandedRow[] = [];
  /**
   * A handover was refused (the app's send window full, or the cap on rows in memory reached): replies wait in the
   * database, and until a pass finds nothing due there, later replies are queued behind them as plain rows, oldest
   * first, rather than overtake them from memory (in their own chat, or in the app's window).
   */
  private backlog = false;
  /**
   * Refused handovers whose plain rows are not committed yet (Bot.commit calls `plainQueued` once they are): until
   * then a pass that finds nothing due has not seen them, and must not end the backlog.
   */
  private unlanded = 0;

  constructor(
    private readonly dbh: DbHandle,
    private readonly messenger: Messenger,
    private readonly log: Log,
    opts: SenderOptions = {},
    /** wall time for rate limits and backoff: these are about Lark's clock, not the campaign's */
    private readonly wall: () => number = Date.now,
  ) {
    this.limiter = new RateLimiter(opts.limits ?? larkLimits);
    this.clock = opts.clock ?? { now: () => new Date(this.wall()) };
    this.opts = {
      concurrency: opts.concurrency ?? 20,
      maxAttempts: opts.maxAttempts ?? 12,
      baseBackoffMs: opts.baseBackoffMs ?? 500,
      maxBackoffMs: opts.maxBackoffMs ?? 60_000,
      leaseMs: opts.leaseMs ?? 60_000,
      pressure: opts.pressure,
    };
  }

  /** Runs in the background: drains at once when kicked, and polls every second for retries and other writers. */
  start(): void {
    if (this.closed) throw new Error('a stopped sender does not start again: make a new one');
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      void this.kick();
      this.timer = setTimeout(tick, 1000);
    };
    tick();
  }

  /**
   * Stops promptly (a deploy's SIGTERM): the sends under way end, nothing more is sent, and the rows handed over but
   * not sent go back to the database as never tried, so the next start sends them at once instead of after their
   * lease. What was still due waits in the outbox for the next start; `drain` first to deliver it (`duban job run`).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.draining;
    // (a drain that failed has ended while its sends may still be under way)
    while (this.inFlight > 0) await this.waitSlot();
    await this.release(this.handed.splice(0).map((r) => r.id));
  }

  /** Rows handed over and never sent go back to the database as never tried, for the next start to send at once. */
  private async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    // (attempts 1 and 'sending': as the handling's commit wrote it; a sender that took it since changed both)
    await this.dbh.db
      .update(outbox)
      .set({ status: 'pending', attempts: 0, leaseUntil: 0, nextAttemptAt: 0 })
      .where(and(inArray(outbox.id, ids), eq(outbox.status, 'sending'), eq(outbox.attempts, 1)));
  }

  /** From now on only rows queued after row `id` are delivered: the sandbox leaves Lark mode's rows for Lark. */
  deliverOnlyAfter(id: number): void {
    this.floor = id;
  }

  /**
   * The lease for rows queued already claimed by this sender, or undefined when it takes none now: stopped, its cap
   * on rows in memory reached, its app window full, or rows waiting in the database since one of those (`backlog`).
   * A reply queued this way skips the read back and the claim: the handling's commit writes it as this sender's, and
   * `handOver` gives it the row. When refused, the caller queues plain rows and calls `plainQueued` once their commit
   * has ended (committed or not).
   */
  leaseForHandOver(): number | undefined {
    const now = this.wall();
    const taken = this.handed.length + this.inFlight;
    if (this.closed || this.backlog || taken >= this.opts.concurrency * HANDED_PER_SEND || this.limiter.appRoom(now) <= taken) {
      this.backlog = true;
      this.unlanded++;
      return undefined;
    }
    return now + this.opts.leaseMs;
  }

  /** The plain rows of a refused handover are committed (or their commit failed): see `leaseForHandOver`. */
  plainQueued(): void {
    this.unlanded--;
  }

  /** The backlog ends when a pass finds nothing due, and every refused handover's rows had been committed before it looked. */
  private endBacklog(landedBefore: boolean, dueNow: number): void {
    if (landedBefore && this.unlanded === 0 && dueNow === 0) this.backlog = false;
  }

  /** Rows committed already claimed (leaseForHandOver): sent at once, in order, under the same limits as the rest. */
  handOver(rows: HandedRow[]): void {
    if (rows.length === 0) return;
    // A handling that took its lease before the stop, and committed after it: its rows go back at once.
    if (this.closed) {
      void this.release(rows.map((r) => r.id)).catch((err: unknown) => this.log.error('outbox release failed: the rows wait for their lease', { error: String(err) }));
      return;
    }
    this.handed.push(...rows);
    void this.kick();
  }

  /** Starts a drain, or asks the running one to look again. */
  kick(): Promise<void> {
    if (this.draining) {
      this.again = true;
      // A pass waiting for sends to end looks again within KICK_LOOK_MS: a new row must not wait for another chat's
      // slow send, and under load the rows of many kicks go in one pass.
      const look = this.look;
      if (look && !look.kicked) {
        look.kicked = setTimeout(() => this.endLook(look), Math.max(0, look.since + KICK_LOOK_MS - this.wall()));
      }
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

  /**
   * Delivers what is due now, but takes no new row after `budgetMs`: a Worker's invocation must end, and rows left over
   * (rate limited, waiting for a retry) are the next invocation's. Sends already under way are awaited.
   */
  async deliverWithin(budgetMs: number): Promise<void> {
    this.until = this.wall() + budgetMs;
    try {
      await this.kick();
    } finally {
      this.until = undefined;
    }
  }

  /**
   * Delivers everything due until nothing is left to do now (rows waiting for a retry time stay queued), or until the
   * timeout; returns at once after stop(), which sends nothing more.
   */
  async drain(timeoutMs = 120_000): Promise<void> {
    if (this.closed) return;
    const until = this.wall() + timeoutMs;
    for (;;) {
      await this.kick();
      const left = await this.pendingCount();
      if (left === 0 || this.wall() > until) return;
      const next = await this.nextDueIn();
      // (rows waiting behind their chat's head are due at 0: not before 50 ms)
      await sleep(Math.min(Math.max(next, 50), 1000));
    }
  }

  async pendingCount(): Promise<number> {
    const r = await this.dbh.db
      .select({ n: sql<number>`count(*)` })
      .from(outbox)
      .where(and(inArray(outbox.status, ['pending', 'sending']), gt(outbox.id, this.floor)));
    return Number(r[0]?.n ?? 0);
  }

  private async nextDueIn(): Promise<number> {
    const r = await this.dbh.db
      .select({ t: sql<number>`min(${outbox.nextAttemptAt})` })
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), gt(outbox.id, this.floor)));
    const t = Number(r[0]?.t ?? 0);
    return t - this.wall();
  }

  /**
   * The rows due now, oldest first, without their content (a backlog of thousands of cards must not be read every
   * pass): the content is read by id when a row is sent. Two queries, each on the (status, next_attempt_at) index.
   */
  private async dueRows(now: number, limit: number): Promise<DueRow[]> {
    const pending: DueRow[] = await statements(this.dbh.db).duePending.all({ now, floor: this.floor, limit });
    // a row claimed by a sender that died: its lease ran out
    const orphaned: DueRow[] = await statements(this.dbh.db).orphaned.all({ now, floor: this.floor, limit });
    if (orphaned.length === 0) return pending;
    return [...orphaned, ...pending].sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id).slice(0, limit);
  }

  /** The head of each chat the rows go to (chat_id, or else the target): the row that goes next there, from any sender. */
  private async chatHeads(rows: DueRow[]): Promise<Map<string, { id: number | null; then: number | null }>> {
    const keys = [...new Set(rows.map((r) => r.chatId ?? r.target))];
    const found = await statements(this.dbh.db).chatHeads.all({ keys: JSON.stringify(keys), floor: this.floor });
    return new Map(found.map((r) => [r.key, r]));
  }

  private endLook(look: NonNullable<Sender['look']>): void {
    if (this.look !== look) return;
    this.look = undefined;
    clearTimeout(look.kicked);
    look.resolve();
  }

  /** Resolves once a send to one of `chats` is done, or every send is, or KICK_LOOK_MS after a kick. */
  private lookAgain(chats: Set<string>): Promise<void> {
    // (a send to one of them may have ended while the pass was still handing out rows)
    if (this.inFlight === 0 || [...chats].some((c) => !this.sendingTo.has(c))) return Promise.resolve();
    return new Promise((resolve) => {
      this.look = { chats, resolve, since: this.wall() };
    });
  }

  /**
   * Takes a due row, only if no other sender changed it since it was read, and answers it with its content from
   * outbox_content (one UPDATE … RETURNING). On better-sqlite3 the claims of one pass are committed together (group
   * commit).
   */
  private async claim(row: DueRow, now: number): Promise<OutboxRow | undefined> {
    const stmt = statements(this.dbh.db).claim;
    const params = { id: row.id, status: row.status, was: row.attempts, attempts: row.attempts + 1, leaseUntil: now + this.opts.leaseMs };
    const [claimed] = this.dbh.grouped ? await this.dbh.grouped(() => stmt.all(params)) : await stmt.all(params);
    // (a row is queued with its content in one commit; should it have none, Lark refuses the empty message and the row
    // fails as any refused message does)
    return claimed && { ...claimed, content: claimed.content ?? '' };
  }

  /** Passes until nothing more can go now and no send is under way; a kick meanwhile makes it look again. */
  private async drainOnce(): Promise<void> {
    for (;;) {
      await this.passes();
      if (this.inFlight === 0) return;
      // Sends still under way: look again once they are all done, or soon after a kick. (Waiting for them alone, a row
      // queued after a kick that had found nothing new waited for another chat's slow send, up to its timeout.)
      await this.lookAgain(new Set());
    }
  }

  private async passes(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const now = this.wall();
      if (this.until !== undefined && now > this.until) return;
      // Rows handed over go first, from a copy: each stays in `handed` until it is sent or left to its lease, so one
      // this pass does not send keeps its place ahead of rows handed over meanwhile. A row whose lease is half gone
      // is left to the lease: once it runs out, the row is taken as a dead sender's (dueRows), never sent twice.
      const fresh = (r: HandedRow) => r.leaseUntil - this.wall() > this.opts.leaseMs / 2;
      this.handed = this.handed.filter(fresh);
      const handed = [...this.handed];
      const done = (r: HandedRow) => {
        const k = this.handed.indexOf(r);
        if (k >= 0) this.handed.splice(k, 1);
      };
      // Read only as many rows as the app-wide limits let go now (and some more, for chats at their own limit):
      // with a backlog far beyond 50/s, a pass costs what it sends, not what is waiting.
      const room = this.limiter.appRoom(now);
      const landed = this.unlanded === 0;
      if (room === 0) {
        if (handed.length === 0 && (await this.dueRows(now, 1)).length === 0) return this.endBacklog(landed, 0);
        await sleep(Math.min(Math.max(this.limiter.appWaitMs(now), 5), 1000));
        continue;
      }
      const due = await this.dueRows(now, Math.min(500, room * 4 + 20));
      this.endBacklog(landed, due.length);
      const rows: Array<DueRow & { row?: HandedRow }> = [...handed.map((row) => ({ ...row, attempts: 0, row })), ...due];
      if (rows.length === 0) return;
      // A chat's messages in order: only its head goes (its oldest unsent row, dueRows and chatHeads), one at a time.
      const heads = await this.chatHeads(rows);
      const blockedChats = new Set<string>();
      /** chats whose next row waits for their send under way */
      const waiting = new Set<string>();
      let progressed = false;
      let limited = false;
      for (const row of rows) {
        if (this.until !== undefined && this.wall() > this.until) break;
        const chatKey = row.chatId ?? row.target;
        if (blockedChats.has(chatKey)) continue;
        if (this.sendingTo.has(chatKey)) {
          waiting.add(chatKey);
          continue;
        }
        const head = heads.get(chatKey);
        // (a row that no longer holds its chat may go too, pending or left by a dead sender, as dueRows reads it)
        if (head?.id !== row.id && row.holdLeft !== 0) continue;
        while (this.inFlight >= this.opts.concurrency) await this.waitSlot();
        await this.giveWay();
        if (this.closed) break;
        // The app is at its limit: no other row can go either; look again when the window has room.
        if (this.limiter.appWaitMs(this.wall()) > 0) {
          limited = true;
          break;
        }
        // a handed row that waited here past half its lease is left to the lease, as at the start of the pass
        if (row.row && !fresh(row.row)) {
          done(row.row);
          continue;
        }
        const wait = this.limiter.tryTake(chatKey, this.wall());
        if (wait > 0) {
          // This chat is at its limit: let other chats go first, come back for it later.
          limited = true;
          blockedChats.add(chatKey);
          if (wait > 200) continue;
          await sleep(wait);
          if (this.closed) break;
          if (this.limiter.tryTake(chatKey, this.wall()) > 0) continue;
          blockedChats.delete(chatKey);
        }
        // Claimed and sent without holding up the pass: the claims of one pass share one commit. A handed row was
        // claimed by the commit that queued it.
        progressed = true;
        this.inFlight++;
        this.sendingTo.add(chatKey);
        // another row waits behind this one in its chat (in memory, or in the database): look again when it is sent
        if (head?.then != null) waiting.add(chatKey);
        if (row.row) done(row.row);
        const claimedAt = this.wall();
        void (row.row ? Promise.resolve(row.row) : this.claim(row, claimedAt))
          .then((claimed) => {
            if (claimed) return this.deliverOne(row, claimed, claimedAt);
            this.triedAt.delete(row.id); // another sender has it
          })
          // A claim or a mark that fails (the database busy) leaves the row to its lease or to the next pass; it must not
          // end the process as an unhandled rejection.
          .catch((err: unknown) => this.log.error('outbox send failed', { outbox_id: row.id, error: String(err) }))
          .finally(() => {
            this.limiter.answered(chatKey, this.wall());
            this.inFlight--;
            this.sendingTo.delete(chatKey);
            this.idleWaiters.shift()?.();
            const look = this.look;
            if (look && (this.inFlight === 0 || look.chats.has(chatKey))) this.endLook(look);
          });
      }
      // Look again once a send is done whose chat has a row waiting for it, or once every send is done: one slow send
      // holds back only its own chat.
      if (this.inFlight > 0) {
        await this.lookAgain(waiting);
        continue;
      }
      // Every row waits behind an older one of its chat (a retry, or another sender's lease): the sender's poll and
      // the next kick look again.
      if (!progressed && !limited) return;
      // Everything due is waiting on a limit window: wait a little, look again.
      if (!progressed) await sleep(Math.min(Math.max(this.limiter.appWaitMs(this.wall()), 50), 1000));
    }
  }

  /**
   * While the server has many requests to answer, wait for them (up to MAX_YIELD_MS, BURST_YIELD_MS in a burst):
   * answers come first.
   */
  private async giveWay(): Promise<void> {
    const started = Date.now();
    while ((this.opts.pressure?.yieldMs() ?? 0) > Date.now() - started) await sleep(2);
  }

  private waitSlot(): Promise<void> {
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async deliverOne(due: DueRow, row: OutboxRow, startedAt: number): Promise<void> {
    const result = await this.messenger.deliver({
      kind: row.kind,
      target: row.target,
      targetType: row.targetType,
      msgType: row.msgType,
      content: row.content,
      uuid: row.dedupeKey,
    });
    const now = this.wall();
    const before = this.triedAt.get(row.id);
    this.triedAt.delete(row.id);
    if (result.ok) {
      this.lastOkAt = now;
      const sent = { id: row.id, sentAt: new Date(now).toISOString(), messageId: result.messageId ?? null, chatId: row.chatId ?? result.chatId ?? null };
      const markSent = statements(this.dbh.db).markSent;
      // better-sqlite3: committed with the other sends and events of this turn (group commit)
      if (this.dbh.grouped) await this.dbh.grouped(() => markSent.run(sent));
      else await markSent.run(sent);
      return;
    }
    // A card refused for one unknown @ id goes again without it; the office is told whose id is wrong.
    if (row.msgType === 'interactive' && isInvalidMention(result.error) && (await dropInvalidMentions(this.dbh, row, result.error, this.clock.now()))) {
      this.log.warn('card refused for an unknown @ id: sent again without it', { outbox_id: row.id, key: row.dedupeKey });
      this.again = true;
      return;
    }
    const attempts = due.attempts + 1; // the attempt the claim counted (for a handed row: the commit that queued it)
    // Lark refused the app itself (its credentials, this server's IP; the messenger says what to fix): the message waits
    // as in an outage, holding its chat's order.
    const isRateLimit = result.retryAfterMs !== undefined || /99991400|230020|^429/.test(result.error) || result.setup !== undefined;
    // Lark down, overloaded or limiting us says nothing about the message: it waits (backoff capped at maxBackoffMs)
    // for as long as the outage lasts. Only a retryable answer about the message itself runs out of attempts.
    if (result.retry && (isRateLimit || result.transient || attempts < this.opts.maxAttempts)) {
      const backoff = Math.min(this.opts.maxBackoffMs, this.opts.baseBackoffMs * 2 ** Math.min(attempts - 1, 10));
      // Full jitter spreads retries so a recovering Open Platform is not hit by every row at once.
      const delay = Math.max(result.retryAfterMs ?? 0, Math.floor(backoff / 2 + (Math.random() * backoff) / 2));
      // About this message, not Lark: another send was accepted since this one's previous attempt began (or this one
      // began, for a first failure). An outage or a rate limit holds the chat for as long as it lasts.
      // After RELEASE_ANYWAY_ATTEMPTS with no proof either way (a chat alone in sending, Lark refusing its head), the
      // chat is released all the same: a lone chat is not held for ever by one message.
      const aboutMessage = !isRateLimit && this.lastOkAt > (before ?? startedAt);
      const release = !isRateLimit && attempts >= RELEASE_ANYWAY_ATTEMPTS;
      // (when this failure was answered: each send accepted before it counts for one failure at most)
      this.triedAt.set(row.id, now);
      await this.dbh.db
        .update(outbox)
        .set({ status: 'pending', nextAttemptAt: now + delay, lastError: result.error.slice(0, 500), ...(release ? { holdLeft: 0 } : aboutMessage ? { holdLeft: sql`max(${outbox.holdLeft} - 1, 0)` } : {}) })
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
