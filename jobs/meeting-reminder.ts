// meeting-reminder: a day and 30 minutes before each sitting of a meeting, into the attendee chats. The day-before
// reminder of a Monday meeting would fall on Sunday: it goes out on the previous workday at the same time instead.
// Its upkeep keeps the Lark calendar events of the standing meetings' sittings in the next two weeks in step.
import { DateTime } from 'luxon';
import { reminderCard } from '../src/meetings/cards.js';
import { syncStandingMeetings } from '../src/meetings/calendar.js';
import { meetingRemindersBetween, type MeetingReminder } from '../src/meetings/reminders.js';
import { defineJob, type Occasion } from './define.js';
import { backToWorkday } from './occasions.js';

/** How far a day-before reminder can move back: a long holiday (春节) plus a weekend. */
const MAX_SHIFT_DAYS = 10;

export default defineJob({
  name: 'meeting-reminder',
  schedule: 'every minute: 1 day (previous workday) and 30 minutes before each meeting',
  summary: '会议提醒：会前一天（遇节假日提前到上一个工作日）、会前30分钟提醒参会单位',
  async occasions(ctx, from, to) {
    const due = await meetingRemindersBetween(ctx.db, ctx.campaign, ctx.org, from.toJSDate(), to.plus({ days: MAX_SHIFT_DAYS }).toJSDate());
    const out: Occasion[] = [];
    for (const r of due) {
      const at = r.offset === '1d' ? backToWorkday(ctx.calendar, r.startsAt.minus({ days: 1 })) : r.startsAt.minus({ minutes: 30 });
      // A reminder is useless once the meeting has begun.
      if (at > from && at <= to) out.push({ period: r.key, at, until: r.startsAt, data: { chats: r.chats, reminder: r, startsAt: r.startsAt.toISO() } });
    }
    return out;
  },
  async posts(ctx, occ, now) {
    const startsAt = DateTime.fromISO(String(occ.data?.startsAt), { zone: ctx.zone });
    if (startsAt.toMillis() <= now.getTime()) return [];
    // Worded when it goes out (明天 / 3天后（周一） / 今天), from the sitting and the moment of sending.
    const r = occ.data?.reminder as MeetingReminder;
    const card = reminderCard(r.meeting, ctx.org, ctx.campaign.locale === 'en' ? 'en' : 'zh', startsAt, r.offset, DateTime.fromJSDate(now, { zone: ctx.zone }));
    return (occ.data?.chats as string[]).map((chatId) => ({ chatId, card }));
  },
  async maintain(ctx, now) {
    await syncStandingMeetings(ctx.db, ctx.messenger, ctx.log, ctx.org, ctx.calendar, now);
  },
});
