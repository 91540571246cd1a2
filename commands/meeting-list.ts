// 会议 列表 / meeting list: the meetings ahead — one-off meetings and the next sitting of each standing series.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { listTitle } from '../src/core/limits.js';
import { card, md, esc, note, table } from '../src/lark/cards.js';
import { when } from '../src/meetings/cards.js';
import { describeRecurrence } from '../src/meetings/recurrence.js';
import { kindName, meetingRef, upcomingMeetings } from '../src/meetings/store.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'meeting list',
  words: { zh: ['会议 列表', '会议列表', '会议 安排表'], en: ['meeting list', 'meetings'] },
  summary: { zh: '查看近期会议', en: 'the meetings ahead' },
  usage: { zh: '会议 列表', en: 'meeting list' },
  examples: ['会议 列表', 'meeting list'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx) {
    const { t, org, campaign } = ctx;
    const cal = calendarOf(campaign);
    const list = await upcomingMeetings(ctx.db, campaign.id, ctx.clock.now(), campaign.timezone, cal);
    const rows = list.slice(0, 30).map(({ meeting: m, at }) => ({
      id: meetingRef(m),
      title: listTitle(m.title),
      when: when(at, ctx.lang) + (m.recurrence ? `（${describeRecurrence(m.recurrence, ctx.lang)}）` : ''),
      place: m.place || '—',
      kind: kindName(m.kind, ctx.lang),
      group: org.group(m.groupId)?.name ?? org.unit(m.organiserUnitId)?.name ?? '',
    }));
    return {
      card: card({
        title: t(`近期会议 · ${campaign.name}`, `Meetings ahead · ${campaign.name}`),
        elements: rows.length
          ? [
              table(
                [
                  { name: 'id', title: t('编号', 'ID'), width: '80px' },
                  { name: 'title', title: t('会议', 'Meeting') },
                  { name: 'when', title: t('时间', 'When') },
                  { name: 'place', title: t('地点', 'Place') },
                  { name: 'kind', title: t('类型', 'Kind') },
                  { name: 'group', title: t('工作组/召集单位', 'Group / organiser') },
                ],
                rows,
              ),
              note(esc(t('发送「会议 查看 M编号」查看详情和会议备忘。', 'Send "meeting show M<n>" for details and minutes.'))),
            ]
          : [md(esc(t('近期没有安排会议。发送「会议 安排 标题 时间：明天10:00」安排一次。', 'No meetings ahead. Send "meeting add <title> at:tomorrow 10am" to schedule one.')))],
      }),
    };
  },
});
