// 会议 安排 / meeting add: schedule a meeting at a natural date-time, with place, attendee units and kind; also a Lark
// calendar event when the app has the calendar scope.
import { z } from 'zod';
import { parseDateTime } from '../src/core/dates.js';
import { splitList } from '../src/core/text.js';
import { esc, note } from '../src/lark/cards.js';
import { mayAddInGroup } from '../src/ledger/rules.js';
import { matchGroup, unitsOfGroup, type Group } from '../src/org.js';
import { describeMiss, resolveUnits } from '../src/meetings/attendees.js';
import { calendarNote, createMeetingEvent } from '../src/meetings/calendar.js';
import { meetingCard } from '../src/meetings/cards.js';
import { addMeeting, KINDS, kindOf, meetingRef, setCalendarEvent, type MeetingKind } from '../src/meetings/store.js';
import { defineCommand, roleList, type Ctx } from './define.js';

const TIME_FORMS_ZH = '明天10:00、下周一下午3点、12月1日 9:30、2026-12-01 14:00';
const TIME_FORMS_EN = 'tomorrow 10am, next monday 3pm, 2026-12-01 14:00';

/** 90, 90分钟, 1.5小时, 2h, 45m → minutes. */
function readDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(分钟|分|min|mins|minutes?|m|小时|个小时|h|hours?)?$/i.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] && /^(小时|个小时|h|hour)/i.test(m[2]) ? 60 : 1);
  return n >= 5 && n <= 24 * 60 ? Math.round(n) : undefined;
}

/** The group whose chat this is, if it is one. */
function boundGroup(ctx: Pick<Ctx, 'org' | 'chat'>): Group | undefined {
  const bound = ctx.org.chats.find((c) => c.chatId === ctx.chat.id && c.kind === 'group' && c.active);
  return bound ? ctx.org.group(bound.groupId) : undefined;
}

