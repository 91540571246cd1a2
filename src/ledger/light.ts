// 红黄绿灯 (the three-colour light of supervision portals) on open ledger items: 🔴 overdue; 🟡 due within the plan's
// `ledger.yellow_within` workdays (default 3) or extended (延期) at least once; 🟢 on track. Written-off and cancelled
// items carry no light. The one rule every surface uses: lists, cards, status, digests, the bulletin, the exports.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { taskEvents, tasks } from '../../db/schema.js';
import { addWorkdays, calendarOf, type CalendarHolder } from '../core/calendar.js';
import type { Campaign } from '../org.js';
import { todayIn } from './overdue.js';
import { ofUnit, type Task } from './tasks.js';

export type Light = 'green' | 'yellow' | 'red';
export const LIGHTS: readonly Light[] = ['green', 'yellow', 'red'];
export const LIGHT_EMOJI: Record<Light, string> = { green: '🟢', yellow: '🟡', red: '🔴' };

export const DEFAULT_YELLOW_WITHIN = 3;

/** The plan's `ledger.yellow_within` (kept in campaigns.settings), or the default 3 workdays. */
export function yellowWithin(campaign: Pick<Campaign, 'settings'>): number {
  const v = ((campaign.settings ?? {}) as { ledger?: { yellow_within?: unknown } }).ledger?.yellow_within;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : DEFAULT_YELLOW_WITHIN;
}

export interface LightRule {
  today: string;
  /** workdays that make an item 🟡 */
  within: number;
  /** the first deadline that is 🟢: the (within + 1)th workday after today */
  greenFrom: string;
  /** the light of an item, or undefined when it is closed */
  of(task: Pick<Task, 'status' | 'deadline'>, extended: boolean): Light | undefined;
  /** why the light is 🟡: 'due' (due within N workdays) wins over 'extended' */
  why(task: Pick<Task, 'status' | 'deadline'>, extended: boolean): 'due' | 'extended' | undefined;
}

/**
 * The rule as of `now` in the campaign's timezone. "Due within N workdays" counts the workdays after today up to and
 * including the deadline (today's own deadline counts 0): a deadline on a weekend or holiday right after the Nth
 * workday is still 🟡, the (N+1)th workday is 🟢.
 */
export function lightRule(campaign: Pick<Campaign, 'timezone' | 'settings'> & CalendarHolder, now: Date): LightRule {
  const today = todayIn(campaign, now);
  const within = yellowWithin(campaign);
  const greenFrom = addWorkdays(calendarOf(campaign), today, within + 1);
  const of = (t: Pick<Task, 'status' | 'deadline'>, extended: boolean): Light | undefined => {
    if (t.status !== 'open') return undefined;
    if (t.deadline < today) return 'red';
    return t.deadline < greenFrom || extended ? 'yellow' : 'green';
  };
  return {
    today,
    within,
    greenFrom,
    of,
    why: (t, extended) => (of(t, extended) !== 'yellow' ? undefined : t.deadline < greenFrom ? 'due' : 'extended'),
  };
}

/** The SQL condition "this task was extended at least once" (an `extend` history row). */
export const wasExtended = sql`exists (select 1 from ${taskEvents} where ${taskEvents.taskId} = ${tasks.id} and ${taskEvents.kind} = 'extend')`;

