// 问题 解决 / problem resolve <id> <note>: close a problem with how it was solved; the ladder stops there.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { problemCard } from '../src/problems/cards.js';
import { findProblem, historyOfProblem, problemRef, resolveProblem } from '../src/problems/store.js';
import { defineCommand } from './define.js';
import { problemArgs, problemRefusal } from './problem-escalate.js';

export default defineCommand({
  name: 'problem resolve',
  words: { zh: ['问题 解决', '解决问题', '问题 销号'], en: ['problem resolve'] },
  summary: { zh: '问题已解决，写明解决情况', en: 'close a problem with a note' },
  usage: { zh: '问题 解决 <编号> <解决情况>', en: 'problem resolve <id> <note>' },
  examples: ['问题 解决 P3 已协调燃气公司，下周进场施工', 'problem resolve P3 Gas company agreed'],
  roles: ['office', 'commander', 'deputy', 'group_lead'],
  args: problemArgs(true),
  allow: (ctx, a) => problemRefusal(ctx, a.seq, 'resolve'),
  async handle(ctx, { seq, note }) {
    const { t, campaign } = ctx;
    const p = await findProblem(ctx.db, campaign.id, seq);
    if (!p) return { text: t(`没有问题 P${seq}。发送「问题 列表」查看问题清单。`, `No problem P${seq}. Send "problem list".`) };
    if (p.status === 'cancelled') return { text: t(`${problemRef(p)} 已于此前撤销：${p.resolution ?? ''}`, `${problemRef(p)} was already cancelled: ${p.resolution ?? ''}`) };
    if (p.status === 'resolved') return { text: t(`${problemRef(p)} 已于此前解决：${p.resolution ?? ''}`, `${problemRef(p)} was already resolved: ${p.resolution ?? ''}`) };
    const now = ctx.clock.now();
    const done = await resolveProblem(ctx.dbh, p, note, ctx.actor.person.id, now);
    const cal = calendarOf(campaign);
    return { card: problemCard(ctx.org, done, now, cal, ctx.lang, t('问题已解决', 'Problem resolved'), '', await historyOfProblem(ctx.db, p)) };
  },
});
