// The steps of the message pipeline, in order: dedupe → addressed to the bot? → who is speaking → which command →
// may they → arguments → run; the reply step wraps them and the error boundary wraps everything (pipeline/index.ts).
// Each expected failure is a reply that says what was wrong and shows the right form.
import type { AnyCommand } from '../../commands/define.js';
import { mayUse, roleList } from '../../commands/define.js';
import { statements } from '../../db/statements.js';
import { contextFor, speaker, type ContextDeps, type Lang } from '../context.js';
import { parseArgs } from '../core/args.js';
import { overLimit } from '../core/limits.js';
import { asCommandText } from '../core/questions.js';
import { likelyReply } from '../core/suggest.js';
import { textContent } from '../lark/cards.js';
import { officeContacts } from '../org.js';
import { matchCommand, suggest, type compileWords, type Matched } from '../router.js';
import { resolveSpeaker } from './who.js';
import type { Step, Turn } from './turn.js';

export interface StepDeps extends ContextDeps {
  commands: readonly AnyCommand[];
  patterns: ReturnType<typeof compileWords>;
}

/** The command a text names: its words, or a question read as the command it means (谁还没报 → 进度, src/core/questions.ts). */
export function commandOf(deps: StepDeps, text: string) {
  const m = matchCommand(deps.patterns, asCommandText(text, (t) => matchCommand(deps.patterns, t) !== undefined));
  // The bot is called 督办, and people write its name before a command (「督办 汇报 …」 in a private chat): a command
  // word right after it is that command. 「督办 <单位> …」 stays a supervision notice.
  if (m?.command.name === 'notice') {
    const inner = matchCommand(deps.patterns, m.rest);
    if (inner) return inner;
  }
  return m;
}

/** The language a text is written in, as far as the command it names tells (else: plain ASCII is English). */
export function languageOf(named: Matched | undefined, text: string): Lang {
  return named?.lang ?? (/^[\x00-\x7f]*$/.test(text) && text ? 'en' : 'zh');
}

/** Only people's messages, and each message once: Lark sometimes pushes the same message under a new event_id. */
export const dedupe =
  (deps: StepDeps): Step =>
  async (turn, next) => {
    if (turn.msg.senderType !== 'user') return void (turn.outcome = 'ignored');
    const seen = await statements(deps.dbh.db).queued.all({ key: `reply:${turn.msg.messageId}` });
    if (seen.length) return void (turn.outcome = 'duplicate');
    await next();
  };

/** In a group the bot acts only when @-mentioned; which mention is the bot is known only once it knows its open_id. */
export const addressed: Step = async (turn, next) => {
  if (turn.msg.chatType === 'group' && !turn.botKnown) return void (turn.outcome = 'waiting');
  // Lark delivers unmentioned group messages only with the read-all-messages scope, and we still ignore them.
  if (turn.msg.chatType === 'group' && !turn.msg.mentionsBot) return void (turn.outcome = 'ignored');
  await next();
};

/** The campaign and the person: someone not in the plan is told whom to ask. */
export const speaking =
  (deps: StepDeps): Step =>
  async (turn, next) => {
    const { t } = speaker(turn.lang, 'UTC');
    const who = await resolveSpeaker(deps.dbh.db, turn.msg.chatId, turn.msg.senderOpenId);
    if (who.kind === 'several') {
      turn.reply = { text: t(`您同时在多个专项工作中（${who.names.join('、')}）。请在对应专项的工作群里 @我。`, `You belong to several campaigns (${who.names.join(', ')}). Please @mention me in that campaign's group chat.`) };
      return void (turn.outcome = 'ambiguous_campaign');
    }
    if (who.kind === 'unregistered') {
      turn.org = who.org;
      const office = who.org ? officeContacts(who.org).map((p) => p.name).join('、') : '';
      const officeUnit = who.org?.unit(who.org.campaign.officeUnitId)?.name;
      const ask = who.org
        ? t(`请联系${officeUnit ? `办公室（${officeUnit}${office ? ' ' + office : ''}）` : '办公室'}把您加入人员名单。`, `Ask the office${office ? ` (${office})` : ''} to add you to the plan.`)
        : t('请联系专项工作办公室把您加入人员名单。', "Ask your task force's office to add you to the plan.");
      turn.reply = { text: t(`您还没有登记在${who.org ? `「${who.org.campaign.name}」的` : ''}人员名单中，暂时不能使用督办。${ask}`, `You are not registered${who.org ? ` in "${who.org.campaign.name}"` : ''} yet, so Duban cannot act for you. ${ask}`) };
      return void (turn.outcome = 'unregistered');
    }
    turn.org = who.org;
    turn.actor = who.actor;
    await next();
  };

