// The inbox/outbox transaction around the pipeline: an accepted event is a row first, handled after the HTTP answer,
// and its replies are queued in the same atomic write that marks it handled. Every delivery is a row; the first copy of
// an event whose handling starts claims it (inbox_claims), and a redelivery is marked 'redelivered'. An event stored but
// not handled (crash, or a group message waiting for the bot to know its open_id) is handled later; the reply's dedupe
// key (the message id) means a second handling never shows a second reply.
import { and, count, eq, gt, isNull, lt } from 'drizzle-orm';
import QuickLRU from 'quick-lru';
import type { AnyCommand } from '../commands/define.js';
import type { DbHandle } from '../db/client.js';
import { inbox, outbox } from '../db/schema.js';
import { statements } from '../db/statements.js';
import { stopwatch, type Clock } from './core/clock.js';
import { textContent } from './lark/cards.js';
import { toChatMessage, type ChatMessage } from './lark/events.js';
import type { CardAction, LarkEvent } from './lark/inbound.js';
import type { Messenger } from './lark/messenger.js';
import type { Log } from './log.js';
import type { Outgoing } from './outbox.js';
import { queueClaimedStatement, queueStatements, type HandedRow } from './outbox.js';
import { commandOfClick } from './pipeline/card-actions.js';
import { createPipeline, type Pipeline } from './pipeline/index.js';
import { botAdded, botRemoved } from './pipeline/membership.js';

export type { LarkEvent } from './lark/inbound.js';

/** The event_ids a process remembers having stored (Bot.recent): Lark pushes again within 7 hours, mostly 15 s on. */
export const RECENT_EVENTS = 10_000;

/**
 * At most RECENT_EVENTS keys, and at least the last half of them (quick-lru: two generations of Maps, the older dropped
 * whole once the newer holds RECENT_EVENTS / 2), each remembered in O(1). A Set trimmed one key at a time from its
 * front, as before, walked the holes its deletes left: 7 µs a remember once full (`.exp/lru.mjs`), twice an event.
 */
function recentMap<V>(): QuickLRU<string, V> {
  return new QuickLRU<string, V>({ maxSize: RECENT_EVENTS / 2 });
}

/** Plain data a short-lived core may inherit from the one before (on Workers: per isolate, no promises). */
export interface Memo {
  botOpenId?: string;
}

export interface BotDeps {
  dbh: DbHandle;
  clock: Clock;
  messenger: Messenger;
  log: Log;
  commands?: readonly AnyCommand[];
  memo?: Memo;
  /** told when rows were queued, so they can be delivered now (the core decides how) */
  queued?(): void;
  /**
   * The sender of this process, when replies may be queued already claimed by it and handed over after the commit
   * (Node: the sender outlives the request); see Sender.leaseForHandOver.
   */
  handOver?: { leaseForHandOver(): number | undefined; plainQueued(): void; handOver(rows: HandedRow[]): void };
}

export type Toast = { toast: { type: 'success' | 'error' | 'info'; content: string } };

export class Bot {
  readonly pipeline: Pipeline;
  private readonly memo: Memo;
  /**
   * Events being handled in this process now. Its handled mark commits a turn after the handling, so a second
   * handling of the same event (the periodic replay of old unhandled events beside the inbox's read-back) would see
   * it unhandled and file its report twice, as a revision.
   */
  private readonly inHand = new Set<string>();
  /**
   * The inbox row of each event this process stored or read back and has not handled yet (recentMap: the last
   * RECENT_EVENTS / 2 at least), so its handling claims and marks that row. An event not in it is matched to its oldest
   * row not handled yet, a walk over the rows not handled (the inbox has no index of event_ids).
   */
  private readonly rows = recentMap<number>();
  /**
   * The event_ids this process stored last (the last RECENT_EVENTS / 2 at least: recentMap): the same event again
   * (Lark pushing it again before its handling claimed it, or the same request replayed) is answered and not stored.
   * Once claimed, the store itself refuses it (db/statements.ts: storeEvent, and recordEvent on D1).
   */
  private readonly recent = recentMap<true>();
  /** the stores under way, by event_id (record) */
  private readonly storing = new Map<string, Promise<number | undefined>>();