export default defineCommand({
  name: 'meeting add',
  words: { zh: ['会议 安排', '安排会议', '会议 新增'], en: ['meeting add', 'meeting schedule'] },
  summary: { zh: '安排会议（调度会、例会、协调会等），可同步飞书日程', en: 'schedule a meeting (and a Lark calendar event)' },
  usage: {
    zh: '会议 安排 <标题> 时间：<日期时间> [地点：…] [参会：单位、单位] [类型：调度会|例会|协调会|专题会|推动会|联席会议] [时长：90分钟] [工作组：…]',
    en: 'meeting add <title> at:<date time> [place:…] [units:<unit>, <unit>] [kind:dispatch|regular|coordination|topic|push|joint] [duration:90m] [group:…]',
  },
  examples: ['会议 安排 搬迁方案协调会 时间：明天10:00 地点：区住建委305会议室 参会：经开区管委会、新河街道办事处 类型：协调会', 'meeting add Weekly dispatch at:tomorrow 10am place:Room 305 units:区公安局 kind:dispatch'],
  roles: ['office', 'group_lead', 'commander', 'deputy'],
  keys: {
    at: ['时间', '会议时间', 'at', 'when', 'time'],
    place: ['地点', '会议地点', 'place', 'where'],
    units: ['参会', '参会单位', 'units', 'attendees'],
    kind: ['类型', '会议类型', 'kind', 'type'],
    duration: ['时长', 'duration'],
    group: ['工作组', 'group'],
  },
  args: z.object({
    text: z.string().min(1, { message: '请写会议标题 / the meeting needs a title' }),
    at: z.string({ message: '请写「时间：明天10:00」/ add at:<date time>' }).min(1, { message: '请写「时间：明天10:00」/ add at:<date time>' }),
    place: z.string().optional(),
    units: z.string().optional(),
    kind: z.string().optional(),
    duration: z.string().optional(),
    group: z.string().optional(),
  }),
  // group_lead is a role per group: a group lead schedules meetings of the groups they lead (named, or this chat's
  // group), or of no group; the managers schedule anywhere. An unknown group is answered by handle(), with candidates.
  allow(ctx, a) {
    const g = a.group ? matchGroup(ctx.org, a.group) : undefined;
    const group = g ? (g.ok ? g.value : undefined) : boundGroup(ctx);
    if (!group || mayAddInGroup(ctx.actor, group.id)) return true;
    const mine = ctx.actor.person.leadGroupIds.map((id) => ctx.org.group(id)?.name ?? '').filter(Boolean);
    const roles = roleList(['office', 'commander', 'deputy'], ctx.lang);
    return {
      refused: ctx.t(
        `工作组组长只能为自己牵头的工作组（${mine.join('、') || '无'}）安排会议，「${group.name}」不在其中。请联系${roles}，或写明「工作组：…」为自己的工作组安排。`,
        `A group lead schedules meetings only for their own groups (${mine.join(', ') || 'none'}); "${group.name}" is not one. Ask the ${roles}, or name your own group with group:….`,
      ),
    };
  },
  async handle(ctx, a) {
    const { t, org, campaign } = ctx;
    const now = ctx.clock.now();
    const start = parseDateTime(a.at, now, campaign.timezone);
    if (!start?.isValid) return { text: t(`看不懂会议时间「${a.at}」。可以这样写：${TIME_FORMS_ZH}`, `Cannot read the time "${a.at}". Write e.g. ${TIME_FORMS_EN}`) };
    if (start.toMillis() < now.getTime()) return { text: t(`会议时间「${a.at}」已经过去了，请写一个将来的时间。`, `"${a.at}" is in the past; give a time ahead.`) };

    let kind: MeetingKind = 'regular';
    if (a.kind) {
      const k = kindOf(a.kind);
      if (!k) return { text: t(`没有「${a.kind}」这种会议类型。可选：${Object.values(KINDS).map((x) => x.zh).join('、')}`, `No meeting kind "${a.kind}". Kinds: ${Object.keys(KINDS).join(', ')}`) };
      kind = k;
    }

    let group: Group | undefined;
    if (a.group) {
      const g = matchGroup(org, a.group);
      if (!g.ok) return { text: t(`没有找到工作组「${a.group}」。可选：${(g.candidates.length ? g.candidates : org.groups).map((x) => x.name).join('、')}`, `No group "${a.group}". Groups: ${org.groups.map((x) => x.name).join(', ')}`) };
      group = g.value;
    } else group = boundGroup(ctx);

    let attendeeUnitIds: number[] = [];
    if (a.units) {
      const r = resolveUnits(org, splitList(a.units));
      if (!r.ok) return { text: r.misses.map((m) => describeMiss(org, m, ctx.lang)).join('\n') };
      attendeeUnitIds = r.units.map((u) => u.id);
    } else if (group) attendeeUnitIds = unitsOfGroup(org, group).map((u) => u.id);

    let durationMin = 60;
    if (a.duration) {
      const d = readDuration(a.duration);
      if (!d) return { text: t(`看不懂时长「${a.duration}」，可写：90分钟、1.5小时`, `Cannot read the duration "${a.duration}"; write e.g. 90m or 1.5h`) };
      durationMin = d;
    }

    let meeting = await addMeeting(
      ctx.dbh,
      campaign.id,
      { title: a.text, kind, startsAt: start.toJSDate(), durationMin, place: a.place ?? '', attendeeUnitIds, organiserUnitId: ctx.actor.person.unitId, groupId: group?.id ?? null },
      now,
      ctx.actor.person.id,
    );
    const cal = await createMeetingEvent(ctx.messenger, ctx.log, org, meeting);
    if (cal.kind === 'created') {
      await setCalendarEvent(ctx.db, meeting, cal.eventId);
      meeting = { ...meeting, calendarEventId: cal.eventId };
    }
    return {
      card: meetingCard(meeting, org, ctx.lang, {
        start,
        heading: t('已安排会议', 'Meeting scheduled'),
        extra: [note(esc(calendarNote(cal, ctx.lang))), note(esc(t(`会前 1 天和 30 分钟将在参会群提醒。会后发送「会议 纪要 ${meetingRef(meeting)} …」记录会议备忘。`, `Reminders go to the attendee chats a day and 30 minutes before. Afterwards send "meeting minutes ${meetingRef(meeting)} …".`)))],
      }),
    };
  },
});