/** The command the message names; the context speaks its language (or the campaign's when nothing matched). */
export const whichCommand =
  (deps: StepDeps): Step =>
  async (turn, next) => {
    const { msg } = turn;
    const org = turn.org!;
    const matched = turn.named;
    const lang = matched ? matched.lang : org.campaign.locale === 'en' ? 'en' : turn.lang;
    turn.lang = lang;
    const ctx = {
      ...contextFor({ ...deps, log: deps.log.child({ event_id: msg.eventId, campaign: org.campaign.id }) }, org, lang),
      actor: turn.actor!,
      chat: { id: msg.chatId, type: msg.chatType, messageId: msg.messageId, eventId: msg.eventId, ...(msg.attachments ? { attachments: msg.attachments } : {}) },
      commands: deps.commands,
    };
    turn.ctx = ctx;
    // In a private chat an unknown message gets the commands it most likely meant, among those this person may use.
    if (!matched && msg.chatType === 'p2p') {
      turn.reply = { text: likelyReply(deps.commands.filter((c) => mayUse(c, ctx.actor)), msg.text, ctx.t, ctx.lang) };
      return void (turn.outcome = 'unknown');
    }
    if (!matched) {
      const s = suggest(deps.patterns, deps.commands, msg.text);
      // cut by characters, not UTF-16 units: an emoji is never split in half
      const head = Array.from(msg.text).slice(0, 20).join('');
      const said = msg.text ? ctx.t(`没有看懂「${head}」。`, `I did not understand "${head}".`) : '';
      turn.reply = {
        text: s
          ? ctx.t(`${said}您是不是要：${s.command.words.zh[0]}（${s.command.usage.zh}）？发送「帮助」查看全部命令。`, `${said}Did you mean: ${s.command.words.en[0]} (${s.command.usage.en})? Send "help" for all commands.`)
          : ctx.t(`${said}发送「帮助」查看您可以使用的命令。`, `${said}Send "help" for the commands you may use.`),
      };
      return void (turn.outcome = 'unknown');
    }
    turn.matched = matched;
    await next();
  };

/** The command's roles: a refusal names the roles that may use it. */
export const mayThey: Step = async (turn, next) => {
  const { command } = turn.matched!;
  const ctx = turn.ctx!;
  if (!mayUse(command, ctx.actor)) {
    const roles = command.roles === 'anyone' ? '' : roleList(command.roles, ctx.lang);
    turn.reply = {
      text: ctx.t(`「${command.words.zh[0]}」需要以下角色之一：${roles}。您的角色：${roleList([...ctx.actor.roles], 'zh')}。如需开通请联系办公室。`, `"${command.words.en[0]}" needs one of these roles: ${roles}. Yours: ${roleList([...ctx.actor.roles], 'en')}. Ask the office if you need it.`),
    };
    return void (turn.outcome = 'refused');
  }
  await next();
};

