// 会议 查看 / meeting show <id>: one meeting with its next sitting, its minutes (会议备忘) and the tasks they created.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { esc, md, plain } from '../src/lark/cards.js';
import { sittingsAhead } from '../src/meetings/calendar.js';
import { meetingCard } from '../src/meetings/cards.js';
import { findMeeting, historyOfMeeting, nextStart, parseMeetingRef, startOf, tasksOfMeeting } from '../src/meetings/store.js';
import { defineCommand } from './define.js';

export const meetingId = z
  .string()
  .transform((s) => s.trim().split(/\s+/)[0] ?? '')
  .pipe(z.string().regex(/^#?[mM]?\d+$/, { message: '请写会议编号，例如 M3 / give the meeting number, e.g. M3' }));

export default defineCommand({
  name: 'meeting show',
  words: { zh: ['会议 查看', '查看会议', '会议 详情'], en: ['meeting show'] },
  summary: { zh: '查看一次会议及其会议备忘', en: 'one meeting, with its minutes' },
  usage: { zh: '会议 查看 <编号>', en: 'meeting show <id>' },
  examples: ['会议 查看 M1', 'meeting show M1'],
  roles: 'anyone',
  args: z.object({ text: meetingId }),
  async handle(ctx, { text }) {
    const { t, campaign } = ctx;
    const m = await findMeeting(ctx.db, campaign.id, parseMeetingRef(text)!);
    if (!m) return { text: t(`没有会议 ${text}。发送「会议 列表」查看近期会议。`, `No meeting ${text}. Send "meeting list" for the meetings ahead.`) };
    const cal = calendarOf(campaign);
    const start = nextStart(m, ctx.clock.now(), campaign.timezone, cal) ?? startOf(m, campaign.timezone);
    const linked = await tasksOfMeeting(ctx.db, m);
    const extra = [];
    if (m.recurrence && m.status === 'scheduled') {
      const onCalendar = await sittingsAhead(ctx.db, m, ctx.clock.now());
      if (onCalendar.length) {
        const when = onCalendar.map((r) => DateTime.fromISO(r.startsAt, { zone: campaign.timezone }).toFormat('M/d HH:mm')).join(t('、', ', '));
        extra.push(md(esc(t(`飞书日历已排入此后 ${onCalendar.length} 次：${when}`, `On the Lark calendar, the next ${onCalendar.length}: ${when}`))));
      }
    }
    if (m.minutes) extra.push(md(`**${t('会议备忘', 'Minutes')}**`), plain(m.minutes));
    // The meeting's history: who scheduled it, each version of the minutes (earlier ones are kept), a cancellation.
    const history = await historyOfMeeting(ctx.db, m);
    if (history.length) {
      const who = (id: number | null) => ctx.org.people.find((p) => p.id === id)?.name ?? '';
      const what = { scheduled: t('安排', 'scheduled'), minutes: t('记录会议备忘', 'minutes recorded'), cancelled: t('取消', 'cancelled') } as Record<string, string>;
      const lines = history.map((e) => `- ${esc(`${DateTime.fromISO(e.at, { zone: campaign.timezone }).toFormat('M/d HH:mm')} ${who(e.byPersonId)}${what[e.kind] ?? e.kind}`)}`);
      extra.push(md(`**${t('办理记录', 'History')}**\n${lines.join('\n')}`));
    }
    if (linked.length) {
      const status = (s: string) => (s === 'done' ? t('已销账', 'done') : s === 'cancelled' ? t('已取消', 'cancelled') : t('进行中', 'open'));
      extra.push(md(`**${t('会议议定事项', 'Action items')}**\n${linked.map((x) => `- **T${x.seq}** ${esc(x.title)}　${x.deadline}　${status(x.status)}`).join('\n')}`));
    }
    return { card: meetingCard(m, ctx.org, ctx.lang, { start, extra }) };
  },
});
