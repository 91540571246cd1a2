// The escalation ladder (seeds 001, 二(二)): a problem a group cannot solve goes to the deputy (副组长), then into the
// office's problem list (问题清单), then to the commander (组长/指挥长). Each level has a limit in workdays (DESIGN.md
// Jobs: group 3, deputy 5, office 5); the `problem-escalation` job moves an open problem up once its limit has passed.
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DbHandle } from '../../db/client.js';
import { problemEvents, problems, type ProblemLevel } from '../../db/schema.js';
import { workdaysBetween, type WorkCalendar } from '../core/calendar.js';

export type Problem = typeof problems.$inferSelect;

export const LADDER: readonly ProblemLevel[] = ['group', 'deputy', 'office', 'commander'];

/** Workdays a problem may stay at a level before it climbs; the commander is the top. */
export const LIMIT_WORKDAYS: Readonly<Record<Exclude<ProblemLevel, 'commander'>, number>> = { group: 3, deputy: 5, office: 5 };

/** The chat a problem is posted to when it reaches a level: the deputies and the commander sit in the leaders' chat. */
export const CHAT_OF_LEVEL: Readonly<Record<Exclude<ProblemLevel, 'group'>, 'leaders' | 'office'>> = { deputy: 'leaders', office: 'office', commander: 'leaders' };

export const LEVEL_NAMES: Readonly<Record<ProblemLevel, { zh: string; en: string }>> = {
  group: { zh: '工作组', en: 'group' },
  deputy: { zh: '副组长', en: 'deputy' },
  office: { zh: '办公室问题清单', en: "office's list" },
  commander: { zh: '组长', en: 'commander' },
};

export function nextLevel(level: ProblemLevel): Exclude<ProblemLevel, 'group'> | undefined {
  return LADDER[LADDER.indexOf(level) + 1] as Exclude<ProblemLevel, 'group'> | undefined;
}

/** Workdays from one instant's date to another's, in the campaign's timezone (the day it started does not count). */
export function workdaysSince(since: string, now: Date, zone: string, cal: WorkCalendar): number {
  const from = DateTime.fromISO(since, { zone }).toISODate()!;
  const to = DateTime.fromJSDate(now, { zone }).toISODate()!;
  return workdaysBetween(cal, from, to);
}

export interface Escalation {
  problem: Problem;
  to: Exclude<ProblemLevel, 'group'>;
  /** the kind of chat to post to; resolve it with chatOf(org, chat) */
  chat: 'leaders' | 'office';
}

/**
 * The open problems whose level's limit has passed at `now`: raised on Monday at group level, a problem is due for the
 * deputy on Thursday (3 workdays: Tue, Wed, Thu), weekends and public holidays not counted. One level per call.
 */
export function problemsToEscalate(list: readonly Problem[], now: Date, zone: string, cal: WorkCalendar): Escalation[] {
  const out: Escalation[] = [];
  for (const p of list) {
    if (p.status !== 'open' || p.level === 'commander') continue;
    const to = nextLevel(p.level);
    if (!to) continue;
    if (workdaysSince(p.levelSince, now, zone, cal) >= LIMIT_WORKDAYS[p.level]) out.push({ problem: p, to, chat: CHAT_OF_LEVEL[to] });
  }
  return out;
}

/**
 * Moves a problem to `toLevel` from the level it was read at, and restarts its level clock. Answers false when it had
 * already moved or was resolved meanwhile (a second run, or a manual step), so each step is taken and posted once.
 */
export async function escalate(dbh: DbHandle, problem: Problem, toLevel: ProblemLevel, now: Date, by: number | null = null): Promise<boolean> {
  const res = await dbh.db
    .update(problems)
    .set({ level: toLevel, levelSince: now.toISOString() })
    .where(and(eq(problems.id, problem.id), eq(problems.level, problem.level), eq(problems.status, 'open')))
    .run();
  const r = res as { changes?: number; meta?: { changes?: number } };
  if ((r.changes ?? r.meta?.changes ?? 0) !== 1) return false;
  // Only the run that moved it writes the history line, so each step appears once.
  await dbh.db.insert(problemEvents).values({ campaignId: problem.campaignId, problemId: problem.id, kind: 'escalated', byPersonId: by, unitId: problem.unitId, at: now.toISOString(), note: toLevel }).run();
  return true;
}
