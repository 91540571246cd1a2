// The Lark calendar event of a meeting, on the bot's calendar, with the attendee units' liaisons invited.
// The calendar is a convenience: without the calendar:calendar scope (or when Lark fails) the meeting stands in Duban
// and the reply says so once.
import { createHash } from 'node:crypto';
import { and, eq, gt, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { meetings, meetingSittings } from '../../db/schema.js';
import type { WorkCalendar } from '../core/calendar.js';
import type { Messenger } from '../lark/messenger.js';
import type { Log } from '../log.js';
import type { Org } from '../org.js';
import { attendeePeople, unitNames } from './attendees.js';
import { occurrences } from './recurrence.js';
import { kindName, type Meeting } from './store.js';

export type CalendarOutcome = { kind: 'created'; eventId: string; invited: number } | { kind: 'no_scope' } | { kind: 'failed'; error: string };

/**
 * Creates the event of a one-off meeting, or of one sitting of a standing meeting (`sitting`). The idempotency key is
 * derived from the meeting and its start, so a retry after a timeout or a crash gets the event made the first time.
 */
export async function createMeetingEvent(messenger: Messenger, log: Log, org: Org, m: Meeting, sitting?: Date): Promise<CalendarOutcome> {
  const start = sitting ?? (m.startsAt ? new Date(m.startsAt) : undefined);
  if (!start) return { kind: 'failed', error: 'a standing meeting has no single start' };
  const people = attendeePeople(org, m);
  try {
    const eventId = await messenger.createCalendarEvent({
      summary: m.title,
      description: `${kindName(m.kind, 'zh')} M${m.seq}｜参会单位：${unitNames(org, m.attendeeUnitIds, 'zh') || '—'}`,
      startsAt: start,
      endsAt: new Date(start.getTime() + m.durationMin * 60_000),
      timezone: org.campaign.timezone,
      location: m.place,
      attendeeOpenIds: people.map((p) => p.openId),
      idempotencyKey: eventKey(m, start),
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

/** A UUID-shaped key (36 characters) from the meeting's row id and the sitting's start. */
function eventKey(m: Pick<Meeting, 'id'>, start: Date): string {
  const h = createHash('sha256').update(`duban:meeting:${m.id}:${start.toISOString()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** How far ahead the sittings of a standing meeting are put on the Lark calendar. */
export const SITTINGS_AHEAD_DAYS = 14;

export interface SittingsSync {
  created: number;
  removed: number;
  /** the calendar is not available to the app (no scope, or the sandbox): nothing was tried */
  skipped?: boolean;
  /** Lark failed on a call: this pass stopped and the next tick tries again */
  failed?: boolean;
}

/**
 * Keeps the Lark calendar in step with the standing meetings of a campaign: each sitting in the next
 * SITTINGS_AHEAD_DAYS days (holidays skipped, as the series skips them) gets its own event with the attendee units'
 * liaisons; events of sittings that are no longer held (series cancelled, rule changed by a new plan, a holiday
 * published later) are deleted. A sitting is recorded once its event exists, so each tick only does what changed;
 * a failure stops this pass and the next tick tries again, with the same idempotency keys. `only` limits the pass to
 * one series (a cancel removes its events at once and reports how many).
 */
export async function syncStandingMeetings(db: Db, messenger: Messenger, log: Log, org: Org, cal: WorkCalendar, now: Date, only?: Pick<Meeting, 'id'>): Promise<SittingsSync> {
  const out: SittingsSync = { created: 0, removed: 0 };
  const series = await db
    .select()
    .from(meetings)
    .where(and(eq(meetings.campaignId, org.campaign.id), isNotNull(meetings.recurrence), only ? eq(meetings.id, only.id) : undefined));
  if (!series.length) return out;
  const ahead = new Date(now.getTime() + SITTINGS_AHEAD_DAYS * 86_400_000);
  const recorded = await db
    .select()
    .from(meetingSittings)
    .where(and(inArray(meetingSittings.meetingId, series.map((m) => m.id)), gt(meetingSittings.startsAt, now.toISOString())));
  for (const m of series) {
    const held = m.status === 'scheduled' ? occurrences(m.recurrence!, now, ahead, org.campaign.timezone, cal).map((d) => d.toJSDate().toISOString()) : [];
    const mine = recorded.filter((r) => r.meetingId === m.id);
    for (const r of mine.filter((r) => !held.includes(r.startsAt))) {
      try {
        await messenger.deleteCalendarEvent(r.calendarEventId);
      } catch (err) {
        const error = errorText(err);
        // 193001 event not found, 193003 event deleted: gone already (deleted by hand in Lark). Anything else: next tick.
        if (!/\b19300[13]\b/.test(error)) {
          log.warn('calendar event of a sitting not deleted; will retry', { meeting: m.id, startsAt: r.startsAt, error });
          return { ...out, failed: true };
        }
      }
      await db.delete(meetingSittings).where(and(eq(meetingSittings.meetingId, m.id), eq(meetingSittings.startsAt, r.startsAt))).run();
      out.removed++;
    }
    for (const startsAt of held.filter((at) => !mine.some((r) => r.startsAt === at))) {
      const o = await createMeetingEvent(messenger, log, org, m, new Date(startsAt));
      if (o.kind === 'no_scope') return { ...out, skipped: true };
      if (o.kind === 'failed') return { ...out, failed: true };
      await db.insert(meetingSittings).values({ meetingId: m.id, startsAt, calendarEventId: o.eventId, createdAt: now.toISOString() }).onConflictDoNothing().run();
      out.created++;
    }
  }
  if (out.created || out.removed) log.info('standing meetings synced to the Lark calendar', { campaign: org.campaign.id, ...out });
  return out;
}

/** The events of a standing meeting's recorded sittings still ahead (for `meeting show`). */
export async function sittingsAhead(db: Db, m: Pick<Meeting, 'id'>, now: Date) {
  return db
    .select()
    .from(meetingSittings)
    .where(and(eq(meetingSittings.meetingId, m.id), gt(meetingSittings.startsAt, now.toISOString())))
    .orderBy(meetingSittings.startsAt);
}
