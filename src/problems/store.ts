// 问题清单: problems raised in chat or from a report's 存在问题, numbered P1, P2… per campaign, each with its level,
// its age in workdays and the level that owns it now.
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db, DbHandle } from '../../db/client.js';
import { problemEvents, problems } from '../../db/schema.js';
import { takeNumber, takenNumber } from '../ledger/counters.js';
import type { WorkCalendar } from '../core/calendar.js';
import type { Actor, Group, Org } from '../org.js';
import { chatOf, leadsGroup } from '../org.js';
import { LEVEL_NAMES, workdaysSince, type Problem } from './ladder.js';

export type { Problem };

export const problemRef = (p: Pick<Problem, 'seq'>) => `P${p.seq}`;

/** "P3", "p3", "3", "#3" → 3. */
export function parseProblemRef(s: string): number | undefined {
  const m = /^#?[pP]?(\d+)$/.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}

export interface NewProblem {
  text: string;
  unitId: number | null;
  groupId: number | null;
  reportId?: number | SQL | null;
  raisedBy: number | null;
}

export type ProblemEvent = typeof problemEvents.$inferSelect;
/**
 * raised; escalated (note: the new level); revised_without (the unit re-sent the report without this line: the problem
 * stays open); raised_again (a later version of the report has the line again); resolved; cancelled.
 */
export type ProblemEventKind = 'raised' | 'escalated' | 'revised_without' | 'raised_again' | 'resolved' | 'cancelled';

/** One line of a problem's history (problem_events), never updated or deleted. */
export function problemEventStatement(
  dbh: DbHandle,
  p: { campaignId: number; id: number | SQL },
  e: { kind: ProblemEventKind; by: number | null; unitId?: number | null; at: Date; note?: string },
) {
  return dbh.db.insert(problemEvents).values({ campaignId: p.campaignId, problemId: p.id, kind: e.kind, byPersonId: e.by, unitId: e.unitId ?? null, at: e.at.toISOString(), note: e.note ?? '' });
}

/** The id of the problem just numbered by takeNumber(), inside the same atomic step. */
export const justNumbered = (campaignId: number): SQL => sql`(select id from problems where campaign_id = ${campaignId} and seq = ${takenNumber(campaignId, 'P')})`;

/**
 * The statements that raise one problem at group level with its number from the counter and its first history line;
 * the report command's 存在问题 lines use these inside the report's own atomic step.
 */
export function raiseStatements(dbh: DbHandle, campaignId: number, p: NewProblem, now: Date): Array<{ run(): unknown }> {
  const at = now.toISOString();
  return [
    takeNumber(dbh, campaignId, 'P'),
    dbh.db.insert(problems).values({
      campaignId,
      seq: takenNumber(campaignId, 'P'),
      text: p.text,
      unitId: p.unitId,
      groupId: p.groupId,
      reportId: p.reportId ?? null,
      level: 'group',
      levelSince: at,
      status: 'open',
      raisedBy: p.raisedBy,
      raisedAt: at,
    }),
    problemEventStatement(dbh, { campaignId, id: justNumbered(campaignId) }, { kind: 'raised', by: p.raisedBy, unitId: p.unitId, at: now }),
  ];
}

/** Raises a problem at group level. */
export async function raiseProblem(dbh: DbHandle, campaignId: number, p: NewProblem, now: Date): Promise<Problem> {
  await dbh.atomic(raiseStatements(dbh, campaignId, p, now));
  const [row] = await dbh.db
    .select()
    .from(problems)
    .where(and(eq(problems.campaignId, campaignId), eq(problems.text, p.text), eq(problems.raisedAt, now.toISOString())))
    .orderBy(desc(problems.id))
    .limit(1);
  return row!;
}

export async function findProblem(db: Db, campaignId: number, seq: number): Promise<Problem | undefined> {
  const [row] = await db.select().from(problems).where(and(eq(problems.campaignId, campaignId), eq(problems.seq, seq)));
  return row;
}

export async function openProblems(db: Db, campaignId: number): Promise<Problem[]> {
  return db.select().from(problems).where(and(eq(problems.campaignId, campaignId), eq(problems.status, 'open'))).orderBy(asc(problems.seq));
}

export async function allProblems(db: Db, campaignId: number): Promise<Problem[]> {
  return db.select().from(problems).where(eq(problems.campaignId, campaignId)).orderBy(asc(problems.seq));
}

/** 解决 or 撤销: the only ways a problem closes; the row stays, with the note and a history line. */
export async function closeProblem(dbh: DbHandle, p: Problem, c: { status: 'resolved' | 'cancelled'; note: string; by: number | null; at: Date }): Promise<Problem> {
  await dbh.atomic([
    dbh.db.update(problems).set({ status: c.status, resolvedAt: c.at.toISOString(), resolution: c.note }).where(eq(problems.id, p.id)),
    problemEventStatement(dbh, p, { kind: c.status, by: c.by, unitId: p.unitId, at: c.at, note: c.note }),
  ]);
  return { ...p, status: c.status, resolvedAt: c.at.toISOString(), resolution: c.note };
}

export const resolveProblem = (dbh: DbHandle, p: Problem, note: string, by: number | null, now: Date) => closeProblem(dbh, p, { status: 'resolved', note, by, at: now });

/** A problem's history, oldest first. */
export async function historyOfProblem(db: Db, p: Pick<Problem, 'id'>): Promise<ProblemEvent[]> {
  return db.select().from(problemEvents).where(eq(problemEvents.problemId, p.id)).orderBy(asc(problemEvents.id));
}

/** The group a problem raised in chat belongs to: this chat's group, else a group the person leads, else their unit's. */
export function groupForProblem(org: Org, actor: Actor, chatId: string): Group | undefined {
  const bound = org.chats.find((c) => c.chatId === chatId && c.kind === 'group' && c.active);
  if (bound) return org.group(bound.groupId);
  const led = org.groups.find((g) => actor.leads(g.id));
  if (led) return led;
  const unitId = actor.person.unitId;
  return org.groups.find((g) => leadsGroup(g, unitId)) ?? org.groups.find((g) => g.unitIds.includes(unitId));
}

/** Who owns a problem at its level: the group's name at group level, then 副组长, 办公室, 组长. */
export function ownerOf(org: Org, p: Problem, lang: 'zh' | 'en'): string {
  if (p.level === 'group') return org.group(p.groupId)?.name ?? (lang === 'zh' ? '办公室' : 'office');
  return LEVEL_NAMES[p.level][lang];
}

export interface ProblemView {
  problem: Problem;
  /** workdays since raised */
  age: number;
  /** workdays at the current level */
  atLevel: number;
  owner: string;
}

export function viewOf(org: Org, p: Problem, now: Date, cal: WorkCalendar, lang: 'zh' | 'en'): ProblemView {
  const zone = org.campaign.timezone;
  const end = p.resolvedAt ? new Date(p.resolvedAt) : now;
  return { problem: p, age: workdaysSince(p.raisedAt, end, zone, cal), atLevel: workdaysSince(p.levelSince, end, zone, cal), owner: ownerOf(org, p, lang) };
}

/** The chat a problem at its level is discussed in: the group's chat, the leaders' or the office chat. */
export function chatOfLevel(org: Org, p: Pick<Problem, 'level' | 'groupId'>): string | undefined {
  if (p.level === 'group') return p.groupId ? chatOf(org, 'group', p.groupId) : chatOf(org, 'office');
  return chatOf(org, p.level === 'office' ? 'office' : 'leaders');
}
