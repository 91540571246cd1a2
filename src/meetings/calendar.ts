// The Lark calendar event of a meeting, on the bot's calendar, with the attendee units' liaisons invited.
// The calendar is a convenience: without the calendar:calendar scope (or when Lark fails) the meeting stands in Duban
// and the reply says so once.
import type { Messenger } from '../lark/messenger.js';
import type { Log } from '../log.js';
import type { Org } from '../org.js';
import { attendeePeople, unitNames } from './attendees.js';
import { kindName, type Meeting } from './store.js';

export type CalendarOutcome = { kind: 'created'; eventId: string; invited: number } | { kind: 'no_scope' } | { kind: 'failed'; error: string };

export async function createMeetingEvent(messenger: Messenger, log: Log, org: Org, m: Meeting): Promise<CalendarOutcome> {
  if (!m.startsAt) return { kind: 'failed', error: 'a standing meeting has no single start' };
  const startsAt = new Date(m.startsAt);
  const people = attendeePeople(org, m);
  try {
    const eventId = await messenger.createCalendarEvent({
      summary: m.title,
      description: `${kindName(m.kind, 'zh')} M${m.seq}｜参会单位：${unitNames(org, m.attendeeUnitIds, 'zh') || '—'}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + m.durationMin * 60_000),
      timezone: org.campaign.timezone,
      location: m.place,
      attendeeOpenIds: people.map((p) => p.openId),
    });
    return eventId ? { kind: 'created', eventId, invited: people.length } : { kind: 'no_scope' };
  } catch (err) {
    const error = errorText(err);
    log.warn('calendar event not created', { meeting: m.id, error });
    // Lark answers 99991672 when the app lacks the scope on a call after the primary calendar was found.
    return /99991672|scope/i.test(error) ? { kind: 'no_scope' } : { kind: 'failed', error };
  }
}

/** Deletes the meeting's event; answers false (and logs) when Lark would not. */
export async function deleteMeetingEvent(messenger: Messenger, log: Log, m: Meeting): Promise<boolean> {
  if (!m.calendarEventId) return true;
  try {
    await messenger.deleteCalendarEvent(m.calendarEventId);
    return true;
  } catch (err) {
    log.warn('calendar event not deleted', { meeting: m.id, error: errorText(err) });
    return false;
  }
}

function errorText(err: unknown): string {
  const e = err as { response?: { data?: { code?: number; msg?: string } }; message?: string };
  const d = e.response?.data;
  return d?.code ? `${d.code} ${d.msg ?? ''}` : String(e.message ?? err);
}

/** The sentence the reply carries about the calendar. */
export function calendarNote(o: CalendarOutcome, lang: 'zh' | 'en'): string {
  const zh = lang === 'zh';
  switch (o.kind) {
    case 'created':
      return zh ? `已在飞书日历创建日程，邀请 ${o.invited} 位联络员。` : `Added to the Lark calendar; ${o.invited} liaisons invited.`;
    case 'no_scope':
      return zh
        ? '未创建飞书日程：应用尚未开通日历权限（calendar:calendar），会议已在督办中登记，提醒照常发送。'
        : 'Lark calendar skipped: the app lacks the calendar:calendar scope. The meeting is kept in Duban and reminders go out as usual.';
    case 'failed':
      return zh ? '飞书日程创建失败，会议已在督办中登记，提醒照常发送。' : 'The Lark calendar event could not be created; the meeting is kept in Duban and reminders go out as usual.';
  }
}
