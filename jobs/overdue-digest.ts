// overdue-digest: Monday 09:00 (the week's first workday when Monday is a holiday): each group chat gets its overdue
// (🔴) tasks and its 🟡 ones, the office chat all of them, oldest first with days overdue.
import { overdueCard } from '../src/ledger/cards.js';
import { yellowTasks } from '../src/ledger/light.js';
import { overdueTasks } from '../src/ledger/overdue.js';
import { chatOf, observer } from '../src/org.js';
import { defineJob, timeOf } from './define.js';
import { dailyAt, firstWorkdayOfWeek, type Post } from './occasions.js';

export default defineJob({
  name: 'overdue-digest',
  schedule: 'Mondays 09:00 (the first workday of the week)',
  summary: '逾期周报：各工作组的逾期任务，办公室群收全部',
  occasions(ctx, from, to) {
    return dailyAt(from, to, timeOf(ctx, 'overdue-digest', '09:00'))
      .filter((d) => firstWorkdayOfWeek(ctx.calendar, d) === d.toISODate())
      .map((d) => ({ period: `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`, at: d, until: d.endOf('day') }));
  },
  async posts(ctx, _occ, now) {
    const view = { org: ctx.org, campaign: ctx.campaign, actor: observer(ctx.org), lang: ctx.lang, t: ctx.t } as const;
    const [{ today, items }, yellow] = await Promise.all([overdueTasks(ctx.db, ctx.campaign, now), yellowTasks(ctx.db, ctx.campaign, now)]);
    // The 🔴 items, with the 🟡 ones that will be red soon (due within yellow_within workdays, or extended).
    if (!items.length && !yellow.length) return [];
    const posts: Post[] = [];
    for (const g of ctx.org.groups) {
      const chatId = chatOf(ctx.org, 'group', g.id);
      const mine = items.filter((i) => i.task.groupId === g.id);
      const soon = yellow.filter((i) => i.task.groupId === g.id);
      if (chatId && (mine.length || soon.length)) posts.push({ chatId, card: overdueCard(view, mine, { today, scope: g.name, yellow: soon }) });
    }
    const office = chatOf(ctx.org, 'office');
    if (office) posts.push({ chatId: office, card: overdueCard(view, items, { today, yellow }) });
    return posts;
  },
});
