// The bot: takes accepted events out of the inbox and acts on them. The HTTP answer never waits for this; an event
// stored but not handled (crash) is handled at the next start, and the reply's dedupe key (the event id) means a
// second handling never shows a second reply.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { commands as allCommands } from '../commands/index.js';
import type { AnyCommand, Ctx, Lang, Reply } from '../commands/define.js';
import type { DbHandle } from '../db/client.js';
import { chats, inbox, outbox, people } from '../db/schema.js';
import { contextFor, speaker } from './context.js';
import { stopwatch, type Clock } from './core/clock.js';
import { card, md, note, textContent } from './lark/cards.js';
import { toChatMessage, type ChatMessage } from './lark/events.js';
import type { Messenger } from './lark/messenger.js';
import type { Log } from './log.js';
import { actorOf, cachedOrg, invalidateOrg, loadOrg, officeContacts, type Org } from './org.js';
import { queueStatement, type Outgoing, type Sender } from './outbox.js';
import { compileWords, matchCommand, runCommand, suggest, type RouteOutcome } from './router.js';
import { mayUse } from '../commands/define.js';
import { asCommandText } from './core/questions.js';
import { likelyReply } from './core/suggest.js';

export interface BotDeps {
  dbh: DbHandle;
  clock: Clock;
  messenger: Messenger;
  sender: Sender;
  log: Log;
  commands?: readonly AnyCommand[];
}

export interface LarkEvent {
  header: { event_id: string; event_type: string };
  event?: Record<string, unknown>;
}

type Resolution =
  | { kind: 'ok'; org: Org; actor: ReturnType<typeof actorOf> }
  | { kind: 'unregistered'; org?: Org }
  | { kind: 'several'; names: string[] };

export class Bot {
  readonly commands: readonly AnyCommand[];
  private readonly patterns;
  private botId: string | undefined;

  constructor(readonly deps: BotDeps) {
    this.commands = deps.commands ?? allCommands;
    this.patterns = compileWords(this.commands);
  }

  /** Stores an accepted event; false when its event_id was seen before (a redelivery: answer and drop). */
  // The one write on the answer path, prepared once: at a thousand events a second, building and preparing the
  // statement for each event costs more than running it.
  private insertInbox?: { run(values: Record<string, unknown>): unknown };

  async record(eventId: string, eventType: string, body: unknown): Promise<boolean> {
    this.insertInbox ??= this.deps.dbh.db
      .insert(inbox)
      .values({ eventId: sql.placeholder('eventId'), eventType: sql.placeholder('eventType'), receivedAt: sql.placeholder('receivedAt'), payload: sql.placeholder('payload') })
      .onConflictDoNothing()
      .prepare();
    const res = await this.insertInbox.run({ eventId, eventType, receivedAt: this.deps.clock.now().toISOString(), payload: JSON.stringify(body) });
    const r = res as { changes?: number; meta?: { changes?: number } };
    return (r.changes ?? r.meta?.changes ?? 0) === 1;
  }

  /** Events stored but never marked handled (the server stopped after answering them), oldest first. */
  async unhandled(): Promise<LarkEvent[]> {
    const rows = await this.deps.dbh.db.select({ payload: inbox.payload }).from(inbox).where(isNull(inbox.handledAt)).orderBy(inbox.receivedAt);
    return rows.map((r) => JSON.parse(r.payload) as LarkEvent);
  }