/** Which of these tasks were ever extended (延期). */
export async function extendedIds(db: Db, campaignId: number, taskIds: number[]): Promise<Set<number>> {
  if (!taskIds.length) return new Set();
  const out = new Set<number>();
  // SQLite allows 999 bound values per statement on older builds: ask in slices.
  for (let i = 0; i < taskIds.length; i += 500) {
    const rows = await db
      .selectDistinct({ id: taskEvents.taskId })
      .from(taskEvents)
      .where(and(eq(taskEvents.campaignId, campaignId), eq(taskEvents.kind, 'extend'), inArray(taskEvents.taskId, taskIds.slice(i, i + 500))));
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/** The light of each task (closed ones are absent), by task id. */
export async function lightsOf(db: Db, campaign: Campaign, rows: Task[], now: Date): Promise<Map<number, Light>> {
  const rule = lightRule(campaign, now);
  const open = rows.filter((t) => t.status === 'open');
  const extended = await extendedIds(db, campaign.id, open.map((t) => t.id));
  return new Map(open.map((t) => [t.id, rule.of(t, extended.has(t.id))!]));
}

export type LightCounts = Record<Light, number>;

/** Open items per lead unit by light: one grouped query (for status and the bulletin). */
export async function lightCountsByUnit(db: Db, campaign: Campaign, now: Date): Promise<Map<number, LightCounts>> {
  const rule = lightRule(campaign, now);
  const rows = await db
    .select({
      unitId: tasks.leadUnitId,
      red: sql<number>`coalesce(sum(case when ${tasks.deadline} < ${rule.today} then 1 else 0 end), 0)`,
      yellow: sql<number>`coalesce(sum(case when ${tasks.deadline} >= ${rule.today} and (${tasks.deadline} < ${rule.greenFrom} or ${wasExtended}) then 1 else 0 end), 0)`,
      all: sql<number>`count(*)`,
    })
    .from(tasks)
    .where(and(eq(tasks.campaignId, campaign.id), eq(tasks.status, 'open')))
    .groupBy(tasks.leadUnitId);
  return new Map(rows.map((r) => [r.unitId, { red: Number(r.red), yellow: Number(r.yellow), green: Number(r.all) - Number(r.red) - Number(r.yellow) }]));
}

type Say = (zh: string, en: string) => string;

/** 🟡 黄灯（3个工作日内到期） / 🟡 yellow (due within 3 workdays): a light with its reason, for cards. */
export function lightText(t: Say, light: Light, why?: 'due' | 'extended', within = DEFAULT_YELLOW_WITHIN): string {
  if (light === 'red') return t('🔴 红灯（已逾期）', '🔴 red (overdue)');
  if (light === 'green') return t('🟢 绿灯（正常推进）', '🟢 green (on track)');
  return why === 'extended'
    ? t('🟡 黄灯（已延期）', '🟡 yellow (extended)')
    : t(`🟡 黄灯（${within}个工作日内到期）`, `🟡 yellow (due within ${within} workdays)`);
}

/** The light's rule in one line, for card notes and the README. */
export const lightRuleText = (t: Say, within: number) =>
  t(`🟢 正常推进　🟡 ${within}个工作日内到期或已延期　🔴 已逾期`, `🟢 on track · 🟡 due within ${within} workdays or extended · 🔴 overdue`);

export interface YellowItem {
  task: Task;
  why: 'due' | 'extended';
}

/** The 🟡 items (open, not overdue, due within N workdays or extended), soonest first; scoped like the overdue list. */
export async function yellowTasks(db: Db, campaign: Campaign, now: Date, scope: { unitId?: number; groupId?: number } = {}): Promise<YellowItem[]> {
  const rule = lightRule(campaign, now);
  const rows = await db
    .select({ task: tasks, extended: sql<number>`${wasExtended}` })
    .from(tasks)
    .where(
      and(
        eq(tasks.campaignId, campaign.id),
        eq(tasks.status, 'open'),
        sql`${tasks.deadline} >= ${rule.today}`,
        sql`(${tasks.deadline} < ${rule.greenFrom} or ${wasExtended})`,
        scope.groupId !== undefined ? eq(tasks.groupId, scope.groupId) : undefined,
        scope.unitId !== undefined ? ofUnit(scope.unitId) : undefined,
      ),
    )
    .orderBy(asc(tasks.deadline), asc(tasks.seq));
  return rows.map((r) => ({ task: r.task, why: rule.why(r.task, Boolean(r.extended))! }));
}
