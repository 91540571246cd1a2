// monthly-bulletin: the last workday of each month at 16:00, into the leaders' and the office chats: the month in
// numbers with a chart of reports on time per group.
import { buildBulletin } from '../src/bulletin/build.js';
import { chatOf } from '../src/org.js';
import { defineJob, timeOf } from './define.js';
import { dailyAt, isLastWorkdayOfMonth } from './occasions.js';

export default defineJob({
  name: 'monthly-bulletin',
  schedule: 'the last workday of each month, 16:00',
  summary: '月度通报：报送、台账、问题的本月数字和图表，发领导小组群和办公室群',
  occasions(ctx, from, to) {
    return dailyAt(from, to, timeOf(ctx, 'monthly-bulletin', '16:00'))
      .filter((d) => isLastWorkdayOfMonth(ctx.calendar, d))
      .map((d) => ({ period: d.toFormat('yyyy-MM'), at: d, until: d.endOf('day') }));
  },
  async posts(ctx, occ, now) {
    const card = await buildBulletin(ctx.db, ctx.org, occ.period, now, ctx.lang);
    return [chatOf(ctx.org, 'leaders'), chatOf(ctx.org, 'office')].filter((c): c is string => Boolean(c)).map((chatId) => ({ chatId, card }));
  },
});
