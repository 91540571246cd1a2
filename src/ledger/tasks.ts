// The task ledger (台账) queries: add, find, list, and every change to an item (write-off 销账, extension 延期,
// progress note 进展, cancel, reopen). Each change is written in one atomic step together with its history row,
// so the ledger and its history never disagree.
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, DbHandle } from '../../db/client.js';
import { taskEvents, taskRequests, tasks, type TaskStatus } from '../../db/schema.js';
import { halfWidth } from '../core/text.js';
import { reserveNumber, takeNumber, takenNumber } from './counters.js';
import { withRequests } from './request-history.js';

export type Task = typeof tasks.$inferSelect;
export type TaskEvent = typeof taskEvents.$inferSelect;
export type TaskEventKind = 'created' | 'note' | 'extend' | 'done' | 'cancel' | 'reopen' | 'import';

/** The short id people use: T12. */
export const taskCode = (t: Pick<Task, 'seq'>) => `T${t.seq}`;

/** 'T12', 't12', '12', 'Ｔ１２', '#12' → 12; anything else → undefined. */
export function parseTaskRef(ref: string): number | undefined {
  const m = /^\s*[Tt#]?\s*(\d{1,7})\s*$/.exec(halfWidth(ref));
  return m ? Number(m[1]) : undefined;
}

export interface NewTask {
  title: string;
  target?: string;
  groupId?: number | null;
  leadUnitId: number;
  cooperatingUnitIds?: number[];
  /** YYYY-MM-DD in the campaign's timezone */
  deadline: string;
  status?: TaskStatus;
  source?: string;
  meetingId?: number | null;
  /** keep this short id (import of an exported ledger); otherwise the next free one */
  seq?: number;
  /** the plan's phase (阶段) by name */
  phase?: string | null;
  /** the quarter's task list it belongs to: 2026Q1 */
  quarter?: string | null;
}

/** Who made a change and when; by is a people.id (null for the plan or an import without a person). */
export interface ChangeBy {
  by: number | null;
  at: Date;
}

type Statement = { run(): unknown };

/** The statements that add one task and its 'created' history row; an import batches many of them. */
export function addTaskStatements(dbh: DbHandle, campaignId: number, t: NewTask, c: ChangeBy, notes: { created?: string; closed?: string } = {}): Statement[] {
  const at = c.at.toISOString();
  const status = t.status ?? 'open';
  // The short id comes from the campaign's counter in the same atomic step, so two adds at once never take the same
  // number and a cancelled item's number is never given again; a kept 编号 (import) moves the counter past it.
  const number = t.seq !== undefined ? reserveNumber(dbh, campaignId, 'T', t.seq) : takeNumber(dbh, campaignId, 'T');
  const seq = t.seq ?? takenNumber(campaignId, 'T');
  // The row just added, by its number: an indexed lookup (tasks_campaign_seq), so a batch of thousands stays linear.
  const newest = taskIdOf(campaignId, seq);
  const event = (kind: TaskEventKind, text: string) =>
    dbh.db.insert(taskEvents).values({ campaignId, taskId: newest, kind, byPersonId: c.by, at, note: text, toDeadline: kind === 'created' ? t.deadline : null });
  const out: Statement[] = [
    number,
    dbh.db.insert(tasks).values({
      campaignId,
      seq,
      title: t.title,
      target: t.target ?? '',
      groupId: t.groupId ?? null,
      leadUnitId: t.leadUnitId,
      cooperatingUnitIds: t.cooperatingUnitIds ?? [],
      deadline: t.deadline,
      status,
      source: t.source ?? 'chat',
      meetingId: t.meetingId ?? null,
      phase: t.phase ?? null,
      quarter: t.quarter ?? null,
      createdBy: c.by,
      createdAt: at,
      closedAt: status === 'open' ? null : at,
    }),
    event('created', notes.created ?? ''),
  ];
  if (status === 'done') out.push(event('done', notes.closed ?? ''));
  if (status === 'cancelled') out.push(event('cancel', notes.closed ?? ''));
  return out;
}

/** The id of a campaign's task by its number, as a value inside a statement (the number may be takenNumber()). */
export function taskIdOf(campaignId: number, seq: number | SQL): SQL {
  return sql`(select id from ${tasks} where ${tasks.campaignId} = ${campaignId} and ${tasks.seq} = ${seq})`;
}

export async function addTask(dbh: DbHandle, campaignId: number, t: NewTask, c: ChangeBy): Promise<Task> {
  await dbh.atomic(addTaskStatements(dbh, campaignId, t, c));
  const [row] = await dbh.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.campaignId, campaignId), eq(tasks.title, t.title), eq(tasks.createdAt, c.at.toISOString())))
    .orderBy(desc(tasks.id))
    .limit(1);
  return row!;
}

export async function findTask(db: Db, campaignId: number, ref: string | number): Promise<Task | undefined> {
  const seq = typeof ref === 'number' ? ref : parseTaskRef(ref);
  if (seq === undefined) return undefined;
  const [row] = await db.select().from(tasks).where(and(eq(tasks.campaignId, campaignId), eq(tasks.seq, seq)));
  return row;
}

export async function getTask(db: Db, id: number): Promise<Task | undefined> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id));
  return row;
}

export interface TaskFilter {
  /** tasks this unit leads or cooperates on */
  unitId?: number;
  groupId?: number;
  statuses?: TaskStatus[];
  /** the quarter's task list: 2026Q1 */
  quarter?: string;
  /** the phase, by name */
  phase?: string;
}

