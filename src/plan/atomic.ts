// A plan is applied whole or not at all: a failure part way (a constraint, a full disk) rolls back what the earlier
// steps wrote, so the campaign is never left half updated. Shared by plan apply (CLI), POST /admin/plan and PLAN_FILE.
import type { DbHandle } from '../../db/client.js';

export class PlanNotApplied extends Error {
  constructor(cause: unknown) {
    super(`the plan was not applied and nothing was written: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PlanNotApplied';
  }
}

/** Runs the plan's writes in one transaction where the database has them (D1 has only batches; see SECURITY.md). */
export async function inOneTransaction<T>(dbh: DbHandle, work: () => Promise<T>): Promise<T> {
  try {
    return dbh.transaction ? await dbh.transaction(work) : await work();
  } catch (err) {
    throw new PlanNotApplied(err);
  }
}
