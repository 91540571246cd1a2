// 督办 <单位> <事项> 截止：<日期> / notice <unit> <text> due:<date>: the office (or a leader) issues supervision notice
// D1 to a unit. The card goes to the unit's working-group chats @-mentioning its liaisons, privately to each liaison,
// and to the office chat; the issuer gets a confirmation that says where it went.
import { z } from 'zod';
import { readDeadline, readUnit } from '../src/ledger/input.js';
import { noticeCard } from '../src/notices/cards.js';
import { campaignView, ISSUERS, officeChat, todayIn, unitChats } from '../src/notices/audience.js';
import { readUnitAndMatter } from '../src/notices/parse.js';
import { historyOf, issueNotice, noticeCode } from '../src/notices/store.js';
import { liaisonsOf } from '../src/org.js';
import { queue, type Outgoing } from '../src/outbox.js';
import { defineCommand, type Ctx } from './define.js';

const USAGE = { zh: '督办 <单位> <督办事项> 截止：<办理时限>', en: 'notice <unit> <text> due:<date>' };

/** The refusal for a notice whose unit or matter cannot be read, showing the right form. */
function unreadable(ctx: Ctx, text: string): string {
  const r = readUnitAndMatter(ctx.org.units, text);
  const form = ctx.t(`\n正确格式：${USAGE.zh}\n例如：督办 区公安局 排查周转房周边治安隐患 截止：12月5日`, `\nForm: ${USAGE.en}\nFor example: notice 区公安局 check the estate's fire exits due:next friday`);
  if (r.ok) return '';
  if (r.reason === 'empty') return ctx.t('请写明责任单位和督办事项。', 'Say which unit and what is asked.') + form;
  if (r.reason === 'no-matter') return ctx.t(`请写明督办「${ctx.org.unit(r.unitId)?.name ?? ''}」办理的事项。`, `Say what ${ctx.org.unit(r.unitId)?.name ?? 'the unit'} is asked to do.`) + form;
  if (r.reason === 'several') {
    const names = r.unitIds.map((id) => ctx.org.unit(id)?.name ?? '');
    return ctx.t(`一张督办单只发给一个单位。请分别下发，如「督办 ${names[0]} <事项> 截止：<日期>」，再督办${names.slice(1).join('、')}。`, `A notice goes to one unit. Issue one to each, e.g. "notice ${names[0]} <text> due:<date>", then one to ${names.slice(1).join(', ')}.`);
  }
  if (r.reason === 'ambiguous') {
    const names = r.candidates.map((id) => ctx.org.unit(id)?.name ?? '').filter(Boolean);
    return ctx.t(`「${r.word}」可能是多个单位：${names.join('、')}。请写全称。`, `"${r.word}" could be several units: ${names.join(', ')}. Please write the full name.`);
  }
  // An unknown unit: the nearest names, never a guess.
  const u = readUnit(ctx.org, ctx.t, r.word);
  return u.ok ? '' : u.text;
}

export default defineCommand({
  name: 'notice',
  words: { zh: ['督办', '下发督办'], en: ['notice', 'notice issue'] },
  summary: { zh: '下发督办单：督促单位限期办理并回复', en: 'issue a supervision notice to a unit' },
  usage: USAGE,
  examples: ['督办 区公安局 排查周转房周边治安隐患 截止：12月5日', 'notice 区公安局 check the fire exits due:next friday'],
  roles: ISSUERS,
  keys: { due: ['due', 'deadline', 'by', '截止', '截止日期', '截止时间', '办理时限', '完成时限', '时限'] },
  args: z.object({ text: z.string(), due: z.string().optional() }),
  async handle(ctx, args) {
    const { t, org } = ctx;
    const read = readUnitAndMatter(org.units, args.text);
    if (!read.ok) return { text: unreadable(ctx, args.text) };
    const unit = org.unit(read.unitId)!;
    if (!args.due) return { text: t(`请写明办理时限，如「截止：12月5日」。\n正确格式：${USAGE.zh}`, `Say when it is due, e.g. "due:2026-12-05".\nForm: ${USAGE.en}`) };
    const due = readDeadline(ctx, args.due);
    if (!due.ok) return { text: due.text };
    const now = ctx.clock.now();
    const today = todayIn(org, now);
    if (due.value < today) return { text: t(`办理时限 ${due.value} 已经过去（今天是 ${today}）。请写今天或以后的日期。`, `The due date ${due.value} has passed (today is ${today}). Give today or a later date.`) };

    const notice = await issueNotice(ctx.dbh, ctx.campaign.id, { unitId: unit.id, text: read.matter, due: due.value, by: ctx.actor.person.id, at: now, chatId: ctx.chat.id });
    const code = noticeCode(notice);
    const history = await historyOf(ctx.db, notice.id);
    const view = campaignView(org);
    const liaisons = liaisonsOf(org, unit.id);
    const groupChats = unitChats(org, unit.id);
    const office = officeChat(org);
    const key = (to: string) => `notice:${ctx.campaign.id}:${code}:issued:${to}`;
    const out: Outgoing[] = [];
    for (const chat of groupChats) {
      out.push({ dedupeKey: key(chat), campaignId: ctx.campaign.id, kind: 'send', target: chat, msgType: 'interactive', content: noticeCard(view, notice, history, { today, mention: true }) });
    }
    for (const p of liaisons) {
      out.push({ dedupeKey: key(p.openId), campaignId: ctx.campaign.id, kind: 'send', target: p.openId, targetType: 'open_id', msgType: 'interactive', content: noticeCard(view, notice, history, { today }) });
    }
    // The office keeps every notice in view, whoever issued it.
    if (office && !groupChats.includes(office)) {
      out.push({ dedupeKey: key(office), campaignId: ctx.campaign.id, kind: 'send', target: office, msgType: 'interactive', content: noticeCard(view, notice, history, { today }) });
    }
    await queue(ctx.dbh, ctx.clock, out);
    ctx.log.info('notice issued', { notice: code });

    const chatNames = groupChats.map((c) => org.groups.find((g) => org.chats.some((b) => b.chatId === c && b.groupId === g.id))?.name ?? c);
    const where = [
      chatNames.length ? t(`已发到${ctx.speaker.list(chatNames)}工作群`, `posted in ${ctx.speaker.list(chatNames)}`) : t('该单位没有绑定的工作群', 'the unit has no bound group chat'),
      liaisons.length ? t(`并私信联络员${ctx.speaker.list(liaisons.map((p) => p.name))}`, `sent privately to ${ctx.speaker.list(liaisons.map((p) => p.name))}`) : t('该单位未登记联络员，请另行通知', 'the unit has no liaison registered: please tell it another way'),
    ];
    return {
      text: t(
        `已下发督办单 ${code}：${unit.name}「${read.matter}」，办理时限 ${due.value}。${where.join('，')}。回复后会通知您；逾期未回复将每个工作日催办。`,
        `Notice ${code} issued to ${unit.name}: "${read.matter}", due ${due.value}. ${where.join('; ')}. You will hear when it replies; if it does not by then, it is chased each workday.`,
      ),
    };
  },
});
