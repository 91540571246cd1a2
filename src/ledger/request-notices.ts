// Where a request and its decision are told: the request's card to the office chat (or, with none bound, privately to
// each office person), and the decision to the person who asked, in the campaign's language: with an @ in the group
// chat they asked in when it is a chat bound to the campaign that the bot is still in (its membership events keep that
// known), otherwise privately (asked privately or in another group, asked before migration 0005, bot since removed).
// Rows go to the outbox under keys of the request, so telling twice (a replay, a resent message) queues nothing new.
import type { Ctx } from '../context.js';
import { langOf, translate } from '../context.js';
import { textAt, textContent } from '../lark/cards.js';
import { chatOf, officeContacts } from '../org.js';
import { deliveredUnder, queue, type Outgoing } from '../outbox.js';
import { personText, requestCard } from './request-cards.js';
import type { TaskRequest } from './requests.js';
import { taskCode, type Task } from './tasks.js';

type NoticeCtx = Pick<Ctx, 'dbh' | 'clock' | 'org' | 'campaign'>;

const campaignView = (ctx: NoticeCtx) => {
  const lang = langOf(ctx.campaign.locale);
  return { t: translate(lang), lang, org: ctx.org, campaign: ctx.campaign };
};

/** Queues the request's card for the office; answers where it went. */
export async function sendToOffice(ctx: NoticeCtx, task: Task, req: TaskRequest): Promise<'office_chat' | 'office_people' | 'nowhere'> {
  const content = requestCard(campaignView(ctx), task, req);
  const chat = chatOf(ctx.org, 'office');
  const base = { campaignId: ctx.campaign.id, kind: 'send' as const, msgType: 'interactive' as const, content };
  if (chat) {
    await queue(ctx.dbh, ctx.clock, [{ ...base, dedupeKey: `request:${req.id}:office`, target: chat }]);
    return 'office_chat';
  }
  const people = officeContacts(ctx.org);
  if (!people.length) return 'nowhere';
  await queue(
    ctx.dbh,
    ctx.clock,
    people.map((p): Outgoing => ({ ...base, dedupeKey: `request:${req.id}:office:${p.openId}`, target: p.openId, targetType: 'open_id' })),
  );
  return 'office_people';
}

/** Tells the person who asked what the office decided: in the bound group chat they asked in, with an @, or privately. */
export async function tellAsker(ctx: NoticeCtx, task: Task, req: TaskRequest): Promise<void> {
  const asker = ctx.org.people.find((p) => p.id === req.askedBy);
  if (!asker || req.status === 'pending') return;
  const v = campaignView(ctx);
  const code = taskCode(task);
  const approved = req.status === 'approved';
  const what = req.kind === 'extension' ? v.t('延期申请', 'extension request') : v.t('销账申请', 'write-off request');
  const result =
    req.kind === 'extension'
      ? approved
        ? v.t(`已同意，完成时限延至 ${req.toDeadline}`, `approved: the deadline is now ${req.toDeadline}`)
        : v.t(`未同意，完成时限仍为 ${task.deadline}`, `rejected: the deadline stays ${task.deadline}`)
      : approved
        ? v.t('审核同意，任务已销账', 'approved: the task is written off')
        : v.t('未通过审核，任务仍在办理中', 'rejected: the task stays open');
  const by = personText(v, req.decidedBy);
  const note = req.decisionNote ? v.t(`。意见：${req.decisionNote}`, `. Note: ${req.decisionNote}`) : '';
  const text = v.t(`您提交的 ${code}「${task.title}」${what}${result}（审批人：${by}）${note}`, `Your ${what} for ${code} "${task.title}" was ${result} (by ${by})${note}`);
  const base = { dedupeKey: `request:${req.id}:decided`, campaignId: ctx.campaign.id, kind: 'send' as const, msgType: 'text' as const };
  // Only the campaign's bound chats have the bot's membership tracked (bot added/removed events): a message to another
  // group the bot has left would fail, and the asker would hear nothing, so those decisions go privately.
  const inChat = ctx.org.chats.some((c) => c.chatId === req.askedInChat && c.active) ? req.askedInChat! : undefined;
  await queue(ctx.dbh, ctx.clock, [
    inChat
      ? { ...base, target: inChat, content: { text: `${textAt(asker.openId, asker.name)} ${textContent(text).text}`.trimStart() } }
      : { ...base, target: asker.openId, targetType: 'open_id', content: textContent(text) },
  ]);
}

/**
 * Shows the decision on the request's card where it was sent (the office chat, or each office person): the card is
 * patched to its decided form, so its buttons are gone. A card not delivered yet keeps its buttons; a click on them
 * is refused by the command (the request is no longer pending).
 */
export async function markCardDecided(ctx: NoticeCtx, taskAsAsked: Task, req: TaskRequest): Promise<void> {
  const sent = await deliveredUnder(ctx.dbh, `request:${req.id}:office`);
  if (!sent.length) return;
  const content = requestCard(campaignView(ctx), taskAsAsked, req);
  await queue(
    ctx.dbh,
    ctx.clock,
    sent.map((s): Outgoing => ({ dedupeKey: `request:${req.id}:decided:${s.messageId}`, campaignId: ctx.campaign.id, kind: 'patch', target: s.messageId, msgType: 'interactive', content })),
  );
}
