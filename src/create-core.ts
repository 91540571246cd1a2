// The core of Duban, built the same way on Node, the long connection and Workers (Bolt's App, grammY's Bot): the
// database, clock, messenger, outbox sender, message pipeline (behind the inbox) and job runner. Receivers (webhook,
// long connection, sandbox: src/lark/receivers/) hand it one verified event at a time with `accept`; they know nothing
// else of it. On Node one core lives as long as the process; on Workers one is built per request or invocation, and
// only plain data (the tenant token, the bot's open_id) is carried from one to the next, in `memo`.
import type { DbHandle } from '../db/client.js';
import { jobsWith } from '../jobs/index.js';
import type { JobDef } from '../jobs/define.js';
import { JobRunner } from '../jobs/runner.js';
import { Bot, type Memo, type Toast } from './bot.js';
import type { Config } from './config.js';
import type { Clock } from './core/clock.js';
import { checkEvent, type LarkEvent } from './lark/inbound.js';
import type { Messenger } from './lark/messenger.js';
import type { Log } from './log.js';
import { Sender, type SenderOptions } from './outbox.js';

export interface CoreDeps {
  config: Config;
  dbh: DbHandle;
  clock: Clock;
  log: Log;
  messenger: Messenger;
  sender?: SenderOptions;
  /**
   * Runs work after the receiver has answered, then delivers what it queued: Node's work queue (the sender is kicked
   * when rows are queued), or a Worker's `waitUntil` (which keeps the request alive until delivery is done).
   */
  defer(work: () => Promise<void>): void;
  /** deliver rows the moment they are queued (Node, where the sender outlives the request); a Worker delivers in defer */
  deliverEagerly?: boolean;
  /** plain data kept between short-lived cores (Workers) */
  memo?: Memo;
  jobs?: readonly JobDef[];
  /** how far back the job runner's first tick looks for missed occasions */
  catchUpMs?: number;
  /**
   * A memory budget for events waiting to be handled (Node): past `budget` events in the work queue, new events stay
   * in the inbox only (they are stored before the answer either way) and are read back in batches when the queue is
   * empty. Under any load the process holds at most `budget` waiting events; none is lost or handled twice.
   */
  backlog?: { size(): number; idle(): Promise<void>; budget: number };
  /**
   * The Node server with a handler thread (src/handler-thread.ts): this core answers and stores, and the thread reads
   * the inbox, handles the events and delivers the outbox. Told when events were stored and rows were queued here.
   */
  elsewhere?: { stored(): void; queued(): void };
}

/** What a receiver answers: 200 with Lark's expected body (empty, or a card's toast), or 400 with what was wrong. */
export type Accepted = { status: 200; body: Partial<Toast> } | { status: 400; body: { error: string } };

export interface Core {
  config: Config;
  dbh: DbHandle;
  clock: Clock;
  log: Log;
  messenger: Messenger;
  sender: Sender;
  bot: Bot;
  runner: JobRunner;
  /**
   * One verified event from a receiver: checked, stored, answered; handled after the answer (a card click at once).
   * `wait` handles it before answering (the sandbox page shows the reply with the answer).
   */
  accept(body: unknown, opts?: { wait?: boolean }): Promise<Accepted>;
  /** handles a stored event (the inbox's second half) */
  handle(ev: LarkEvent): Promise<string>;
  /** handles events stored but not handled: left by a crash, or group messages that waited for the bot's open_id */
  replayUnhandled(opts?: { before?: Date; limit?: number }): Promise<number>;
  /**
   * Handles the events the inbox holds unhandled (left by the last run) through the read-back: a budget's worth in
   * memory at a time, and the events that arrive meanwhile after them, as a backlog is worked off while running.
   */
  readBack(): void;
  /** delivers what was queued outside a handled event (an admin job run, a sandbox clock move) */
  deliverSoon(): void;
  /** events wait in the inbox because the work queue was at its budget (CoreDeps.backlog); they are being read back */
  waitingInInbox(): boolean;
  /**
   * Stops taking events from the inbox (the read-back, replays) for a prompt stop: a replay under way ends after the
   * event in hand, and resolves then. Events not handled stay in the inbox for the next start, which reads them back.
   */
  stopTaking(): Promise<void>;
  defer(work: () => Promise<void>): void;
}