/** The SQL condition for a unit's tasks: it leads them or is among the cooperating units. */
export function ofUnit(unitId: number): SQL {
  return sql`(${tasks.leadUnitId} = ${unitId} or exists (select 1 from json_each(${tasks.cooperatingUnitIds}) where value = ${unitId}))`;
}

export function filterWhere(campaignId: number, f: TaskFilter): SQL | undefined {
  return and(
    eq(tasks.campaignId, campaignId),
    f.statuses?.length ? inArray(tasks.status, f.statuses) : undefined,
    f.groupId !== undefined ? eq(tasks.groupId, f.groupId) : undefined,
    f.unitId !== undefined ? ofUnit(f.unitId) : undefined,
    f.quarter !== undefined ? eq(tasks.quarter, f.quarter) : undefined,
    f.phase !== undefined ? eq(tasks.phase, f.phase) : undefined,
  );
}

/** One page of the ledger: open items first, then by deadline and short id. */
export async function listTasks(db: Db, campaignId: number, f: TaskFilter, page: { page: number; size: number }): Promise<{ rows: Task[]; total: number }> {
  const where = filterWhere(campaignId, f);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(tasks)
      .where(where)
      .orderBy(sql`case ${tasks.status} when 'open' then 0 else 1 end`, asc(tasks.deadline), asc(tasks.seq))
      .limit(page.size)
      .offset((page.page - 1) * page.size),
    db.select({ n: count() }).from(tasks).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** Every task of a campaign by short id, for export. */
export async function allTasks(db: Db, campaignId: number): Promise<Task[]> {
  return db.select().from(tasks).where(eq(tasks.campaignId, campaignId)).orderBy(asc(tasks.seq));
}

/** A task's history, oldest first, with the requests the office decided or has yet to decide woven in. */
export async function historyOf(db: Db, taskId: number): Promise<TaskEvent[]> {
  const [events, reqs] = await Promise.all([
    db.select().from(taskEvents).where(eq(taskEvents.taskId, taskId)).orderBy(asc(taskEvents.id)),
    db.select().from(taskRequests).where(eq(taskRequests.taskId, taskId)).orderBy(asc(taskRequests.id)),
  ]);
  return reqs.length ? withRequests(events, reqs) : events;
}

export interface EventSpec {
  kind: TaskEventKind;
  note?: string;
  fromDeadline?: string | null;
  toDeadline?: string | null;
}

/** The statement pair of one change: the task update (if any) and its history row. */
/**
 * A change to a task and its history row. With `onlyIf`, both are written only when that condition holds when they run
 * (an office decision: only the decision that was recorded changes the task and writes its line).
 */
export function changeStatements(dbh: DbHandle, task: Task, set: Partial<Task> | undefined, e: EventSpec, c: ChangeBy, onlyIf?: SQL): Statement[] {
  const out: Statement[] = [];
  if (set && Object.keys(set).length) out.push(dbh.db.update(tasks).set(set).where(onlyIf ? and(eq(tasks.id, task.id), onlyIf) : eq(tasks.id, task.id)));
  const row = {
    campaignId: task.campaignId,
    taskId: task.id,
    kind: e.kind,
    byPersonId: c.by,
    at: c.at.toISOString(),
    note: e.note ?? '',
    fromDeadline: e.fromDeadline ?? null,
    toDeadline: e.toDeadline ?? null,
  };
  if (!onlyIf) out.push(dbh.db.insert(taskEvents).values(row));
  else {
    // every column of task_events in its order; the id is the table's own counter
    const values = sql`select null, ${row.campaignId}, ${row.taskId}, ${row.kind}, ${row.byPersonId}, ${row.at}, ${row.note}, ${row.fromDeadline}, ${row.toDeadline} where ${onlyIf}`;
    out.push(dbh.db.insert(taskEvents).select(values));
  }
  return out;
}

async function change(dbh: DbHandle, task: Task, set: Partial<Task> | undefined, e: EventSpec, c: ChangeBy): Promise<Task> {
  await dbh.atomic(changeStatements(dbh, task, set, e, c));
  return (await getTask(dbh.db, task.id))!;
}

/** 销账: the item is done. */
export const writeOff = (dbh: DbHandle, task: Task, c: ChangeBy & { note?: string }) =>
  change(dbh, task, { status: 'done', closedAt: c.at.toISOString() }, { kind: 'done', note: c.note }, c);

/** 延期: a new deadline, with the reason kept in the history. */
export const extend = (dbh: DbHandle, task: Task, c: ChangeBy & { deadline: string; reason: string }) =>
  change(dbh, task, { deadline: c.deadline }, { kind: 'extend', note: c.reason, fromDeadline: task.deadline, toDeadline: c.deadline }, c);

/** 进展: a progress note; the item itself does not change. */
export const addNote = (dbh: DbHandle, task: Task, c: ChangeBy & { note: string }) => change(dbh, task, undefined, { kind: 'note', note: c.note }, c);

export const cancel = (dbh: DbHandle, task: Task, c: ChangeBy & { note?: string }) =>
  change(dbh, task, { status: 'cancelled', closedAt: c.at.toISOString() }, { kind: 'cancel', note: c.note }, c);

/** A written-off or cancelled item is open again. */
export const reopen = (dbh: DbHandle, task: Task, c: ChangeBy & { note?: string }) =>
  change(dbh, task, { status: 'open', closedAt: null }, { kind: 'reopen', note: c.note }, c);
