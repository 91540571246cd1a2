// 问题 撤销 / problem cancel <id> <reason>: close a problem that is no longer a problem (raised by mistake, a duplicate,
// overtaken by events) without calling it solved. Like 解决, only the office, the leaders or the group's lead may;
// the problem keeps its number and its history.
import { calendarOf } from '../src/core/calendar.js';
import { problemCard } from '../src/problems/cards.js';
import { closeProblem, findProblem, historyOfProblem, problemRef } from '../src/problems/store.js';
import { defineCommand } from './define.js';
import { problemArgs, problemRefusal } from './problem-escalate.js';

export default defineCommand({
  name: 'problem cancel',
  words: { zh: ['问题 撤销', '撤销问题', '问题 取消'], en: ['problem cancel', 'problem withdraw'] },
  summary: { zh: '撤销问题（误报、重复或已不存在），写明原因', en: 'cancel a problem with the reason' },
  usage: { zh: '问题 撤销 <编号> <原因>', en: 'problem cancel <id> <reason>' },
  examples: ['问题 撤销 P3 与P2重复', 'problem cancel P3 duplicate of P2'],
  roles: ['office', 'commander', 'deputy', 'group_lead'],
  args: problemArgs(true),
  allow: (ctx, a) => problemRefusal(ctx, a.seq, 'cancel'),
  async handle(ctx, { seq, note }) {
    const { t, campaign } = ctx;
    const p = await findProblem(ctx.db, campaign.id, seq);
    if (!p) return { text: t(`没有问题 P${seq}。发送「问题 列表」查看问题清单。`, `No problem P${seq}. Send "problem list".`) };
    if (p.status !== 'open') return { text: t(`${problemRef(p)} 已${p.status === 'resolved' ? '解决' : '撤销'}：${p.resolution ?? ''}`, `${problemRef(p)} was already ${p.status}: ${p.resolution ?? ''}`) };
    const now = ctx.clock.now();
    const done = await closeProblem(ctx.dbh, p, { status: 'cancelled', note, by: ctx.actor.person.id, at: now });
    const cal = calendarOf(campaign);
    return { card: problemCard(ctx.org, done, now, cal, ctx.lang, t('问题已撤销', 'Problem cancelled'), '', await historyOfProblem(ctx.db, p)) };
  },
});