  constructor(readonly deps: BotDeps) {
    this.pipeline = createPipeline(deps);
    this.memo = deps.memo ?? {};
  }

  get commands(): readonly AnyCommand[] {
    return this.pipeline.commands;
  }

  /**
   * Stores an accepted event as the inbox's next row; false when it is not stored, being a redelivery of an event this
   * process stored lately or whose handling started (answer and drop). A redelivery stored all the same (after a
   * restart, before the first copy was claimed) is marked 'redelivered' by its handling.
   */
  async record(eventId: string, eventType: string, body: unknown): Promise<boolean> {
    return (await this.storeRow(eventId, eventType, body)) !== undefined;
  }

  /** record's work: the row's id, or undefined when it was not stored */
  private async storeRow(eventId: string, eventType: string, body: unknown): Promise<number | undefined> {
    if (this.recent.has(eventId)) return undefined;
    // A copy being stored right now (the same push twice at once): this one is dropped once that one is stored, and
    // stored itself if that one failed (its sender was answered with an error and Lark pushes it again).
    for (let other = this.storing.get(eventId); other; other = this.storing.get(eventId)) {
      if ((await other.catch(() => undefined)) !== undefined) return undefined;
    }
    const storing = this.store(eventId, eventType, body);
    this.storing.set(eventId, storing);
    try {
      const id = await storing;
      if (id !== undefined) this.recent.set(eventId, true);
      return id;
    } finally {
      if (this.storing.get(eventId) === storing) this.storing.delete(eventId);
    }
  }

  private async store(eventId: string, eventType: string, body: unknown): Promise<number | undefined> {
    // the one write on the answer path, prepared once (db/statements.ts)
    const { recordEvent, storeEvent } = statements(this.deps.dbh.db);
    const row = { eventId, eventType, receivedAt: this.deps.clock.now().toISOString(), payload: JSON.stringify(body) };
    const { grouped } = this.deps.dbh;
    let id: number | undefined;
    if (grouped) {
      // Group commit: the events that arrive in one turn of the event loop are stored by one transaction; each is
      // answered once that transaction committed. better-sqlite3 runs synchronously: the run's rowid is this row's.
      id = await grouped(() => {
        const res = storeEvent.run(row);
        return res.changes === 1 ? Number(res.lastInsertRowid) : undefined;
      });
    } else {
      const [stored] = await recordEvent.all(row);
      id = stored && Number(stored.id);
    }
    if (id === undefined) return undefined;
    if (!this.rows.has(eventId)) this.rows.set(eventId, id);
    return id;
  }

  /** How many events are stored and not marked handled. */
  async unhandledCount(): Promise<number> {
    const [row] = await this.deps.dbh.db.select({ n: count() }).from(inbox).where(isNull(inbox.handledAt));
    return row?.n ?? 0;
  }

  /** Events stored but never marked handled, oldest first; `before` keeps out those another request is handling now. */
  async unhandled(opts: { before?: Date; limit?: number } = {}): Promise<LarkEvent[]> {
    const where = opts.before ? and(isNull(inbox.handledAt), lt(inbox.receivedAt, opts.before.toISOString())) : isNull(inbox.handledAt);
    const q = this.deps.dbh.db.select({ id: inbox.id, payload: inbox.payload }).from(inbox).where(where).orderBy(inbox.id);
    const rows = opts.limit ? await q.limit(opts.limit) : await q;
    return rows.map((r) => this.held(r.id, r.payload));
  }

  /** an event read from the inbox row `id`, kept with it for its handling */
  private held(id: number, payload: string): LarkEvent {
    const ev = JSON.parse(payload) as LarkEvent;
    // (a copy read before it keeps its place: the first copy is the one handled)
    if (!this.rows.has(ev.header.event_id)) this.rows.set(ev.header.event_id, Number(id));
    return ev;
  }

