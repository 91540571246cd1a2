// lagging-units: the lagging list (通报) at 17:30 on the last workday of each week and of each month, into each group
// chat (its own lagging units) and the leaders' chat (all of them), with the score chart.
import { laggingCard } from '../src/reports/cards.js';
import { spanLabel } from '../src/core/period-words.js';
import { laggingUnits, periodsIn, pickSpan, type Span } from '../src/reports/status.js';
import { chatOf, unitsOfGroup } from '../src/org.js';
import { defineJob, type Occasion, type Post, timeOf } from './define.js';
import { dailyAt, isLastWorkdayOfMonth, lastWorkdayOfWeek } from './occasions.js';

export default defineJob({
  name: 'lagging-units',
  schedule: 'the last workday of each week and of each month, 17:30',
  summary: '落后单位通报：每周、每月最后一个工作日点名落后单位',
  occasions(ctx, from, to) {
    const out: Occasion[] = [];
    for (const d of dailyAt(from, to, timeOf(ctx, 'lagging-units', '17:30'))) {
      const until = d.endOf('day');
      if (lastWorkdayOfWeek(ctx.calendar, d) === d.toISODate()) out.push({ period: `week:${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`, at: d, until, data: { span: 'week' } });
      if (isLastWorkdayOfMonth(ctx.calendar, d)) out.push({ period: `month:${d.toFormat('yyyy-MM')}`, at: d, until, data: { span: 'month' } });
    }
    return out;
  },
  async posts(ctx, occ, now) {
    const span = occ.data?.span as Span;
    const { t, lang } = ctx;
    // This week's (month's) periods due so far: both halves of a twice-weekly week, none for a week off work.
    const range = pickSpan(ctx.org, span, 'this', now);
    const lagging = await laggingUnits(ctx.db, ctx.org, periodsIn(ctx.org, range, now), now);
    const label = spanLabel(span, range.key, range.which, { zone: ctx.zone, cal: ctx.calendar, lang });
    const posts: Post[] = [];
    for (const g of ctx.org.groups) {
      const chatId = chatOf(ctx.org, 'group', g.id);
      const ids = new Set(unitsOfGroup(ctx.org, g).map((u) => u.id));
      const mine = lagging.filter((l) => ids.has(l.unitId));
      if (chatId && mine.length) posts.push({ chatId, card: laggingCard(mine, { org: ctx.org, label: `${g.name} · ${label}`, t, lang }) });
    }
    const leaders = chatOf(ctx.org, 'leaders');
    if (leaders) posts.push({ chatId: leaders, card: laggingCard(lagging, { org: ctx.org, label, t, lang }) });
    return posts;
  },
});
