// 问题 升级 / problem escalate <id>: move a problem one level up the ladder by hand (工作组 → 副组长 → 办公室问题清单 →
// 组长) and post it to that level's chat, as the daily job would once the limit passed.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { chatOf } from '../src/org.js';
import { queue } from '../src/outbox.js';
import { escalationCard } from '../src/problems/cards.js';
import { CHAT_OF_LEVEL, escalate, LEVEL_NAMES, nextLevel } from '../src/problems/ladder.js';
import { findProblem, problemRef } from '../src/problems/store.js';
import { defineCommand, roleList, type Ctx, type Refusal } from './define.js';

/** `<id> [note]` → { seq, note }; the note is required when `needNote`. */
export function problemArgs(needNote: boolean) {
  return z.object({ text: z.string() }).transform(({ text }, c) => {
    const m = /^#?[pP]?(\d+)\s*[:：]?\s*([\s\S]*)$/.exec(text.trim());
    if (!m) {
      c.addIssue({ code: 'custom', message: '请先写问题编号，例如 P3 / start with the problem number, e.g. P3' });
      return z.NEVER;
    }
    if (needNote && !m[2]!.trim()) {
      c.addIssue({ code: 'custom', message: '请写明解决情况 / say how it was resolved' });
      return z.NEVER;
    }
    return { seq: Number(m[1]), note: m[2]!.trim() };
  });
}

/** Resolve, cancel and escalate: the office, the commander, a deputy, or the lead of the problem's group. */
export async function problemRefusal(ctx: Ctx, seq: number, verb: 'resolve' | 'escalate' | 'cancel'): Promise<true | Refusal> {
  if (ctx.actor.is('office', 'commander', 'deputy')) return true;
  const p = await findProblem(ctx.db, ctx.campaign.id, seq);
  if (!p || ctx.actor.leads(p.groupId)) return true;
  const roles = roleList(['office', 'commander', 'deputy'], ctx.lang);
  const group = ctx.org.group(p.groupId)?.name;
  const zhVerb = { resolve: '解决', escalate: '升级', cancel: '撤销' }[verb];
  return {
    refused: ctx.t(
      `只有${roles}${group ? `，或「${group}」的工作组组长` : ''}可以${zhVerb} ${problemRef(p)}。`,
      `Only the ${roles}${group ? `, or the group lead of ${group},` : ''} may ${verb} ${problemRef(p)}.`,
    ),
  };
}

export default defineCommand({
  name: 'problem escalate',
  words: { zh: ['问题 升级', '升级问题', '问题 提请'], en: ['problem escalate'] },
  summary: { zh: '把问题提请上一层级协调', en: 'move a problem one level up' },
  usage: { zh: '问题 升级 <编号>', en: 'problem escalate <id>' },
  examples: ['问题 升级 P3', 'problem escalate P3'],
  roles: ['office', 'commander', 'deputy', 'group_lead'],
  args: problemArgs(false),
  allow: (ctx, a) => problemRefusal(ctx, a.seq, 'escalate'),
  async handle(ctx, { seq }) {
    const { t, campaign, org } = ctx;
    const p = await findProblem(ctx.db, campaign.id, seq);
    if (!p) return { text: t(`没有问题 P${seq}。发送「问题 列表」查看问题清单。`, `No problem P${seq}. Send "problem list".`) };
    if (p.status !== 'open') return { text: t(`${problemRef(p)} 已${p.status === 'resolved' ? '解决' : '撤销'}，无需升级。`, `${problemRef(p)} is ${p.status}.`) };
    const to = nextLevel(p.level);
    if (!to) return { text: t(`${problemRef(p)} 已提请组长协调，是最高层级。`, `${problemRef(p)} is already with the commander, the top of the ladder.`) };
    const now = ctx.clock.now();
    const cal = calendarOf(campaign);
    const notice = escalationCard(org, p, to, now, cal, ctx.lang);
    if (!(await escalate(ctx.dbh, p, to, now, ctx.actor.person.id))) return { text: t(`${problemRef(p)} 刚刚已有变动，请发送「问题 列表」查看。`, `${problemRef(p)} just changed; send "problem list".`) };
    const chat = chatOf(org, CHAT_OF_LEVEL[to]);
    if (chat && chat !== ctx.chat.id) {
      await queue(ctx.dbh, ctx.clock, [{ dedupeKey: `problem-escalate:${ctx.chat.eventId ?? p.id}:${to}`, campaignId: campaign.id, kind: 'send', target: chat, msgType: 'interactive', content: notice }]);
    }
    if (chat === ctx.chat.id) return { card: notice };
    const where = chat ? t('，已发到对应群', ' and posted to its chat') : t('（该层级的群尚未绑定）', " (that level's chat is not bound)");
    return { text: t(`已将 ${problemRef(p)} 提请${LEVEL_NAMES[to].zh}协调${where}。`, `${problemRef(p)} moved to the ${LEVEL_NAMES[to].en}${where}.`) };
  },
});