export function createCore(deps: CoreDeps): Core {
  const { config, dbh, clock, log, messenger, defer } = deps;
  const memo = deps.memo ?? {};
  const sender = new Sender(dbh, messenger, log, {
    limits: { perSecond: config.SEND_PER_SECOND, perMinute: config.SEND_PER_MINUTE, perChatPerSecond: config.SEND_PER_CHAT_PER_SECOND },
    // the campaign clock dates the office's notice of a wrong @ id (one per person per day)
    clock,
    ...deps.sender,
  });
  const elsewhere = deps.elsewhere;
  const queued = elsewhere ? elsewhere.queued : deps.deliverEagerly ? () => void sender.kick() : undefined;
  // On Node a reply is queued already claimed by this sender and handed to it after the commit (Sender.handOver)
  const handOver = !elsewhere && deps.deliverEagerly && dbh.grouped ? sender : undefined;
  const bot = new Bot({ dbh, clock, messenger, log, memo, queued, handOver });
  const runner = new JobRunner({ dbh, clock, log, messenger, jobs: deps.jobs ?? jobsWith({ retentionDays: config.RETENTION_DAYS }), catchUpMs: deps.catchUpMs, queued });
  // Group messages that came before the bot knew its open_id wait in the inbox; the first handling that knows it
  // sends them through.
  let waiting = false;
  // Past the backlog budget, events wait in the inbox (see CoreDeps.backlog); `spilled` says some do.
  let spilled = false;
  // Set by stopTaking: nothing more is taken from the inbox; `replays` are the replays under way.
  let stopped = false;
  const replays = new Set<Promise<unknown>>();
  // Events being accepted now (a request or long-connection event still before its answer); a stop waits for them.
  let accepting = 0;
  const acceptsEnded: Array<() => void> = [];
  const backlog = deps.backlog;
  // Reads the next batch back from the inbox once the queue is empty. Group messages that wait for the bot's open_id
  // stay unhandled (core.handle sends them through once it is known): a batch that handled nothing ends the read-back.
  const refill = async (handledBefore = 1): Promise<void> => {
    const batch = handledBefore && !stopped ? await bot.unhandled({ limit: backlog!.budget }) : [];
    if (batch.length === 0 || stopped) {
      spilled = false;
      return;
    }
    let handled = 0;
    for (const ev of batch) defer(async () => void ((await core.handle(ev)) !== 'waiting' && handled++));
    void backlog!.idle().then(() => refill(handled));
  };
  /** From now on events wait in the inbox, read back once the queue is empty (`backlog` is set). */
  const spill = (): void => {
    spilled = true;
    void backlog!.idle().then(() => refill());
  };
  const leaveInInbox = (): boolean => {
    if (!backlog) return false;
    if (!spilled && backlog.size() >= backlog.budget) {
      log.warn('events wait in the inbox: the work queue is at its budget', { budget: backlog.budget });
      spill();
    }
    return spilled;
  };

  const acceptOne = async (body: unknown, opts: { wait?: boolean } = {}): Promise<Accepted> => {
    const checked = checkEvent(body);
    if (!checked.ok) {
      log.warn('event refused', { status: 400, reason: checked.problems.join('; ') });
      return { status: 400, body: { error: `bad event: ${checked.problems.join('; ')}` } };
    }
    const ev = checked.event;
    if (ev.header.event_type === 'card.action.trigger') {
      const toast = await bot.handleCardAction(ev);
      defer(async () => {});
      return { status: 200, body: toast };
    }
    // Stored before we answer; handled after. A redelivery (same event_id) is answered and dropped.
    if (await bot.record(ev.header.event_id, ev.header.event_type, ev)) {
      if (opts.wait) await core.handle(ev);
      else if (elsewhere) elsewhere.stored();
      else if (!leaveInInbox()) defer(() => core.handle(ev).then(() => undefined));
    }
    return { status: 200, body: {} as Partial<Toast> };
  };

  const core: Core = {
    config,
    dbh,
    clock,
    log,
    messenger,
    sender,
    bot,
    runner,
    async accept(body, opts = {}): Promise<Accepted> {
      accepting++;
      try {
        return await acceptOne(body, opts);
      } finally {
        if (--accepting === 0) acceptsEnded.splice(0).forEach((r) => r());
      }
    },
    async handle(ev) {
      const outcome = await bot.handle(ev);
      if (outcome === 'waiting') waiting = true;
      else if (waiting && memo.botOpenId) {
        waiting = false;
        defer(() => core.replayUnhandled().then(() => undefined));
      }
      return outcome;
    },
    async replayUnhandled(opts) {
      if (stopped) return 0;
      const run = (async () => {
        const backlog = await bot.unhandled(opts);
        let handled = 0;
        for (const ev of backlog) {
          if (stopped) break;
          if ((await bot.handle(ev)) !== 'waiting') handled++;
        }
        if (handled) log.info('handled events left unhandled', { count: handled });
        return handled;
      })();
      replays.add(run);
      try {
        return await run;
      } finally {
        replays.delete(run);
      }
    },
    readBack() {
      if (!backlog) return void defer(() => core.replayUnhandled().then(() => undefined));
      if (!spilled) spill();
    },
    deliverSoon() {
      if (elsewhere) elsewhere.queued();
      else defer(async () => {});
    },
    waitingInInbox: () => spilled,
    async stopTaking() {
      stopped = true;
      if (accepting) await new Promise<void>((r) => acceptsEnded.push(r));
      await Promise.allSettled([...replays]);
    },
    defer,
  };
  return core;
}
