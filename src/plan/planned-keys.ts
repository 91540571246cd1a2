// The plan's tasks already in the ledger, keyed by (title, lead unit, first deadline): applying a plan again adds only
// the tasks it does not find, and fills in a phase or quarter the plan names later.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { taskEvents, tasks } from '../../db/schema.js';

export const taskKey = (title: string, leadUnitId: number, deadline: string) => JSON.stringify([title, leadUnitId, deadline]);

/** (title, lead unit, first deadline) of every task already in the ledger; the first deadline is the one before any extension. */
export async function plannedKeys(dbh: DbHandle, cid: number): Promise<Map<string, { id?: number; phase: string | null; quarter: string | null }>> {
  const rows = await dbh.db.select({ id: tasks.id, title: tasks.title, lead: tasks.leadUnitId, deadline: tasks.deadline, phase: tasks.phase, quarter: tasks.quarter }).from(tasks).where(eq(tasks.campaignId, cid));
  const moves = await dbh.db
    .select({ taskId: taskEvents.taskId, from: taskEvents.fromDeadline })
    .from(taskEvents)
    .where(and(eq(taskEvents.campaignId, cid), sql`${taskEvents.fromDeadline} is not null`))
    .orderBy(asc(taskEvents.id));
  const first = new Map<number, string>();
  for (const m of moves) if (!first.has(m.taskId)) first.set(m.taskId, m.from!);
  return new Map(rows.map((r) => [taskKey(r.title, r.lead, first.get(r.id) ?? r.deadline), { id: r.id, phase: r.phase, quarter: r.quarter }]));
}

