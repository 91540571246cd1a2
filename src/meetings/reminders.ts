// What the `meeting-reminder` job posts: for every sitting, a reminder one day and one 30 minutes before, each due in
// exactly one minute (the job runs every minute), keyed so the job ledger sends it once per chat.
import { DateTime } from 'luxon';
import { langOf } from '../context.js';
import type { Db } from '../../db/client.js';
import { calendarOf, type WorkCalendar } from '../core/calendar.js';
import type { Card } from '../lark/cards.js';
import type { Campaign, Org } from '../org.js';
import { attendeeChats } from './attendees.js';
import { reminderCard } from './cards.js';
import { occurrences } from './recurrence.js';
import { scheduledMeetings, startOf, type Meeting } from './store.js';

export type ReminderOffset = '1d' | '30m';

export const REMINDER_OFFSETS: ReadonlyArray<{ offset: ReminderOffset; before: { days?: number; minutes?: number } }> = [
  { offset: '1d', before: { days: 1 } },
  { offset: '30m', before: { minutes: 30 } },
];

export interface MeetingReminder {
  /** stable: meeting id + the sitting's start (ISO, campaign timezone) + offset; use it as the job ledger's period */
  key: string;
  meeting: Meeting;
  /** the sitting this reminder is for */
  startsAt: DateTime;
  offset: ReminderOffset;
  /** the attendee chats: the group's chat (or a few group chats reaching every attendee unit) and the office chat */
  chats: string[];
  card: Card;
}

const MINUTE = 60_000;

/** The sittings of a meeting that start in [from, to). */
function sittings(m: Meeting, from: Date, to: Date, zone: string, cal: WorkCalendar): DateTime[] {
  if (m.recurrence) return occurrences(m.recurrence, from, to, zone, cal);
  const start = startOf(m, zone);
  return start && start.toMillis() >= from.getTime() && start.toMillis() < to.getTime() ? [start] : [];
}

/**
 * The reminders that fall due at `now`: those whose time (sitting start minus the offset) is within the minute that
 * ends at `now` — remindAt ≤ now < remindAt + 1 minute — so a job running every minute sees each one exactly once.
 */
export async function meetingRemindersDue(db: Db, campaign: Campaign, org: Org, now: Date): Promise<MeetingReminder[]> {
  return meetingRemindersBetween(db, campaign, org, new Date(now.getTime() - MINUTE), now);
}

/** The reminders whose time (sitting start minus the offset) is in (from, to]: what a tick over that window owes. */
export async function meetingRemindersBetween(db: Db, campaign: Campaign, org: Org, from: Date, to: Date): Promise<MeetingReminder[]> {
  const zone = campaign.timezone;
  const lang = langOf(campaign.locale);
  const out: MeetingReminder[] = [];
  const meetings = await scheduledMeetings(db, campaign.id);
  for (const { offset, before } of REMINDER_OFFSETS) {
    // start - offset in (from, to]  ⇔  start in (from + offset, to + offset]; sittings() answers [a, b).
    const a = DateTime.fromJSDate(from, { zone }).plus(before).toJSDate();
    const b = DateTime.fromJSDate(to, { zone }).plus(before).toJSDate();
    for (const m of meetings) {
      for (const startsAt of sittings(m, new Date(a.getTime() + 1), new Date(b.getTime() + 1), zone, calendarOf(campaign))) {
        const remindAt = startsAt.minus(before).toMillis();
        if (remindAt > to.getTime() || remindAt <= from.getTime()) continue;
        const chats = attendeeChats(org, m);
        if (!chats.length) continue;
        out.push({
          key: `meeting:${m.id}:${startsAt.toISO()}:${offset}`,
          meeting: m,
          startsAt,
          offset,
          chats,
          card: reminderCard(m, org, lang, startsAt, offset),
        });
      }
    }
  }
  return out;
}
