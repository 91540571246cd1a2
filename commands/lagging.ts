// 落后 / lagging [week or month]: only the lagging units, worst first, each with why (missed report, late report,
// overdue tasks). The score is in src/reports/scoring.ts and the README.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { fold } from '../src/core/text.js';
import { laggingCard } from '../src/reports/cards.js';
import { laggingUnits, periodsFor, type Span } from '../src/reports/status.js';
import { defineCommand } from './define.js';

const WEEK = ['', 'week', 'thisweek', '本周', '周', '上周', 'weekly'];
const MONTH = ['month', 'thismonth', '本月', '月', 'monthly'];

export default defineCommand({
  name: 'lagging',
  words: { zh: ['落后', '落后单位'], en: ['lagging'] },
  summary: { zh: '落后单位：未报送、逾期报送、逾期任务，最差的在前', en: 'lagging units, worst first, with reasons' },
  usage: { zh: '落后 [本周|本月]', en: 'lagging [week|month]' },
  examples: ['落后', '落后 本月', 'lagging month'],
  roles: 'anyone',
  args: z.object({
    text: z
      .string()
      .transform((s) => fold(s))
      .refine((s) => WEEK.includes(s) || MONTH.includes(s), { message: '请写「本周」或「本月」' })
      .transform((s): Span => (MONTH.includes(s) ? 'month' : 'week')),
  }),
  async handle(ctx, { text: span }) {
    const now = ctx.clock.now();
    const periods = periodsFor(ctx.org, span, now);
    const lagging = await laggingUnits(ctx.db, ctx.org, periods, now);
    const month = DateTime.fromJSDate(now, { zone: ctx.campaign.timezone });
    const keys = [...new Set(periods.map((p) => p.period))].join(ctx.t('、', ', '));
    const label =
      span === 'month'
        ? ctx.t(`本月（${month.toFormat('yyyy年M月')}）`, `this month (${month.toFormat('yyyy-MM')})`)
        : ctx.t(`本周${keys ? `（${keys}）` : ''}`, `this week${keys ? ` (${keys})` : ''}`);
    return { card: laggingCard(lagging, { org: ctx.org, label, t: ctx.t, lang: ctx.lang }) };
  },
});
