// Short numbers (T tasks, M meetings, P problems, D notices) from a per-campaign counter (id_counters): a number once
// handed out is never handed out again, whatever happened to its item. DESIGN.md section 5, "Ids".
import { sql, type SQL } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { idCounters } from '../../db/schema.js';

export type NumberKind = 'T' | 'M' | 'P' | 'D';

/**
 * The table each kind numbers, when it exists. The counter never falls below the highest number already in the table,
 * so a row numbered outside the counter (an import that keeps its 编号) can never be numbered twice.
 */
const NUMBERED: Partial<Record<NumberKind, string>> = { T: 'tasks', M: 'meetings', P: 'problems', D: 'notices' };

const floorOf = (campaignId: number, kind: NumberKind): SQL => {
  const table = NUMBERED[kind];
  return table ? sql`(select coalesce(max(seq), 0) from ${sql.identifier(table)} where campaign_id = ${campaignId})` : sql`0`;
};

/**
 * The statement that takes the next number of a kind. Run it in the same atomic step as the insert that reads
 * takenNumber(): both run in one transaction (better-sqlite3) or one batch (D1), so no other write comes between.
 */
export function takeNumber(dbh: DbHandle, campaignId: number, kind: NumberKind): { run(): unknown } {
  const floor = floorOf(campaignId, kind);
  return dbh.db
    .insert(idCounters)
    .values({ campaignId, kind, last: sql`${floor} + 1` })
    .onConflictDoUpdate({ target: [idCounters.campaignId, idCounters.kind], set: { last: sql`max(${idCounters.last}, ${floor}) + 1` } });
}

/** The number the last takeNumber() of this kind took, as a value for the insert that follows it. */
export function takenNumber(campaignId: number, kind: NumberKind): SQL {
  return sql`(select last from id_counters where campaign_id = ${campaignId} and kind = ${kind})`;
}

/** Moves the counter past a number given from outside (an imported T12), so it is not handed out again. */
export function reserveNumber(dbh: DbHandle, campaignId: number, kind: NumberKind, n: number): { run(): unknown } {
  return dbh.db
    .insert(idCounters)
    .values({ campaignId, kind, last: n })
    .onConflictDoUpdate({ target: [idCounters.campaignId, idCounters.kind], set: { last: sql`max(${idCounters.last}, ${n})` } });
}
