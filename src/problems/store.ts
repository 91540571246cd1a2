// 问题清单: problems raised in chat or from a report's 存在问题, numbered P1, P2… per campaign, each with its level,
// its age in workdays and the level that owns it now.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { problems } from '../../db/schema.js';
import type { WorkCalendar } from '../core/calendar.js';
import type { Actor, Group, Org } from '../org.js';
import { chatOf } from '../org.js';
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
  reportId?: number | null;
  raisedBy: number | null;
}

/** Raises a problem at group level; the report command calls this for each line of 存在问题 too. */
export async function raiseProblem(db: Db, campaignId: number, p: NewProblem, now: Date): Promise<Problem> {
  const at = now.toISOString();
  const [row] = await db
    .insert(problems)
    .values({
      campaignId,
      seq: sql`(select coalesce(max(seq), 0) + 1 from problems where campaign_id = ${campaignId})`,
      text: p.text,
      unitId: p.unitId,
      groupId: p.groupId,
      reportId: p.reportId ?? null,
      level: 'group',
      levelSince: at,
      status: 'open',
      raisedBy: p.raisedBy,
      raisedAt: at,
    })
    .returning();
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

export async function resolveProblem(db: Db, p: Problem, note: string, now: Date): Promise<void> {
  await db.update(problems).set({ status: 'resolved', resolvedAt: now.toISOString(), resolution: note }).where(eq(problems.id, p.id)).run();
}

/** The group a problem raised in chat belongs to: this chat's group, else a group the person leads, else their unit's. */
export function groupForProblem(org: Org, actor: Actor, chatId: string): Group | undefined {
  const bound = org.chats.find((c) => c.chatId === chatId && c.kind === 'group' && c.active);
  if (bound) return org.group(bound.groupId);
  const led = org.groups.find((g) => actor.leads(g.id));
  if (led) return led;
  const unitId = actor.person.unitId;
  return org.groups.find((g) => g.leadUnitId === unitId) ?? org.groups.find((g) => g.unitIds.includes(unitId));
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
