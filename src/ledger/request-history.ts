// A task's requests (申请延期, 销账审核) as lines of its history, woven in by time with its events: who asked and when,
// then who decided, when and with what note. Only type imports, so the ledger's queries can use it without a cycle.
import type { taskRequests } from '../../db/schema.js';
import type { TaskEvent } from './tasks.js';

export type TaskRequest = typeof taskRequests.$inferSelect;

/**
 * The requests as lines of the task's history (申请延期, 同意/驳回), in the shape of its events: who asked and when,
 * then who decided, when and with what note. Their ids are negative so they never meet a real event's.
 */
export function requestEvents(reqs: TaskRequest[]): TaskEvent[] {
  const out: TaskEvent[] = [];
  for (const r of reqs) {
    out.push({ id: -2 * r.id, campaignId: r.campaignId, taskId: r.taskId, kind: `${r.kind}_requested`, byPersonId: r.askedBy, at: r.askedAt, note: r.reason, fromDeadline: null, toDeadline: r.toDeadline });
    if (r.status !== 'pending' && r.decidedAt) {
      out.push({ id: -2 * r.id - 1, campaignId: r.campaignId, taskId: r.taskId, kind: `${r.kind}_${r.status}`, byPersonId: r.decidedBy, at: r.decidedAt, note: r.decisionNote, fromDeadline: null, toDeadline: r.toDeadline });
    }
  }
  return out;
}

/** A task's history with its requests woven in by time (a decision before the change it made at the same moment). */
export function withRequests(events: TaskEvent[], reqs: TaskRequest[]): TaskEvent[] {
  const rank = (e: TaskEvent) => (e.id < 0 ? 0 : 1);
  return [...events, ...requestEvents(reqs)].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : rank(a) - rank(b) || Math.abs(a.id) - Math.abs(b.id)));
}
