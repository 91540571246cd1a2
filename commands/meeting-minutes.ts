// 会议 纪要 / meeting minutes <id> <text>: keep the minutes (会议备忘) on the meeting, post them to the attendee chats,
// and turn each 议定事项 (`（三）由经开区管委会牵头，12月底前完成…`, `1. … 牵头：… 截止：…`, `- [ ] …`) into a ledger task
// linked to the meeting; the reply names every line that did not become a task, and why.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { attendeeChats, unitNames } from '../src/meetings/attendees.js';
import { minutesCard } from '../src/meetings/cards.js';
import { readMinutes } from '../src/meetings/minutes-lines.js';
import { minutesReplyCard } from '../src/meetings/minutes-reply.js';
import { mergedMinutes, recordMinutes } from '../src/meetings/minutes.js';
import { occurrences } from '../src/meetings/recurrence.js';
import { findMeeting, mayManage, meetingRef, type Meeting } from '../src/meetings/store.js';
import { queue } from '../src/outbox.js';
import { defineCommand, roleList, type Ctx } from './define.js';

const FORM_ZH = '会议 纪要 M3\n会议听取了各组工作进展汇报。会议议定如下：\n（一）由新河周转房办公室牵头，大沽街道办事处配合，12月10日前完成入户摸排\n2. 加快用地手续办理 牵头：规划资源分局 截止：12月15日';

const args = z.object({ text: z.string() }).transform(({ text }, c) => {
  const m = /^#?[mM]?(\d+)\s*[:：]?\s*([\s\S]*)$/.exec(text.trim());
  if (!m) {
    c.addIssue({ code: 'custom', message: '请先写会议编号，例如 M3 / start with the meeting number, e.g. M3' });
    return z.NEVER;
  }
  if (!m[2]!.trim()) {
    c.addIssue({ code: 'custom', message: '请在编号后写会议备忘内容 / write the minutes after the number' });
    return z.NEVER;
  }
  return { seq: Number(m[1]), minutes: m[2]!.trim() };
});

/** The date of the sitting minutes of a standing series are about: its latest sitting up to today. */
function lastSitting(ctx: Ctx, m: Meeting): string | undefined {
  if (!m.recurrence) return undefined;
  const now = ctx.clock.now();
  const from = new Date(now.getTime() - 40 * 86_400_000);
  const cal = calendarOf(ctx.campaign);
  const end = DateTime.fromJSDate(now, { zone: ctx.campaign.timezone }).endOf('day').toJSDate();
  return occurrences(m.recurrence, from, end, ctx.campaign.timezone, cal).at(-1)?.toISODate() ?? undefined;
}

/** The day 本周内 / 月底前 count from: the sitting the minutes are about when it has begun, else today. */
function referenceDay(ctx: Ctx, m: Meeting, sitting: string | undefined): Date {
  const now = ctx.clock.now();
  const zone = ctx.campaign.timezone;
  if (sitting) return DateTime.fromISO(sitting, { zone }).toJSDate();
  const start = m.startsAt ? new Date(m.startsAt) : undefined;
  return start && start <= now ? start : now;
}

export default defineCommand({
  name: 'meeting minutes',
  words: { zh: ['会议 纪要', '会议纪要', '会议 备忘', '会议备忘'], en: ['meeting minutes'] },
  summary: { zh: '记录会议备忘，议定事项纳入台账', en: 'record minutes; action items become ledger tasks' },
  usage: { zh: '会议 纪要 <编号> <内容>（「1. 事项 牵头：单位 截止：日期」「（三）由某单位牵头，12月底前完成…」这样的议定事项纳入台账）', en: 'meeting minutes <id> <text> (lines like "1. item lead:<unit> due:<date>" become tasks)' },
  examples: ['会议 纪要 M3 会议研究了入户摸排工作，明确了时间节点', FORM_ZH, 'meeting minutes M3 Agreed the plan.\n- [ ] Survey all households lead:新河周转房办公室 due:2026-12-10'],
  roles: ['office', 'group_lead', 'commander', 'deputy'],
  args,
  async allow(ctx, { seq }) {
    const m = await findMeeting(ctx.db, ctx.campaign.id, seq);
    if (!m || mayManage(ctx.actor, m)) return true;
    const roles = roleList(['office', 'commander', 'deputy'], ctx.lang);
    return { refused: ctx.t(`只有${roles}，或本工作组组长可以记录 ${meetingRef(m)} 的会议备忘。`, `Only the ${roles}, or the lead of the meeting's group, may record minutes of ${meetingRef(m)}.`) };
  },
  async handle(ctx, { seq, minutes }) {
    const { t, campaign, org } = ctx;
    const m = await findMeeting(ctx.db, campaign.id, seq);
    if (!m) return { text: t(`没有会议 M${seq}。发送「会议 列表」查看近期会议。`, `No meeting M${seq}. Send "meeting list" for the meetings ahead.`) };
    if (m.status === 'cancelled') return { text: t(`${meetingRef(m)}「${m.title}」已取消，不能记录会议备忘。`, `${meetingRef(m)} "${m.title}" was cancelled; no minutes.`) };
    const now = ctx.clock.now();
    const sitting = lastSitting(ctx, m);
    const cal = calendarOf(campaign);
    const read = readMinutes(minutes, org, referenceDay(ctx, m, sitting), campaign.timezone, cal);
    const { created, skipped } = await recordMinutes(ctx.dbh, m, mergedMinutes(m, minutes, sitting), read.tasks, { personId: ctx.actor.person.id }, now);
    const view = created.map(({ seq: s, item }) => ({ line: item.line, seq: s, title: item.title, lead: org.unit(item.leadUnitId)?.name ?? '', deadline: item.deadline }));
    const posted = minutesCard(m, org, ctx.lang, minutes, view);
    const key = ctx.chat.eventId ?? `${m.id}:${now.getTime()}`;
    const chats = attendeeChats(org, m).filter((c) => c !== ctx.chat.id);
    await queue(ctx.dbh, ctx.clock, chats.map((chat) => ({ dedupeKey: `minutes:${key}:${chat}`, campaignId: campaign.id, kind: 'send' as const, target: chat, msgType: 'interactive' as const, content: posted })));
    const notUnderstood = read.misses.filter((x) => !x.reasons.some((r) => r.code === 'heading')).length;
    const summary = [
      t(`已保存 ${meetingRef(m)} 的会议备忘`, `Minutes of ${meetingRef(m)} saved`),
      created.length ? t(`，${created.length} 项议定事项纳入台账：${created.map((c) => `T${c.seq}`).join('、')}`, `; ${created.length} action items added to the ledger: ${created.map((c) => `T${c.seq}`).join(', ')}`) : '',
      skipped.length ? t(`；${skipped.length} 项此前已纳入台账，未重复创建`, `; ${skipped.length} were already in the ledger`) : '',
      notUnderstood ? t(`；${notUnderstood} 行未能识别，未纳入台账（见下）`, `; ${notUnderstood} lines not understood (below)`) : '',
      chats.length ? t(`；已发送到 ${chats.length} 个参会群。`, `; posted to ${chats.length} attendee chats.`) : t('。', '.'),
    ].join('');
    const already = skipped.map((it) => ({ line: it.line, title: it.title }));
    return { card: minutesReplyCard(m, ctx.lang, minutes, { created: view, already, misses: read.misses, summary, units: unitNames(org, m.attendeeUnitIds, ctx.lang) }) };
  },
});
