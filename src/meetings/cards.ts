// Cards about meetings: the meeting itself, its reminder, its minutes (会议备忘). User text is escaped throughout.
import { translate, type Lang } from '../context.js';
import type { DateTime } from 'luxon';
import { relativeDay } from '../core/dates.js';
import { at, card, esc, md, note, plain, type Card, type Element } from '../lark/cards.js';
import type { Org } from '../org.js';
import { attendeePeople, unitNames } from './attendees.js';
import { describeRecurrence } from './recurrence.js';
import { kindName, meetingRef, type Meeting } from './store.js';

const tr = translate;

const WD_ZH = ['', '一', '二', '三', '四', '五', '六', '日'];

/** "11月25日（周三）10:00" / "Wed 25 Nov 10:00", in the campaign's timezone. */
export function when(t: DateTime, lang: Lang): string {
  return lang === 'zh' ? `${t.month}月${t.day}日（周${WD_ZH[t.weekday]}）${t.toFormat('HH:mm')}` : t.setLocale('en').toFormat('ccc d LLL HH:mm');
}

function details(m: Meeting, org: Org, lang: Lang, start: DateTime | undefined): string {
  const t = tr(lang);
  const rows: Array<[string, string]> = [
    [t('类型', 'Kind'), kindName(m.kind, lang)],
    [t('时间', 'When'), [start ? when(start, lang) : '', m.recurrence ? `（${describeRecurrence(m.recurrence, lang)}）` : ''].join('')],
    [t('地点', 'Place'), m.place || t('待定', 'to be set')],
  ];
  const group = org.group(m.groupId);
  if (group) rows.push([t('工作组', 'Group'), group.name]);
  const organiser = org.unit(m.organiserUnitId);
  if (organiser) rows.push([t('召集单位', 'Organiser'), organiser.name]);
  if (m.attendeeUnitIds.length) rows.push([t('参会单位', 'Units'), unitNames(org, m.attendeeUnitIds, lang)]);
  return rows.map(([k, v]) => `**${esc(k)}**：${esc(v)}`).join('\n');
}

export function meetingCard(m: Meeting, org: Org, lang: Lang, opts: { start?: DateTime; heading?: string; extra?: Element[] } = {}): Card {
  const t = tr(lang);
  return card({
    title: `${opts.heading ?? t('会议', 'Meeting')} ${meetingRef(m)} · ${m.title}`,
    template: m.status === 'cancelled' ? 'grey' : 'blue',
    tags: m.status === 'cancelled' ? [{ text: t('已取消', 'cancelled'), color: 'neutral' }] : undefined,
    elements: [md(details(m, org, lang, opts.start)), ...(opts.extra ?? [])],
  });
}

/** The reminder a day and half an hour before a sitting, with the attendee units' liaisons @-mentioned. */
export function reminderCard(m: Meeting, org: Org, lang: Lang, start: DateTime, offset: '1d' | '30m', sentAt: DateTime = start.minus({ days: 1 })): Card {
  const t = tr(lang);
  const who = attendeePeople(org, m).map((p) => at(p.openId)).filter(Boolean).join(' ');
  // The day is said from the real dates: a Monday meeting reminded on Friday is 3天后（周一）, a late one 今天.
  const day = relativeDay(sentAt.setZone(start.zone), start, lang);
  const lead = offset === '1d' ? t(`${day}开会，请提前准备汇报材料。`, `Meeting ${day}: please prepare your update.`) : t('会议 30 分钟后开始。', 'The meeting starts in 30 minutes.');
  return meetingCard(m, org, lang, {
    start,
    heading: t('会议提醒', 'Meeting reminder'),
    extra: [md(`${esc(lead)}${who ? `\n${who}` : ''}`)],
  });
}

/** The minutes as posted to the attendee chats: the text as typed, then the ledger items it created. */
export function minutesCard(m: Meeting, org: Org, lang: Lang, minutes: string, created: Array<{ seq: number; title: string; lead: string; deadline: string }>): Card {
  const t = tr(lang);
  const items = created.map((c) => `- **T${c.seq}** ${esc(c.title)}　${esc(t('牵头', 'lead'))}：${esc(c.lead)}　${esc(t('截止', 'due'))}：${c.deadline}`);
  return card({
    title: `${t('会议备忘', 'Minutes')} ${meetingRef(m)} · ${m.title}`,
    template: 'turquoise',
    elements: [
      plain(minutes),
      ...(items.length ? [md(`**${t('纳入台账的事项', 'Added to the ledger')}**\n${items.join('\n')}`)] : []),
      note(esc(t(`参会单位：${unitNames(org, m.attendeeUnitIds, 'zh') || '—'}`, `Units: ${unitNames(org, m.attendeeUnitIds, 'en') || '—'}`))),
    ],
  });
}