  async handle(ev: LarkEvent): Promise<void> {
    const elapsed = stopwatch();
    const eventId = ev.header.event_id;
    let outcome = 'ignored';
    const out: Outgoing[] = [];
    let command: string | undefined;
    let campaignId: number | undefined;
    try {
      // A second handling of the same event (replay after a crash) is a no-op once it was marked handled.
      const [row] = await this.deps.dbh.db.select({ h: inbox.handledAt }).from(inbox).where(eq(inbox.eventId, eventId));
      if (row?.h) return;
      switch (ev.header.event_type) {
        case 'im.message.receive_v1': {
          const msg = toChatMessage(eventId, ev.event, await this.botOpenId());
          if (msg) ({ outcome, command, campaignId } = await this.onMessage(msg, out));
          break;
        }
        case 'im.chat.member.bot.added_v1':
          outcome = await this.onAdded(eventId, String(ev.event?.chat_id ?? ''), out);
          break;
        case 'im.chat.member.bot.deleted_v1':
          outcome = await this.onRemoved(String(ev.event?.chat_id ?? ''));
          break;
        default:
          outcome = 'unsupported';
      }
    } catch (err) {
      outcome = 'error';
      this.deps.log.error('event failed', { event_id: eventId, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    }
    const now = this.deps.clock.now();
    const { dbh } = this.deps;
    await dbh.atomic([
      ...out.map((m) => queueStatement(dbh, m, now)),
      dbh.db.update(inbox).set({ handledAt: now.toISOString(), outcome }).where(and(eq(inbox.eventId, eventId), isNull(inbox.handledAt))),
    ]);
    if (out.length) void this.deps.sender.kick();
    this.deps.log.info('event', { event_id: eventId, type: ev.header.event_type, campaign: campaignId, command, outcome, ms: elapsed() });
  }

  async botOpenId(): Promise<string | undefined> {
    return (this.botId ??= await this.deps.messenger.botOpenId());
  }

  private async resolve(chatId: string, openId: string): Promise<Resolution> {
    const { db } = this.deps.dbh;
    const bound = await db.select({ c: chats.campaignId }).from(chats).where(and(eq(chats.chatId, chatId), eq(chats.active, true)));
    const mine = await db.select({ c: people.campaignId, id: people.id }).from(people).where(and(eq(people.openId, openId), eq(people.active, true)));
    let campaignId: number | undefined;
    const boundIds = [...new Set(bound.map((b) => b.c))];
    if (boundIds.length === 1) campaignId = boundIds[0];
    else {
      const ids = [...new Set(mine.map((m) => m.c))];
      if (ids.length > 1) {
        const orgs = await Promise.all(ids.map((id) => loadOrg(db, id)));
        return { kind: 'several', names: orgs.map((o) => o?.campaign.name ?? '') };
      }
      campaignId = ids[0];
    }
    if (campaignId === undefined) return { kind: 'unregistered' };
    const org = await cachedOrg(db, campaignId);
    if (!org) return { kind: 'unregistered' };
    const person = org.people.find((p) => p.openId === openId);
    if (!person) return { kind: 'unregistered', org };
    return { kind: 'ok', org, actor: actorOf(org, person) };
  }

  private async onMessage(msg: ChatMessage, out: Outgoing[]): Promise<{ outcome: string; command?: string; campaignId?: number }> {
    if (msg.senderType !== 'user') return { outcome: 'ignored' };
    // Lark sometimes pushes the same message under a new event_id: the message id is the real identity.
    const seen = await this.deps.dbh.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, `reply:${msg.messageId}`)).limit(1);
    if (seen.length) return { outcome: 'duplicate' };
    // In a group the bot acts only when @-mentioned; Lark delivers unmentioned messages only with the
    // read-all-messages scope, and we still ignore them.
    if (msg.chatType === 'group' && !msg.mentionsBot) return { outcome: 'ignored' };
    // 谁还没报 / 逾期任务有哪些 / 本周谁落后: questions are read as the command they mean (src/core/questions.ts)
    const matched = matchCommand(this.patterns, asCommandText(msg.text, (text) => matchCommand(this.patterns, text) !== undefined));
    const lang: Lang = matched?.lang ?? (/^[\x00-\x7f]*$/.test(msg.text) && msg.text ? 'en' : 'zh');
    const { t } = speaker(lang, 'UTC');
    const reply = (r: Reply) => out.push(...this.replyMessages(msg, r, undefined));

    const who = await this.resolve(msg.chatId, msg.senderOpenId);
    if (who.kind === 'several') {
      reply({ text: t(`您同时在多个专项工作中（${who.names.join('、')}）。请在对应专项的工作群里 @我。`, `You belong to several campaigns (${who.names.join(', ')}). Please @mention me in that campaign's group chat.`) });
      return { outcome: 'ambiguous_campaign' };
    }
    if (who.kind === 'unregistered') {
      const office = who.org ? officeContacts(who.org).map((p) => p.name).join('、') : '';
      const officeUnit = who.org?.unit(who.org.campaign.officeUnitId)?.name;
      const ask = who.org
        ? t(`请联系${officeUnit ? `办公室（${officeUnit}${office ? ' ' + office : ''}）` : '办公室'}把您加入人员名单。`, `Ask the office${office ? ` (${office})` : ''} to add you to the plan.`)
        : t('请联系专项工作办公室把您加入人员名单。', "Ask your task force's office to add you to the plan.");
      reply({ text: t(`您还没有登记在${who.org ? `「${who.org.campaign.name}」的` : ''}人员名单中，暂时不能使用督办。${ask}`, `You are not registered${who.org ? ` in "${who.org.campaign.name}"` : ''} yet, so Duban cannot act for you. ${ask}`) });
      return { outcome: 'unregistered', campaignId: who.org?.campaign.id };
    }
    const { org, actor } = who;
    // The command's own words decide the reply's language; a message no command matched gets the campaign's.
    const ctx: Ctx = {
      ...contextFor({ ...this.deps, log: this.deps.log.child({ event_id: msg.eventId, campaign: org.campaign.id }) }, org, matched ? lang : org.campaign.locale === 'en' ? 'en' : lang),
      actor,
      chat: { id: msg.chatId, type: msg.chatType, messageId: msg.messageId, eventId: msg.eventId },
      commands: this.commands,
    };
    if (!matched && msg.chatType === 'p2p') {
      reply({ text: likelyReply(this.commands.filter((c) => mayUse(c, actor)), msg.text, ctx.t, ctx.lang) });
      return { outcome: 'unknown', campaignId: org.campaign.id };
    }
    if (!matched) {
      const s = suggest(this.patterns, this.commands, msg.text);
      // cut by characters, not UTF-16 units: an emoji is never split in half
      const head = Array.from(msg.text).slice(0, 20).join('');
      const said = msg.text ? ctx.t(`没有看懂「${head}」。`, `I did not understand "${head}".`) : '';
      reply({
        text: s
          ? ctx.t(`${said}您是不是要：${s.command.words.zh[0]}（${s.command.usage.zh}）？发送「帮助」查看全部命令。`, `${said}Did you mean: ${s.command.words.en[0]} (${s.command.usage.en})? Send "help" for all commands.`)
          : ctx.t(`${said}发送「帮助」查看您可以使用的命令。`, `${said}Send "help" for the commands you may use.`),
      });
      return { outcome: 'unknown', campaignId: org.campaign.id };
    }
    const { reply: r, outcome } = await runCommand(ctx, matched, msg);
    if ('file' in r) {
      // A file goes up first (its key is what the message carries), then as a file message after the text.
      const fileKey = await this.deps.messenger.uploadFile(r.file.name, r.file.bytes);
      if (r.text) out.push(...this.replyMessages(msg, { text: r.text }, org.campaign.id));
      out.push({ dedupeKey: `file:${msg.messageId}`, campaignId: org.campaign.id, kind: 'send', target: msg.chatId, chatId: msg.chatId, msgType: 'file', content: { file_key: fileKey } });
    } else out.push(...this.replyMessages(msg, r, org.campaign.id));
    return { outcome: outcome satisfies RouteOutcome, command: matched.command.name, campaignId: org.campaign.id };
  }

