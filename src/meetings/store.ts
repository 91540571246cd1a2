// 会议: scheduling, listing and cancelling meetings, one-off (starts_at) or standing series from the plan (recurrence).
// Meetings are named M1, M2… per campaign, like tasks are T1, T2….
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db, DbHandle } from '../../db/client.js';
import { meetingEvents, meetings, tasks } from '../../db/schema.js';
import { takeNumber, takenNumber } from '../ledger/counters.js';
import type { WorkCalendar } from '../core/calendar.js';
import { fold } from '../core/text.js';
import type { Actor } from '../org.js';
import { nextOccurrence } from './recurrence.js';

export type Meeting = typeof meetings.$inferSelect;
export type MeetingKind = 'dispatch' | 'regular' | 'coordination' | 'topic' | 'push' | 'joint';

export const KINDS: Record<MeetingKind, { zh: string; en: string }> = {
  dispatch: { zh: '调度会', en: 'dispatch meeting' },
  regular: { zh: '例会', en: 'regular meeting' },
  coordination: { zh: '协调会', en: 'coordination meeting' },
  topic: { zh: '专题会', en: 'topic meeting' },
  push: { zh: '推动会', en: 'push meeting' },
  joint: { zh: '联席会议', en: 'joint meeting' },
};

/** 调度会, 调度, dispatch → 'dispatch'. */
export function kindOf(word: string): MeetingKind | undefined {
  const w = fold(word).replace(/meeting$/, '');
  for (const [k, v] of Object.entries(KINDS) as Array<[MeetingKind, { zh: string }]>) {
    if (w === k || w === fold(v.zh) || w === fold(v.zh).replace(/(会|会议)$/, '')) return k;
  }
  return undefined;
}

export const kindName = (kind: string, lang: 'zh' | 'en') => KINDS[kind as MeetingKind]?.[lang] ?? kind;

export const meetingRef = (m: Pick<Meeting, 'seq'>) => `M${m.seq}`;

