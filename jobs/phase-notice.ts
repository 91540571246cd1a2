// phase-notice: on workdays at 09:00, per the plan's phases (seeds/003: 集中攻坚 then 迎接验收): on a phase's first
// workday its start (name, goal, dates) goes to the office chat and every group chat; five workdays before its last
// day its open tasks go to the office chat and, per lead unit, to that unit's chat with its liaisons @-mentioned.
// The job ledger keeps each notice to once per phase.
import { and, asc, eq } from 'drizzle-orm';
import { tasks } from '../db/schema.js';
import { calendarOf, workdaysBetween } from '../src/core/calendar.js';
import { lightsOf } from '../src/ledger/light.js';
import { phaseEndingCard, phaseStartCard } from '../src/ledger/phase-cards.js';
import { endNoticeDay, phasesOf, startNoticeDay, workdaysLeft } from '../src/ledger/phases.js';
import { chatOf, leadsGroup, type Org } from '../src/org.js';
import { defineJob, timeOf, type Occasion } from './define.js';
import { dailyAt, type Post } from './occasions.js';
import type { Task } from '../src/ledger/tasks.js';

const BEFORE_END = 5;

/** Where a lead unit hears about its tasks: the chats of the groups it leads, else the task's own group chat. */
function leadChats(org: Org, task: Task): string[] {
  const led = org.groups.filter((g) => leadsGroup(g, task.leadUnitId)).map((g) => chatOf(org, 'group', g.id));
  const chats = led.filter((c): c is string => Boolean(c));
  if (chats.length) return chats;
  const own = task.groupId ? chatOf(org, 'group', task.groupId) : undefined;
  return own ? [own] : [];
}

export default defineJob({
  name: 'phase-notice',
  schedule: 'workdays 09:00: a phase’s first workday, and five workdays before its last day',
  summary: '阶段提示：阶段开始时通知目标和时间；阶段结束前5个工作日列出本阶段未销账任务，发办公室群和牵头单位群',
  occasions(ctx, from, to) {
    const phases = phasesOf(ctx.campaign);
    if (!phases.length) return [];
    const out: Occasion[] = [];
    for (const d of dailyAt(from, to, timeOf(ctx, 'phase-notice', '09:00'))) {
      const day = d.toISODate()!;
      for (const p of phases) {
        if (startNoticeDay(ctx.calendar, p) === day) out.push({ period: `start:${p.name}`, at: d, until: d.endOf('day'), data: { phase: p.name, kind: 'start' } });
        if (endNoticeDay(ctx.calendar, p, BEFORE_END) === day) out.push({ period: `ending:${p.name}`, at: d, until: d.endOf('day'), data: { phase: p.name, kind: 'ending' } });
      }
    }
    return out;
  },
  async posts(ctx, occ, now) {
    const all = phasesOf(ctx.campaign);
    const p = all.find((x) => x.name === occ.data?.phase);
    if (!p) return [];
    const cal = calendarOf(ctx.campaign);
    const office = chatOf(ctx.org, 'office');
    const day = occ.at.toISODate()!;
    if (occ.data?.kind === 'start') {
      const next = all.find((x) => x.from > p.to);
      const c = phaseStartCard(ctx.t, p, { workdays: workdaysLeft(cal, p.from, p), next });
      const chats = [office, ...ctx.org.groups.map((g) => chatOf(ctx.org, 'group', g.id))].filter((x): x is string => Boolean(x));
      return [...new Set(chats)].map((chatId) => ({ chatId, card: c }));
    }
    const open = await ctx.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.campaignId, ctx.campaign.id), eq(tasks.phase, p.name), eq(tasks.status, 'open')))
      .orderBy(asc(tasks.deadline), asc(tasks.seq));
    const lights = await lightsOf(ctx.db, ctx.campaign, open, now);
    const items = open.map((task) => ({ task, light: lights.get(task.id) }));
    // Workdays after today up to the last day: five on the day of this notice.
    const left = workdaysBetween(cal, day, p.to);
    const posts: Post[] = [];
    if (office) posts.push({ chatId: office, card: phaseEndingCard(ctx.t, ctx.org, p, items, { left, mention: false }) });
    const byChat = new Map<string, typeof items>();
    for (const i of items) for (const chatId of leadChats(ctx.org, i.task)) if (chatId !== office) byChat.set(chatId, [...(byChat.get(chatId) ?? []), i]);
    for (const [chatId, mine] of byChat) posts.push({ chatId, card: phaseEndingCard(ctx.t, ctx.org, p, mine, { left, mention: true }) });
    return posts;
  },
});