  /**
   * Events not marked handled that were stored after the one at `seq` (the inbox row's id, in the order they were
   * stored), oldest first, each with its `seq`: the handler thread reads the inbox this way (src/handler-thread.ts).
   */
  async unhandledAfter(seq: number, limit: number): Promise<Array<{ seq: number; ev: LarkEvent }>> {
    const rows = await this.deps.dbh.db
      .select({ seq: inbox.id, payload: inbox.payload })
      .from(inbox)
      .where(and(isNull(inbox.handledAt), gt(inbox.id, seq)))
      .orderBy(inbox.id)
      .limit(limit);
    return rows.map((r) => ({ seq: Number(r.seq), ev: this.held(r.seq, r.payload) }));
  }

  /**
   * Handles one stored event; answers its outcome ('waiting' leaves it in the inbox for a later try; 'already' when it
   * was handled, or is being handled in this process now).
   */
  async handle(ev: LarkEvent): Promise<string> {
    const eventId = ev.header.event_id;
    if (this.inHand.has(eventId)) return 'already';
    this.inHand.add(eventId);
    try {
      return await this.handleOnce(ev);
    } finally {
      this.inHand.delete(eventId);
    }
  }

  private async handleOnce(ev: LarkEvent): Promise<string> {
    const elapsed = stopwatch();
    const eventId = ev.header.event_id;
    const id = await this.rowOf(ev);
    if (id === undefined) return 'already';
    // A second handling of the same row (replay after a crash) is a no-op once it was marked handled.
    const [row] = await statements(this.deps.dbh.db).handledAt.all({ id, eventId });
    if (!row || row.h) return 'already';
    // Another copy of this event (Lark pushing again what it had no answer to) claimed it first: this one does nothing.
    // A click is claimed before it runs, as handleCardAction claims it. On D1 every event is claimed before it runs;
    // otherwise on Node the claim read with the row decides, and is written with the mark (see claim).
    const eager = ev.header.event_type === 'card.action.trigger' || !this.deps.dbh.grouped;
    if (!(eager ? await this.claim(eventId, id) : row.holder === null || Number(row.holder) === id)) {
      await this.commit(id, eventId, [], 'redelivered');
      this.deps.log.info('event', { event_id: eventId, type: ev.header.event_type, outcome: 'redelivered' });
      return 'already';
    }
    let outcome = 'unsupported';
    let out: Outgoing[] = [];
    let command: string | undefined;
    let campaignId: number | undefined;
    try {
      switch (ev.header.event_type) {
        case 'im.message.receive_v1': {
          const botId = await this.botOpenId();
          const msg = toChatMessage(eventId, ev.event, botId);
          if (!msg) outcome = 'ignored';
          else {
            const turn = await this.pipeline.run(msg, { botKnown: Boolean(botId) });
            ({ outcome, out } = turn);
            command = turn.matched?.command.name;
            campaignId = turn.org?.campaign.id;
          }
          break;
        }
        case 'im.chat.member.bot.added_v1':
          outcome = await botAdded(this.deps.dbh, eventId, String(ev.event?.chat_id ?? ''), out);
          break;
        case 'card.action.trigger':
          // A click stored but not handled (the process stopped between the two): run now, its reply into the chat.
          ({ outcome, out } = await this.clickTurn(ev));
          break;
        case 'im.chat.member.bot.deleted_v1':
          outcome = await botRemoved(this.deps.dbh, String(ev.event?.chat_id ?? ''));
          break;
      }
    } catch (err) {
      outcome = 'error';
      this.deps.log.error('event failed', { event_id: eventId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
    if (outcome === 'waiting') {
      this.deps.log.warn('group message waits: the bot does not know its own open_id yet', { event_id: eventId });
      return outcome;
    }
    await this.commit(id, eventId, out, outcome);
    this.deps.log.info('event', { event_id: eventId, type: ev.header.event_type, campaign: campaignId, command, outcome, ms: elapsed() });
    return outcome;
  }

  /**
   * A card button click (card.action.trigger): the button names an action and its object, mapped to the command it
   * stands for (pipeline/card-actions.ts) and run through the same pipeline as a typed message, with the clicker's roles.
   * Answers the toast Lark shows to the clicker; the command's reply is posted into the chat.
   */
  async handleCardAction(ev: LarkEvent): Promise<Toast> {
    const eventId = ev.header.event_id;
    // Being handled here: a read-back of the inbox meanwhile leaves it alone (see handle).
    if (this.inHand.has(eventId)) return { toast: { type: 'info', content: '已处理 / already done' } };
    this.inHand.add(eventId);
    try {
      // A click Lark pushed again (no answer from us in 3 s) runs once: not stored when this process stored it or it
      // is claimed; else the row stored here claims it before it runs (eagerly on Node too: the handler thread, or
      // the minute's replay, may read a click left in the inbox by a restart while Lark's push of it comes here).
      const id = await this.storeRow(eventId, ev.header.event_type, ev);
      if (id === undefined) return { toast: { type: 'info', content: '已处理 / already done' } };
      this.rows.delete(eventId);
      if (!(await this.claim(eventId, id))) {
        await this.commit(id, eventId, [], 'redelivered');
        return { toast: { type: 'info', content: '已处理 / already done' } };
      }
      // A click that fails is marked so, as a message is (handleOnce): never run again by a later replay.
      const turn = await this.clickTurn(ev).catch((err: unknown) => {
        this.deps.log.error('card action failed', { event_id: eventId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        return { toast: { type: 'error' as const, content: '处理失败，请稍后重试 / failed, try again later' }, outcome: 'error', out: [] as Outgoing[] };
      });
      await this.commit(id, eventId, turn.out, turn.outcome);
      this.deps.log.info('card action', { event_id: eventId, outcome: turn.outcome });
      return { toast: turn.toast };
    } finally {
      this.inHand.delete(eventId);
    }
  }

  /** A click's command run through the pipeline: its toast, outcome and replies (not yet committed). */
  private async clickTurn(ev: LarkEvent): Promise<{ toast: Toast['toast']; outcome: string; out: Outgoing[] }> {
    const eventId = ev.header.event_id;
    const e = ev.event as CardAction;
    const chatId = e.context.open_chat_id;
    const click = commandOfClick(e.action.value, e.action.form_value);
    if (!click.ok) {
      this.deps.log.warn('card click refused', { event_id: eventId, reason: click.reason });
      const toast = { type: 'error' as const, content: click.tell ?? '此按钮已失效，请重新发送命令 / This button is outdated; send the command again' };
      // A form refused for what was typed in it (a metric that is not a number) says why in the chat too: a toast fades.
      const out: Outgoing[] = click.tell ? [{ kind: 'send', target: chatId, targetType: 'chat_id', chatId, dedupeKey: `card:${eventId}:0`, msgType: 'text', content: textContent(click.tell) }] : [];
      return { toast, outcome: 'refused_click', out };
    }
    // Each click is its own action: the card's message id would make a second click look like a redelivery.
    const msg: ChatMessage = { eventId, messageId: `card_${eventId}`, chatId, chatType: 'group', senderOpenId: e.operator.open_id, senderType: 'user', text: click.text, mentionsBot: true, mentions: [] };
    const turn = await this.pipeline.run(msg, { botKnown: true });
    const first = turn.out[0]?.content as { text?: string } | undefined;
    const toast: Toast['toast'] = turn.outcome === 'ok' ? { type: 'success', content: '已完成 / done' } : { type: 'error', content: (first?.text ?? '无法处理').slice(0, 80) };
    // The reply goes into the chat as a new message (there is no user message to reply to).
    const out = turn.out.map((m, i) => ({ ...m, kind: 'send' as const, target: chatId, targetType: 'chat_id' as const, dedupeKey: `card:${eventId}:${i}` }));
    return { toast, outcome: turn.outcome, out };
  }

  /** The bot's own open_id, fetched once and kept as plain data (a Worker's next request inherits it). */
  async botOpenId(): Promise<string | undefined> {
    return (this.memo.botOpenId ??= await this.deps.messenger.botOpenId());
  }

  /** Rows queued but not yet delivered, for health and tests. */
  async pendingReplies(): Promise<number> {
    const r = await this.deps.dbh.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'));
    return r.length;
  }

  /** The inbox row of an event (see `rows`); undefined when no row of it waits to be handled. */
  private async rowOf(ev: LarkEvent): Promise<number | undefined> {
    const known = this.rows.peek(ev.header.event_id);
    this.rows.delete(ev.header.event_id);
    if (known !== undefined) return known;
    const [row] = await statements(this.deps.dbh.db).unhandledRow.all({ eventId: ev.header.event_id });
    return row ? Number(row.id) : undefined;
  }

  /**
   * Claims the handling of `eventId` for the inbox row `id` now, before anything is done: true when this row may handle
   * it, false when another copy of the event claimed it first. On D1 (Workers, where two requests can handle copies at
   * once), and for card clicks (the main thread runs them as they come, a handler thread or replay may read one from
   * the inbox). Otherwise on Node, where a process handles one copy of a message at a time (`inHand`, and a handler
   * thread handles every message), the handling only looks (the claim is read with the row's handled-at), and the
   * claim is written with the mark (commit): no commit of its own for each event handled (about 50 µs of CPU an event).
   * Two Node servers on one database file can therefore both handle a message Lark pushed to each (README, "one
   * server").
   */
  private async claim(eventId: string, id: number): Promise<boolean> {
    const { dbh } = this.deps;
    const st = statements(dbh.db).claimEvent;
    const row = { eventId, inboxId: id, at: this.deps.clock.now().toISOString() };
    const [holder] = dbh.grouped ? await dbh.grouped(() => st.all(row) as unknown as Array<{ inboxId: number }>) : await st.all(row);
    return Number(holder?.inboxId) === id;
  }

  /** Queues the replies and marks the inbox row `id` handled, in one atomic write. */
  private async commit(id: number, eventId: string, out: Outgoing[], outcome: string): Promise<void> {
    const now = this.deps.clock.now();
    const { dbh } = this.deps;
    if (dbh.grouped) {
      // better-sqlite3: prepared statements, committed with whatever else this turn writes (group commit)
      const { markHandled: mark, writeClaim } = statements(dbh.db);
      // On Node the replies are queued as the sender's own and handed to it once committed: it sends them without
      // reading them back (Sender.handOver). Otherwise they are plain rows the sender finds.
      const sender = this.deps.handOver;
      const leaseUntil = out.length ? sender?.leaseForHandOver() : undefined;
      // Refused: the sender keeps later replies behind these until they are committed and it has seen them, so it is
      // told once their commit has ended, however it ended (building a row can throw too).
      const refused = out.length > 0 && leaseUntil === undefined ? sender : undefined;
      let claimed: Array<{ run(): HandedRow[] }> | undefined;
      let handed: HandedRow[];
      try {
        claimed = leaseUntil === undefined ? undefined : out.map((m) => queueClaimedStatement(dbh, m, now, leaseUntil));
        const plain = claimed ? [] : out.flatMap((m) => queueStatements(dbh, m, now));
        handed = await dbh.grouped(() => {
          for (const q of plain) q.run();
          const rows = claimed?.flatMap((q) => q.run()) ?? [];
          // the event's claim (see claim), kept by the copy that claimed it first
          writeClaim.run({ eventId, inboxId: id, at: now.toISOString() });
          mark.run({ id, at: now.toISOString(), outcome });
          return rows;
        });
      } finally {
        refused?.plainQueued();
      }
      if (claimed) return sender!.handOver(handed);
    } else {
      await dbh.atomic([
        ...out.flatMap((m) => queueStatements(dbh, m, now)),
        dbh.db.update(inbox).set({ handledAt: now.toISOString(), outcome }).where(and(eq(inbox.id, id), isNull(inbox.handledAt))),
      ]);
    }
    if (out.length) this.deps.queued?.();
  }
}
