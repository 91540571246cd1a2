// 落后 / lagging [本周|上周|本月|上月|第47周|2026年10月]: only the lagging units, worst first, each with why (missed
// report, late report, overdue tasks). The answer always names the week or month it is about, with its dates.
// The score is in src/reports/scoring.ts and the README.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { readPeriod, spanLabel } from '../src/core/period-words.js';
import { fold } from '../src/core/text.js';
import { laggingCard } from '../src/reports/cards.js';
import { laggingUnits, periodsIn, pickSpan, spanRange, type Span, type SpanRange, type Which } from '../src/reports/status.js';
import type { Org } from '../src/org.js';
import { defineCommand } from './define.js';

const WORDS: Record<string, [Span, Which]> = {
  '': ['week', 'latest'],
  本周: ['week', 'this'], 这周: ['week', 'this'], 周: ['week', 'this'], week: ['week', 'this'], thisweek: ['week', 'this'], weekly: ['week', 'this'],
  上周: ['week', 'last'], 上一周: ['week', 'last'], lastweek: ['week', 'last'],
  本月: ['month', 'this'], 这个月: ['month', 'this'], 月: ['month', 'this'], month: ['month', 'this'], thismonth: ['month', 'this'], monthly: ['month', 'this'],
  上月: ['month', 'last'], 上个月: ['month', 'last'], lastmonth: ['month', 'last'],
};

/** The week or month the words name: 本周, 上周, 本月, 上月, a week (第47周, 2026-W47) or a month (2026年10月, 10月). */
export function readSpan(org: Org, text: string, now: Date): SpanRange | undefined {
  const word = WORDS[fold(text)];
  if (word) return pickSpan(org, word[0], word[1], now);
  const zone = org.campaign.timezone;
  const cal = calendarOf(org.campaign);
  const week = readPeriod({ cadence: 'weekly', due: { time: '00:00' } }, text, now, zone, cal);
  if (week) return spanRange(org, 'week', week, now);
  const month = readPeriod({ cadence: 'monthly', due: { time: '00:00' } }, text, now, zone, cal);
  return month ? spanRange(org, 'month', month, now) : undefined;
}

export default defineCommand({
  name: 'lagging',
  words: { zh: ['落后', '落后单位'], en: ['lagging'] },
  summary: { zh: '落后单位：未报送、逾期报送、逾期任务，最差的在前', en: 'lagging units, worst first, with reasons' },
  usage: { zh: '落后 [本周|上周|本月|上月|第47周|2026年10月]', en: 'lagging [this week|last week|this month|last month|2026-W47|2026-10]' },
  examples: ['落后', '落后 上周', '落后 本月', 'lagging last month'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const now = ctx.clock.now();
    const range = readSpan(ctx.org, text, now);
    if (!range) return { text: ctx.t(`「${text.trim()}」不是一周或一个月。可以写：本周、上周、本月、上月、第47周、2026年10月。`, `"${text.trim()}" is not a week or a month. Write: this week, last week, this month, last month, 2026-W47 or 2026-10.`) };
    const lagging = await laggingUnits(ctx.db, ctx.org, periodsIn(ctx.org, range, now), now);
    const label = spanLabel(range.span, range.key, range.which, { zone: ctx.campaign.timezone, cal: calendarOf(ctx.campaign), lang: ctx.lang });
    return { card: laggingCard(lagging, { org: ctx.org, label, t: ctx.t, lang: ctx.lang }) };
  },
});
