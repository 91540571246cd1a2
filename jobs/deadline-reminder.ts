// deadline-reminder: every workday at 09:00, the open tasks due within 3 workdays, to the task's group chat (or the
// office chat for tasks without one), with @mentions of the lead unit's liaisons.
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { tasks } from '../db/schema.js';
import { addWorkdays } from '../src/core/calendar.js';
import { listTitle } from '../src/core/limits.js';
import { at, card, esc, md, note } from '../src/lark/cards.js';
import { chatOf, liaisonsOf } from '../src/org.js';
import { defineJob, timeOf } from './define.js';
import { dailyAt, isWorkday } from './occasions.js';

const WITHIN_WORKDAYS = 3;

export default defineJob({
  name: 'deadline-reminder',
  schedule: 'workdays 09:00',
  summary: '到期提醒：3个工作日内到期的任务，提醒牵头单位',
  occasions(ctx, from, to) {
    return dailyAt(from, to, timeOf(ctx, 'deadline-reminder', '09:00'))
      .filter((d) => isWorkday(ctx.calendar, d))
      .map((d) => ({ period: d.toISODate()!, at: d, until: d.endOf('day') }));
  },
  async posts(ctx, occ) {
    const today = occ.period;
    const horizon = addWorkdays(ctx.calendar, today, WITHIN_WORKDAYS);
    const due = await ctx.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.campaignId, ctx.campaign.id), eq(tasks.status, 'open'), gte(tasks.deadline, today), lte(tasks.deadline, horizon)))
      .orderBy(asc(tasks.deadline), asc(tasks.seq));
    const byChat = new Map<string, typeof due>();
    for (const t of due) {
      const chatId = (t.groupId ? chatOf(ctx.org, 'group', t.groupId) : undefined) ?? chatOf(ctx.org, 'office');
      if (!chatId) continue;
      byChat.set(chatId, [...(byChat.get(chatId) ?? []), t]);
    }
    const { t } = ctx;
    return [...byChat].map(([chatId, list]) => ({
      chatId,
      card: card({
        title: t('【到期提醒】以下任务即将到期', 'Deadline reminder: these tasks are due soon'),
        subtitle: t(`${WITHIN_WORKDAYS}个工作日内到期（至 ${horizon}）`, `Due within ${WITHIN_WORKDAYS} workdays (by ${horizon})`),
        template: 'yellow',
        elements: [
          md(
            list
              .map((task) => {
                const lead = ctx.org.unit(task.leadUnitId);
                const who = liaisonsOf(ctx.org, task.leadUnitId).map((p) => at(p.openId)).join(' ');
                return `- **T${task.seq}** ${esc(listTitle(task.title))}\n  ${t('牵头', 'Lead')}：${esc(lead?.name ?? '')} ${who}　${t('完成时限', 'Due')}：**${task.deadline}**`;
              })
              .join('\n'),
          ),
          note(t('完成后请 @督办 发送「任务 销账 T编号 说明」；需要延期请联系办公室。', 'When done, @mention Duban with "task done T<number> <note>"; for more time ask the office.')),
        ],
      }),
    }));
  },
});