  /** A reply is a reply to the user's message, keyed by the message so it is queued once however often it arrives. */
  private replyMessages(msg: ChatMessage, r: Reply, campaignId: number | undefined): Outgoing[] {
    const base = { campaignId, kind: 'reply' as const, target: msg.messageId, chatId: msg.chatId };
    if ('card' in r) return [{ ...base, dedupeKey: `reply:${msg.messageId}`, msgType: 'interactive', content: r.card }];
    if ('file' in r) throw new Error('file replies are sent by the command through the messenger');
    return [{ ...base, dedupeKey: `reply:${msg.messageId}`, msgType: 'text', content: textContent(r.text) }];
  }

  private async onAdded(eventId: string, chatId: string, out: Outgoing[]): Promise<string> {
    if (!chatId) return 'ignored';
    const { db } = this.deps.dbh;
    await db.update(chats).set({ active: true }).where(eq(chats.chatId, chatId)).run();
    invalidateOrg(db);
    const [bound] = await db.select().from(chats).where(eq(chats.chatId, chatId));
    const org = bound ? await loadOrg(db, bound.campaignId) : undefined;
    const where = org
      ? bound!.kind === 'group'
        ? `本群是「${org.group(bound!.groupId)?.name ?? ''}」的工作群。`
        : bound!.kind === 'office'
          ? '本群是办公室群。'
          : '本群是领导小组群。'
      : '本群还没有绑定。办公室同志请 @我 发送「绑定 工作组名称」（或「绑定 办公室」「绑定 领导小组」）。';
    const lines = [
      '我是**督办**，帮大家在群里报送进度专报、管理任务台账、安排会议、按时提醒和通报。',
      where,
      '常用命令（@我 后输入）：',
      '- **汇报** 报送本周进展、存在问题、下一步计划',
      '- **进度** 查看本期谁已报送、谁未报送',
      '- **逾期** 查看逾期未销账的任务',
      '- **任务 新增** 把一项工作加入台账',
    ];
    out.push({
      dedupeKey: `welcome:${eventId}`,
      campaignId: org?.campaign.id,
      kind: 'send',
      target: chatId,
      chatId,
      msgType: 'interactive',
      content: card({ title: org ? `督办 · ${org.campaign.name}` : '督办已加入本群', template: 'turquoise', elements: [md(lines.join('\n')), note('发送「帮助」查看您可以使用的全部命令。')] }),
    });
    return 'welcomed';
  }