/** The command's arguments, validated by its zod schema; a problem shows the right form and an example. */
export const readArguments: Step = async (turn, next) => {
  const { command, rest } = turn.matched!;
  const ctx = turn.ctx!;
  const { text, named } = parseArgs(rest, command.keys ?? {});
  // Every user text has a limit (src/core/limits.ts): an error naming it, before anything is stored.
  const tooLong = overLimit(command.name, { text, ...named }, ctx.lang);
  if (tooLong) {
    turn.reply = { text: tooLong };
    return void (turn.outcome = 'bad_args');
  }
  const parsed = command.args.safeParse({ text, ...named });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => i.message).join('；');
    const hint = await command.hint?.(ctx, text);
    if (hint) {
      turn.reply = { text: ctx.t(`没看懂：${problems}\n${hint}`, `Could not read that: ${problems}\n${hint}`) };
      return void (turn.outcome = 'bad_args');
    }
    turn.reply = {
      text: ctx.t(`没看懂：${problems}\n正确格式：${command.usage.zh}\n例如：${command.examples[0] ?? ''}`, `Could not read that: ${problems}\nForm: ${command.usage.en}\nFor example: ${command.examples.find((e) => /^[a-z]/i.test(e)) ?? command.examples[0] ?? ''}`),
    };
    return void (turn.outcome = 'bad_args');
  }
  turn.args = parsed.data;
  await next();
};

/** The command's own rule on its object (only the lead unit writes off its task), then the command. */
export const run: Step = async (turn) => {
  const { command } = turn.matched!;
  const ctx = turn.ctx!;
  if (command.allow) {
    const ok = await command.allow(ctx, turn.args);
    if (ok !== true) {
      turn.reply = { text: ok.refused };
      return void (turn.outcome = 'refused');
    }
  }
  turn.reply = await command.handle(ctx, turn.args);
  turn.outcome = 'ok';
};

/** What the turn says becomes outbox rows: a reply to the message, keyed by it so it is queued once however often it arrives. */
export const reply =
  (deps: StepDeps): Step =>
  async (turn, next) => {
    await next();
    const r = turn.reply;
    if (!r) return;
    const { msg } = turn;
    const base = { campaignId: turn.org?.campaign.id, kind: 'reply' as const, target: msg.messageId, chatId: msg.chatId };
    if ('file' in r) {
      // A file goes up first (its key is what the message carries), then as a file message after the text.
      const fileKey = await deps.messenger.uploadFile(r.file.name, r.file.bytes);
      if (r.card) turn.out.push({ ...base, dedupeKey: `reply:${msg.messageId}`, msgType: 'interactive', content: r.card });
      else if (r.text) turn.out.push({ ...base, dedupeKey: `reply:${msg.messageId}`, msgType: 'text', content: textContent(r.text) });
      turn.out.push({ dedupeKey: `file:${msg.messageId}`, campaignId: base.campaignId, kind: 'send', target: msg.chatId, chatId: msg.chatId, msgType: 'file', content: { file_key: fileKey } });
    } else if ('card' in r) turn.out.push({ ...base, dedupeKey: `reply:${msg.messageId}`, msgType: 'interactive', content: r.card });
    else turn.out.push({ ...base, dedupeKey: `reply:${msg.messageId}`, msgType: 'text', content: textContent(r.text) });
  };

/** One error boundary: anything unexpected is logged once with the event id, and the person gets a polite answer. */
export const boundary =
  (deps: StepDeps): Step =>
  async (turn, next) => {
    try {
      await next();
    } catch (err) {
      turn.outcome = 'error';
      deps.log.error('message failed', { event_id: turn.msg.eventId, command: turn.matched?.command.name, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      const { t } = speaker(turn.lang, 'UTC');
      turn.out = [];
      turn.reply = undefined;
      turn.out.push({
        campaignId: turn.org?.campaign.id,
        kind: 'reply',
        target: turn.msg.messageId,
        chatId: turn.msg.chatId,
        dedupeKey: `reply:${turn.msg.messageId}`,
        msgType: 'text',
        content: textContent(t('处理时出错了，已记录并通知办公室。请稍后再试。', 'Something went wrong; it has been logged for the office. Please try again later.')),
      });
    }
  };

export type { Turn };
