// 通报 / bulletin [month]: the month's bulletin now (the monthly-bulletin job posts the same at month end).
import { DateTime } from 'luxon';
import { z } from 'zod';
import { buildBulletin } from '../src/bulletin/build.js';
import { halfWidth } from '../src/core/text.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'bulletin',
  words: { zh: ['通报', '月度通报'], en: ['bulletin'] },
  summary: { zh: '本月（或指定月份）的通报：报送、台账、问题的数字和图表', en: "the month's bulletin: reports, ledger and problems in numbers, with a chart" },
  usage: { zh: '通报 [2026-11 | 11月 | 上月]', en: 'bulletin [2026-11 | last month]' },
  examples: ['通报', '通报 上月', 'bulletin 2026-10'],
  roles: ['office', 'commander', 'deputy'],
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const now = DateTime.fromJSDate(ctx.clock.now(), { zone: ctx.campaign.timezone });
    const s = halfWidth(text).trim().toLowerCase();
    let month: DateTime | undefined;
    let m: RegExpExecArray | null;
    if (!s || s === '本月' || s === 'this month') month = now;
    else if (s === '上月' || s === '上个月' || s === 'last month') month = now.minus({ months: 1 });
    else if ((m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s))) month = DateTime.fromObject({ year: +m[1]!, month: +m[2]! }, { zone: ctx.campaign.timezone });
    else if ((m = /^(\d{1,2})月$/.exec(s))) month = DateTime.fromObject({ year: now.year, month: +m[1]! }, { zone: ctx.campaign.timezone });
    if (!month?.isValid || month.startOf('month') > now) {
      return { text: ctx.t(`没看懂月份「${text}」。可以写：通报、通报 上月、通报 2026-10、通报 10月（不能是将来的月份）。`, `Cannot read the month "${text}". Try: bulletin, bulletin last month, bulletin 2026-10 (not a future month).`) };
    }
    return { card: await buildBulletin(ctx.db, ctx.org, month.toFormat('yyyy-MM'), ctx.clock.now(), ctx.lang) };
  },
});
