// 督办单 (supervision notices) in the database: issue D1 to a unit, record each reply (append-only), close it, list
// them, and find the ones past their deadline without a reply (chased daily, counted in the lagging score).
// Every step is a notice_events row written in the same atomic step as the change it records.
import { and, asc, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Db, DbHandle } from '../../db/client.js';
import { noticeEvents, notices } from '../../db/schema.js';
import { halfWidth } from '../core/text.js';
import { takeNumber, takenNumber } from '../ledger/counters.js';

export type Notice = typeof notices.$inferSelect;
export type NoticeEvent = typeof noticeEvents.$inferSelect;
export type NoticeEventKind = 'issued' | 'reply' | 'chased' | 'closed';

/** How a notice stands today: 待回复, 已回复, 已逾期 (past due without a reply), 已办结. */
export type NoticeState = 'open' | 'replied' | 'overdue' | 'closed';

/** The short id people use: D3. */
export const noticeCode = (n: Pick<Notice, 'seq'>) => `D${n.seq}`;

/** 'D3', 'd3', 'Ｄ３', '#3', '3' → 3; anything else → undefined. */
export function parseNoticeRef(ref: string): number | undefined {
  const m = /^\s*[Dd#]?\s*(\d{1,7})\s*$/.exec(halfWidth(ref));
  return m ? Number(m[1]) : undefined;
}

/** Overdue is judged on the campaign's date: a notice due today is not overdue until tomorrow. */
export function stateOf(n: Pick<Notice, 'status' | 'due'>, today: string): NoticeState {
  if (n.status === 'closed') return 'closed';
  if (n.status === 'replied') return 'replied';
  return n.due < today ? 'overdue' : 'open';
}

export function stateWord(state: NoticeState, t: (zh: string, en: string) => string): string {
  return { open: t('待回复', 'awaiting reply'), replied: t('已回复', 'replied'), overdue: t('已逾期', 'overdue'), closed: t('已办结', 'closed') }[state];
}

const idOf = (campaignId: number, seq: number | SQL): SQL => sql`(select id from ${notices} where ${notices.campaignId} = ${campaignId} and ${notices.seq} = ${seq})`;

export interface NewNotice {
  unitId: number;
  text: string;
  /** YYYY-MM-DD in the campaign's timezone */
  due: string;
  by: number;
  at: Date;
  chatId: string;
}

/** Issues a notice: the next D number, the notice and its 'issued' history row in one atomic step. */
export async function issueNotice(dbh: DbHandle, campaignId: number, n: NewNotice): Promise<Notice> {
  const at = n.at.toISOString();
  const seq = takenNumber(campaignId, 'D');
  await dbh.atomic([
    takeNumber(dbh, campaignId, 'D'),
    dbh.db.insert(notices).values({ campaignId, seq, unitId: n.unitId, text: n.text, due: n.due, status: 'open', issuedBy: n.by, issuedAt: at, chatId: n.chatId }),
    dbh.db.insert(noticeEvents).values({ campaignId, noticeId: idOf(campaignId, seq), kind: 'issued', byPersonId: n.by, at, note: '' }),
  ]);
  const [row] = await dbh.db
    .select()
    .from(notices)
    .where(and(eq(notices.campaignId, campaignId), eq(notices.issuedBy, n.by), eq(notices.issuedAt, at)))
    .orderBy(desc(notices.seq))
    .limit(1);
  return row!;
}

export async function findNotice(db: Db, campaignId: number, seq: number): Promise<Notice | undefined> {
  const [row] = await db.select().from(notices).where(and(eq(notices.campaignId, campaignId), eq(notices.seq, seq)));
  return row;
}

export async function historyOf(db: Db, noticeId: number): Promise<NoticeEvent[]> {
  return db.select().from(noticeEvents).where(eq(noticeEvents.noticeId, noticeId)).orderBy(asc(noticeEvents.id));
}

/** Records a reply (kept beside every earlier one); an open notice becomes replied. Answers the notice as it is now. */
export async function replyToNotice(dbh: DbHandle, n: Notice, r: { by: number; at: Date; text: string }): Promise<Notice> {
  const at = r.at.toISOString();
  await dbh.atomic([
    dbh.db.insert(noticeEvents).values({ campaignId: n.campaignId, noticeId: n.id, kind: 'reply', byPersonId: r.by, at, note: r.text }),
    // A closed notice stays closed (the command refuses first; this guards a close that came in between).
    dbh.db.update(notices).set({ status: 'replied' }).where(and(eq(notices.id, n.id), eq(notices.status, 'open'))),
  ]);
  const [row] = await dbh.db.select().from(notices).where(eq(notices.id, n.id));
  return row!;
}

/** Closes a notice (办结) with an optional note. */
export async function closeNotice(dbh: DbHandle, n: Notice, c: { by: number; at: Date; note: string }): Promise<Notice> {
  const at = c.at.toISOString();
  await dbh.atomic([
    dbh.db.update(notices).set({ status: 'closed', closedBy: c.by, closedAt: at }).where(and(eq(notices.id, n.id), sql`${notices.status} <> 'closed'`)),
    dbh.db.insert(noticeEvents).values({ campaignId: n.campaignId, noticeId: n.id, kind: 'closed', byPersonId: c.by, at, note: c.note }),
  ]);
  const [row] = await dbh.db.select().from(notices).where(eq(notices.id, n.id));
  return row!;
}

/** The statement that records a chase (催办) of a notice, run with the chase's posts. */
export function chasedStatement(dbh: DbHandle, n: Notice, at: Date, day: string) {
  return dbh.db.insert(noticeEvents).values({ campaignId: n.campaignId, noticeId: n.id, kind: 'chased', byPersonId: null, at: at.toISOString(), note: day });
}

/** A campaign's notices (one unit's when given): the ones still in hand first by deadline, then the closed, newest first. */
export async function listNotices(db: Db, campaignId: number, unitId?: number): Promise<Notice[]> {
  return db
    .select()
    .from(notices)
    .where(and(eq(notices.campaignId, campaignId), unitId === undefined ? undefined : eq(notices.unitId, unitId)))
    .orderBy(sql`case ${notices.status} when 'closed' then 1 else 0 end`, sql`case when ${notices.status} = 'closed' then -${notices.seq} else 0 end`, asc(notices.due), asc(notices.seq));
}

/** Notices past their deadline (before `today`) that nobody of the unit has answered, oldest deadline first. */
export async function unansweredOverdue(db: Db, campaignId: number, today: string): Promise<Notice[]> {
  return db
    .select()
    .from(notices)
    .where(and(eq(notices.campaignId, campaignId), eq(notices.status, 'open'), lt(notices.due, today)))
    .orderBy(asc(notices.due), asc(notices.seq));
}

/** The latest reply of each of these notices, by notice id. */
export async function latestReplies(db: Db, noticeIds: number[]): Promise<Map<number, NoticeEvent>> {
  if (!noticeIds.length) return new Map();
  const rows = await db
    .select()
    .from(noticeEvents)
    .where(and(eq(noticeEvents.kind, 'reply'), sql`${noticeEvents.noticeId} in (${sql.join(noticeIds.map((id) => sql`${id}`), sql`, `)})`))
    .orderBy(asc(noticeEvents.id));
  return new Map(rows.map((r) => [r.noticeId, r]));
}