/** "M3", "m3", "3", "#3" → 3. */
export function parseMeetingRef(s: string): number | undefined {
  const m = /^#?[mM]?(\d+)$/.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}

export interface NewMeeting {
  title: string;
  kind: MeetingKind;
  startsAt: Date;
  durationMin: number;
  place: string;
  attendeeUnitIds: number[];
  organiserUnitId: number | null;
  groupId: number | null;
}

export type MeetingEventKind = 'scheduled' | 'minutes' | 'cancelled';

/** One line of a meeting's history (meeting_events), never updated or deleted. */
export function meetingEventStatement(dbh: DbHandle, m: Pick<Meeting, 'id' | 'campaignId'> | { campaignId: number; id: SQL }, e: { kind: MeetingEventKind; by: number | null; at: Date; note?: string }) {
  return dbh.db.insert(meetingEvents).values({ campaignId: m.campaignId, meetingId: m.id, kind: e.kind, byPersonId: e.by, at: e.at.toISOString(), note: e.note ?? '' });
}

/** A meeting's history, oldest first. */
export async function historyOfMeeting(db: Db, m: Pick<Meeting, 'id'>) {
  return db.select().from(meetingEvents).where(eq(meetingEvents.meetingId, m.id)).orderBy(asc(meetingEvents.id));
}

export async function addMeeting(dbh: DbHandle, campaignId: number, m: NewMeeting, now: Date, by: number | null = null): Promise<Meeting> {
  const { db } = dbh;
  const createdAt = now.toISOString();
  // The number comes from the campaign's counter in the same atomic step as the insert and its history line.
  const seq = takenNumber(campaignId, 'M');
  await dbh.atomic([
    takeNumber(dbh, campaignId, 'M'),
    db.insert(meetings).values({
      campaignId,
      seq,
      title: m.title,
      kind: m.kind,
      groupId: m.groupId,
      organiserUnitId: m.organiserUnitId,
      attendeeUnitIds: m.attendeeUnitIds,
      startsAt: m.startsAt.toISOString(),
      durationMin: m.durationMin,
      place: m.place,
      createdAt,
    }),
    meetingEventStatement(dbh, { campaignId, id: sql`(select id from meetings where campaign_id = ${campaignId} and seq = ${seq})` }, { kind: 'scheduled', by, at: now }),
  ]);
  const [row] = await db
    .select()
    .from(meetings)
    .where(and(eq(meetings.campaignId, campaignId), eq(meetings.title, m.title), eq(meetings.createdAt, createdAt)))
    .orderBy(desc(meetings.id))
    .limit(1);
  return row!;
}

export async function findMeeting(db: Db, campaignId: number, seq: number): Promise<Meeting | undefined> {
  const [row] = await db.select().from(meetings).where(and(eq(meetings.campaignId, campaignId), eq(meetings.seq, seq)));
  return row;
}

export async function scheduledMeetings(db: Db, campaignId: number): Promise<Meeting[]> {
  return db.select().from(meetings).where(and(eq(meetings.campaignId, campaignId), eq(meetings.status, 'scheduled'))).orderBy(asc(meetings.seq));
}

export interface Upcoming {
  meeting: Meeting;
  at: DateTime;
}

/** One-off meetings still ahead plus the next occurrence of each standing series, soonest first. */
export async function upcomingMeetings(db: Db, campaignId: number, now: Date, zone: string, cal: WorkCalendar): Promise<Upcoming[]> {
  const out: Upcoming[] = [];
  for (const m of await scheduledMeetings(db, campaignId)) {
    const at = nextStart(m, now, zone, cal);
    if (at) out.push({ meeting: m, at });
  }
  return out.sort((a, b) => a.at.toMillis() - b.at.toMillis());
}

/** When a meeting next starts at or after `now`: its own time, or its series' next occurrence. */
export function nextStart(m: Meeting, now: Date, zone: string, cal: WorkCalendar): DateTime | undefined {
  if (m.recurrence) return nextOccurrence(m.recurrence, now, zone, cal);
  if (!m.startsAt) return undefined;
  const at = startOf(m, zone)!;
  return at.toMillis() >= now.getTime() ? at : undefined;
}

/** A one-off meeting's start in the campaign's timezone. */
export function startOf(m: Pick<Meeting, 'startsAt'>, zone: string): DateTime | undefined {
  return m.startsAt ? DateTime.fromISO(m.startsAt, { zone }) : undefined;
}

/** Cancelled, not deleted: the meeting keeps its number, its minutes and its history. */
export async function cancelMeeting(dbh: DbHandle, m: Meeting, c: { by: number | null; at: Date; note?: string }): Promise<void> {
  await dbh.atomic([
    dbh.db.update(meetings).set({ status: 'cancelled', calendarEventId: null }).where(eq(meetings.id, m.id)),
    meetingEventStatement(dbh, m, { kind: 'cancelled', by: c.by, at: c.at, note: c.note }),
  ]);
}

export async function setCalendarEvent(db: Db, m: Meeting, eventId: string): Promise<void> {
  await db.update(meetings).set({ calendarEventId: eventId }).where(eq(meetings.id, m.id)).run();
}

/** The ledger items a meeting's minutes created. */
export async function tasksOfMeeting(db: Db, m: Meeting) {
  return db.select().from(tasks).where(and(eq(tasks.campaignId, m.campaignId), eq(tasks.meetingId, m.id))).orderBy(asc(tasks.seq));
}

/** Who may cancel a meeting or record its minutes: office and leaders always; a group lead for the group's or their unit's. */
export function mayManage(actor: Actor, m: Meeting): boolean {
  if (actor.is('office', 'commander', 'deputy')) return true;
  return actor.leads(m.groupId) || (actor.is('group_lead') && m.organiserUnitId === actor.person.unitId);
}
