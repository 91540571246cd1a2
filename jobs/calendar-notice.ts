// calendar-notice: once per campaign and year, in the office chat, when the coming or current year's official holiday
// schedule is unknown (neither chinese-days nor the plan's `calendar:`): how Duban counts workdays meanwhile and how
// to add the schedule. From 1 December of the year before; the job ledger keeps it to one message per year.
import { DateTime } from 'luxon';
import { calendarNotice } from '../src/core/calendar-notice.js';
import { card, esc, md, plain } from '../src/lark/cards.js';
import { chatOf } from '../src/org.js';
import { defineJob, type Occasion } from './define.js';
import { dailyAt, isWorkday } from './occasions.js';

/** The year whose schedule the office should add, as seen on `d`: its own, or from December the next one. */
function yearToAnnounce(ctx: { calendar: { covers(y: number): boolean; kind: string } }, d: DateTime): number | undefined {
  if (ctx.calendar.kind === 'none') return undefined;
  if (!ctx.calendar.covers(d.year)) return d.year;
  return d.month === 12 && !ctx.calendar.covers(d.year + 1) ? d.year + 1 : undefined;
}

export default defineJob({
  name: 'calendar-notice',
  schedule: 'workdays 09:00, once per year, when a year’s official holiday schedule is unknown (from 1 December before)',
  summary: '节假日安排提示：缺少当年官方放假安排时，提醒办公室在工作方案中补充（每年一次）',
  occasions(ctx, from, to) {
    const out: Occasion[] = [];
    for (const d of dailyAt(from, to, '09:00')) {
      const year = yearToAnnounce(ctx, d);
      if (year !== undefined && isWorkday(ctx.calendar, d)) out.push({ period: `calendar:${year}`, at: d, until: d.endOf('day'), data: { year } });
    }
    return out;
  },
  async posts(ctx, occ) {
    const office = chatOf(ctx.org, 'office');
    if (!office) return [];
    const n = calendarNotice(Number(occ.data?.year), ctx.campaign.locale === 'en' ? 'en' : 'zh');
    return [{ chatId: office, card: card({ title: n.title, template: 'yellow', elements: [md(esc(n.text)), plain(n.example)] }) }];
  },
});
