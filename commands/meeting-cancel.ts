// 会议 取消 / meeting cancel <id>: cancel a meeting (or a standing series), remove its Lark calendar event, tell its chats.
import { z } from 'zod';
import { card, esc, md } from '../src/lark/cards.js';
import { attendeeChats } from '../src/meetings/attendees.js';
import { calendarOf } from '../src/core/calendar.js';
import { deleteMeetingEvent, syncStandingMeetings, type SittingsSync } from '../src/meetings/calendar.js';
import { cancelMeeting, findMeeting, mayManage, meetingRef, parseMeetingRef, type Meeting } from '../src/meetings/store.js';
import { queue } from '../src/outbox.js';
import { defineCommand, roleList } from './define.js';
import { meetingId } from './meeting-show.js';

export default defineCommand({
  name: 'meeting cancel',
  words: { zh: ['会议 取消', '取消会议'], en: ['meeting cancel'] },
  summary: { zh: '取消会议，同步删除飞书日程', en: 'cancel a meeting and its calendar event' },
  usage: { zh: '会议 取消 <编号>', en: 'meeting cancel <id>' },
  examples: ['会议 取消 M3', 'meeting cancel M3'],
  roles: ['office', 'group_lead', 'commander', 'deputy'],
  args: z.object({ text: meetingId }),
  async allow(ctx, { text }) {
    const m = await findMeeting(ctx.db, ctx.campaign.id, parseMeetingRef(text)!);
    if (!m || mayManage(ctx.actor, m)) return true;
    const roles = roleList(['office', 'commander', 'deputy'], ctx.lang);
    return { refused: ctx.t(`只有${roles}，或本工作组组长、召集单位的工作组组长可以取消 ${meetingRef(m)}。`, `Only the ${roles}, or the lead of the meeting's group, may cancel ${meetingRef(m)}.`) };
  },
  async handle(ctx, { text }) {
    const { t, campaign } = ctx;
    const m = await findMeeting(ctx.db, campaign.id, parseMeetingRef(text)!);
    if (!m) return { text: t(`没有会议 ${text}。发送「会议 列表」查看近期会议。`, `No meeting ${text}. Send "meeting list" for the meetings ahead.`) };
    if (m.status === 'cancelled') return { text: t(`${meetingRef(m)}「${m.title}」已经取消过了。`, `${meetingRef(m)} "${m.title}" was already cancelled.`) };
    const removed = await deleteMeetingEvent(ctx.messenger, ctx.log, m);
    await cancelMeeting(ctx.dbh, m, { by: ctx.actor.person.id, at: ctx.clock.now() });
    // A standing series: the events of its sittings ahead go now (the job's next tick would retry what fails).
    const series = m.recurrence
      ? await syncStandingMeetings(ctx.db, ctx.messenger, ctx.log, ctx.org, calendarOf(campaign), ctx.clock.now(), m)
      : undefined;
    const notice = card({
      title: t(`会议取消 ${meetingRef(m)} · ${m.title}`, `Meeting cancelled ${meetingRef(m)} · ${m.title}`),
      template: 'grey',
      elements: [md(esc(t(`${ctx.actor.person.name}取消了本次会议${m.recurrence ? '（例行会议整个系列）' : ''}。`, `${ctx.actor.person.name} cancelled this meeting${m.recurrence ? ' (the whole series)' : ''}.`)))],
    });
    const key = ctx.chat.eventId ?? `${m.id}`;
    await queue(
      ctx.dbh,
      ctx.clock,
      attendeeChats(ctx.org, m)
        .filter((c) => c !== ctx.chat.id)
        .map((chat) => ({ dedupeKey: `meeting-cancel:${key}:${chat}`, campaignId: campaign.id, kind: 'send' as const, target: chat, msgType: 'interactive' as const, content: notice })),
    );
    const cal = calendarSentence(t, m, removed, series);
    return { text: t(`已取消会议 ${meetingRef(m)}「${m.title}」，已通知参会群。${cal}`, `Cancelled ${meetingRef(m)} "${m.title}" and told the attendee chats. ${cal}`) };
  },
});

/** What the reply says about the Lark calendar: the series' sitting events, or the one-off meeting's event. */
function calendarSentence(t: (zh: string, en: string) => string, m: Meeting, removed: boolean, series: SittingsSync | undefined): string {
  if (series?.failed) return t('飞书日历暂时无法访问，此后各次会议的日程将自动重试删除。', 'The Lark calendar could not be reached; removing the events of the sittings ahead will be retried.');
  if (series?.removed) return t(`已删除飞书日历中此后 ${series.removed} 次会议的日程。`, `Removed the Lark calendar events of the next ${series.removed} sitting(s).`);
  if (!m.calendarEventId) return '';
  return removed ? t('飞书日程已删除。', 'The Lark calendar event was removed.') : t('飞书日程删除失败，请在日历中手动删除。', 'The Lark calendar event could not be removed; please delete it by hand.');
}