  private async onRemoved(chatId: string): Promise<string> {
    if (!chatId) return 'ignored';
    // The binding is kept (the office may add the bot back) but jobs stop posting to it.
    await this.deps.dbh.db.update(chats).set({ active: false }).where(eq(chats.chatId, chatId)).run();
    invalidateOrg(this.deps.dbh.db);
    return 'unbound';
  }

  /**
   * A card button click (card.action.trigger). A button carries the command text it stands for (`{cmd: '任务 销账 T3'}`),
   * which runs through the same router as a typed message, with the clicker's roles: a card never grants more than chat.
   * Answers the toast Lark shows to the clicker; the command's reply is posted into the chat.
   */
  async handleCardAction(ev: LarkEvent): Promise<{ toast: { type: 'success' | 'error' | 'info'; content: string } }> {
    const eventId = ev.header.event_id;
    const e = (ev.event ?? {}) as { operator?: { open_id?: string }; action?: { value?: Record<string, unknown> }; context?: { open_chat_id?: string; open_message_id?: string } };
    const openId = e.operator?.open_id ?? '';
    const chatId = e.context?.open_chat_id ?? '';
    // A button inside a form sends the form's inputs too; `{name}` in the command text is filled from them.
    const form = (e.action as { form_value?: Record<string, unknown> } | undefined)?.form_value ?? {};
    const template = typeof e.action?.value?.cmd === 'string' ? e.action.value.cmd : '';
    const cmd = template.replace(/\{(\w+)\}/g, (_, k: string) => String(form[k] ?? '').replace(/\s+/g, ' ').trim());
    if (!(await this.record(eventId, ev.header.event_type, ev))) return { toast: { type: 'info', content: '已处理 / already done' } };
    const out: Outgoing[] = [];
    // Each click is its own action: the card's message id would make a second click look like a redelivery.
    const msg: ChatMessage = { eventId, messageId: `card_${eventId}`, chatId, chatType: 'group', senderOpenId: openId, senderType: 'user', text: cmd, mentionsBot: true, mentions: [] };
    let toast: { type: 'success' | 'error' | 'info'; content: string } = { type: 'error', content: '无法处理该操作' };
    let outcome = 'ignored';
    try {
      if (cmd) {
        const res = await this.onMessage(msg, out);
        outcome = res.outcome;
        const first = out[0]?.content as { text?: string } | undefined;
        toast = res.outcome === 'ok' ? { type: 'success', content: '已完成 / done' } : { type: 'error', content: (first?.text ?? '无法处理').slice(0, 80) };
      }
    } catch (err) {
      outcome = 'error';
      this.deps.log.error('card action failed', { event_id: eventId, error: String(err) });
    }
    // The reply goes into the chat as a new message (there is no user message to reply to).
    const posts = out.map((m, i) => ({ ...m, kind: 'send' as const, target: chatId, targetType: 'chat_id' as const, dedupeKey: `card:${eventId}:${i}` }));
    const now = this.deps.clock.now();
    const { dbh } = this.deps;
    await dbh.atomic([
      ...(chatId ? posts.map((m) => queueStatement(dbh, m, now)) : []),
      dbh.db.update(inbox).set({ handledAt: now.toISOString(), outcome }).where(eq(inbox.eventId, eventId)),
    ]);
    if (posts.length) void this.deps.sender.kick();
    this.deps.log.info('card action', { event_id: eventId, outcome });
    return { toast };
  }

  /** Rows queued but not yet delivered, for health and tests. */
  async pendingReplies(): Promise<number> {
    const r = await this.deps.dbh.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'));
    return r.length;
  }
}
