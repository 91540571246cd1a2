// 问题 查看 / problem show <id>: one problem with its level, owner and whole history (raised, escalated, left out of
// a revised report, resolved or cancelled), so nobody has to guess what happened to it.
import { calendarOf } from '../src/core/calendar.js';
import { problemCard } from '../src/problems/cards.js';
import { findProblem, historyOfProblem } from '../src/problems/store.js';
import { defineCommand } from './define.js';
import { problemArgs } from './problem-escalate.js';

export default defineCommand({
  name: 'problem show',
  words: { zh: ['问题 查看', '问题 详情', '查看问题'], en: ['problem show', 'problem view'] },
  summary: { zh: '查看一个问题及其办理记录', en: 'one problem and its history' },
  usage: { zh: '问题 查看 <编号>', en: 'problem show <id>' },
  examples: ['问题 查看 P3', 'problem show P3'],
  roles: 'anyone',
  args: problemArgs(false),
  async handle(ctx, { seq }) {
    const { t, campaign } = ctx;
    const p = await findProblem(ctx.db, campaign.id, seq);
    if (!p) return { text: t(`没有问题 P${seq}。发送「问题 列表」查看问题清单。`, `No problem P${seq}. Send "problem list".`) };
    const cal = calendarOf(campaign);
    return { card: problemCard(ctx.org, p, ctx.clock.now(), cal, ctx.lang, t('问题', 'Problem'), '', await historyOfProblem(ctx.db, p)) };
  },
});
