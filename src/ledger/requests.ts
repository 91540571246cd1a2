// Requests on a task that the office decides (审批): an extension a lead unit asks for (申请延期) and, with the plan's
// `ledger.writeoff_review`, a unit's write-off (销账审核). The request row holds who asked, when, what and why, and
// who decided, when and with what note; an approval changes the task through the same statements as 任务 延期 / 销账,
// in the same atomic write that records the decision.
import { and, asc, eq, exists, inArray, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '../../db/client.js';
import { taskRequests, tasks, type RequestKind } from '../../db/schema.js';
import { changeStatements, getTask, type Task } from './tasks.js';

export type { TaskRequest } from './request-history.js';
import type { TaskRequest } from './request-history.js';
export type { RequestKind };

export async function pendingRequests(db: Db, taskId: number): Promise<TaskRequest[]> {
  return db.select().from(taskRequests).where(and(eq(taskRequests.taskId, taskId), eq(taskRequests.status, 'pending'))).orderBy(asc(taskRequests.id));
}

/** The tasks among these with a write-off waiting for review (待审核), for lists. */
export async function awaitingReview(db: Db, taskIds: number[]): Promise<Set<number>> {
  if (!taskIds.length) return new Set();
  const rows = await db
    .select({ taskId: taskRequests.taskId })
    .from(taskRequests)
    .where(and(inArray(taskRequests.taskId, taskIds), eq(taskRequests.kind, 'writeoff'), eq(taskRequests.status, 'pending')));
  return new Set(rows.map((r) => r.taskId));
}

export async function findRequest(db: Db, id: number): Promise<TaskRequest | undefined> {
  const [row] = await db.select().from(taskRequests).where(eq(taskRequests.id, id));
  return row;
}

/** The latest request of this kind on the task, decided or not (to say who decided an old card's request). */
export async function requestsOf(db: Db, taskId: number): Promise<TaskRequest[]> {
  return db.select().from(taskRequests).where(eq(taskRequests.taskId, taskId)).orderBy(asc(taskRequests.id));
}

export interface Ask {
  kind: RequestKind;
  by: number;
  at: Date;
  toDeadline?: string;
  reason: string;
  /** the group chat it was asked in, where the decision is told (a private chat: told privately, as always) */
  chat?: string;
}

/** The group chat a command was said in, where its request's decision will be told; none for a private chat. */
export const askedIn = (ctx: { chat: { id: string; type: 'p2p' | 'group' } }): string | undefined => (ctx.chat.type === 'group' ? ctx.chat.id : undefined);

/** The statement that stores a pending request (run it with the office's card in one atomic write). */
export function askStatement(dbh: DbHandle, task: Task, a: Ask) {
  return dbh.db.insert(taskRequests).values({
    campaignId: task.campaignId,
    taskId: task.id,
    kind: a.kind,
    askedBy: a.by,
    askedAt: a.at.toISOString(),
    askedInChat: a.chat ?? null,
    toDeadline: a.toDeadline ?? null,
    reason: a.reason,
    status: 'pending',
  });
}

export interface Decision {
  approve: boolean;
  by: number;
  at: Date;
  note: string;
}

/**
 * Decides a pending request: the request row, and on approval the task's change with its history row (延期 or 销账,
 * by the decider), in one atomic write. The task's change and its history line are written only when this decision
 * is the one recorded, so two deciders at once never move a deadline twice or write two lines. Answers the request and task as they now are, and whether this call
 * was the one that decided it.
 */
export async function decide(dbh: DbHandle, task: Task, req: TaskRequest, d: Decision): Promise<{ decided: boolean; request: TaskRequest; task: Task }> {
  const at = d.at.toISOString();
  const status = d.approve ? 'approved' : 'rejected';
  const mine = exists(
    dbh.db
      .select({ one: sql`1` })
      .from(taskRequests)
      .where(and(eq(taskRequests.id, req.id), eq(taskRequests.status, status), eq(taskRequests.decidedAt, at), eq(taskRequests.decidedBy, d.by))),
  );
  const statements: Array<{ run(): unknown }> = [
    dbh.db
      .update(taskRequests)
      .set({ status, decidedBy: d.by, decidedAt: at, decisionNote: d.note })
      .where(and(eq(taskRequests.id, req.id), eq(taskRequests.status, 'pending'))),
  ];
  if (d.approve) {
    const change =
      req.kind === 'extension'
        ? changeStatements(dbh, task, undefined, { kind: 'extend', note: req.reason, fromDeadline: task.deadline, toDeadline: req.toDeadline }, { by: d.by, at: d.at }, mine)
        : changeStatements(dbh, task, undefined, { kind: 'done', note: req.reason }, { by: d.by, at: d.at }, mine);
    const set: Partial<Task> = req.kind === 'extension' ? { deadline: req.toDeadline! } : { status: 'done', closedAt: at };
    statements.push(dbh.db.update(tasks).set(set).where(and(eq(tasks.id, task.id), eq(tasks.status, 'open'), mine)), ...change);
  }
  await dbh.atomic(statements);
  const request = (await findRequest(dbh.db, req.id))!;
  return { decided: request.decidedBy === d.by && request.decidedAt === at && request.status === status, request, task: (await getTask(dbh.db, task.id))! };
}
