// Who must report under a rule, who has (on time or late) and who has not for a period, with the liaisons of the
// missing units and each unit's open and overdue tasks; and the records the lagging score is computed from.
import { and, eq, lt, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.js';
import { reports, tasks } from '../../db/schema.js';
import { periodName } from '../core/period-words.js';
import { isHeld, periodBounds, periodOf, shiftPeriod } from '../core/periods.js';
import { leadsGroup, leadUnitsOf, liaisonsOf, unitsOfGroup, type Org, type Person, type Rule, type Scope, type Unit } from '../org.js';
import { unansweredOverdue } from '../notices/store.js';
import { lightCountsByUnit } from '../ledger/light.js';
import { scoreUnits, type Lagging, type UnitRecord } from './scoring.js';
import { calendarOf, dueOfPeriod } from './store.js';

/** The units that must report under a rule: every active unit, each group's lead unit, or the listed units; in plan order. */
export function mustReport(org: Org, rule: Rule): Unit[] {
  const ids = rule.who === 'all_units' ? org.units.map((u) => u.id) : rule.who === 'group_leads' ? org.groups.flatMap((g) => leadUnitsOf(g)) : rule.who;
  // ids follow the plan's order of units; the org's lists come in whatever order the database answers
  return [...new Set(ids)]
    .sort((a, b) => a - b)
    .map((id) => org.unit(id))
    .filter((u): u is Unit => Boolean(u));
}

/** Today's date in the campaign's timezone. */
export const todayOf = (org: Org, now: Date) => DateTime.fromJSDate(now, { zone: org.campaign.timezone }).toISODate()!;

export interface TaskCount {
  open: number;
  /** 🔴: deadline before today */
  overdue: number;
  /** 🟡: due within ledger.yellow_within workdays, or extended (src/ledger/light.ts) */
  yellow?: number;
}

/** Open tasks per lead unit, with how many are 🔴 overdue and 🟡 yellow. */
export async function taskCounts(db: Db, org: Org, now: Date): Promise<Map<number, TaskCount>> {
  const byUnit = await lightCountsByUnit(db, org.campaign, now);
  return new Map([...byUnit].map(([id, c]) => [id, { open: c.green + c.yellow + c.red, overdue: c.red, yellow: c.yellow }]));
}

export type UnitState = 'on_time' | 'late' | 'missing' | 'not_required';

export interface UnitLine {
  unit: Unit;
  state: UnitState;
  submittedAt?: string;
  by?: string;
  liaisons: Person[];
  open: number;
  overdue: number;
  yellow?: number;
}

export interface RuleStatus {
  rule: Rule;
  period: string;
  due: DateTime;
  duePassed: boolean;
  lines: UnitLine[];
}

/** The units a scope names: a group's units (lead first) or one unit; no scope is the whole campaign. */
export function unitsInScope(org: Org, scope?: Scope): Unit[] {
  if (!scope) return [...org.units].sort((a, b) => a.id - b.id);
  return scope.kind === 'group' ? unitsOfGroup(org, scope.group) : [scope.unit];
}

/**
 * One rule's period: a line for every unit that must report (in scope), then the other units in scope that lead
 * open tasks, so the task counts are complete.
 */
export async function ruleStatus(db: Db, org: Org, rule: Rule, period: string, now: Date, counts: Map<number, TaskCount>, scope?: Scope): Promise<RuleStatus> {
  const due = dueOfPeriod(org, rule, period);
  const rows = await db
    .select({ unitId: reports.unitId, late: reports.late, submittedAt: reports.submittedAt, by: reports.submittedBy })
    .from(reports)
    .where(and(eq(reports.campaignId, org.campaign.id), eq(reports.ruleId, rule.id), eq(reports.period, period)));
  const byUnit = new Map(rows.map((r) => [r.unitId, r]));
  const inScope = new Set(unitsInScope(org, scope).map((u) => u.id));
  // Under group_leads a group's view is about its own lead unit: its other units report (if at all) for other groups.
  const required = mustReport(org, rule).filter((u) => (scope?.kind === 'group' && rule.who === 'group_leads' ? leadsGroup(scope.group, u.id) : inScope.has(u.id)));
  const requiredIds = new Set(required.map((u) => u.id));
  const personName = (id: number) => org.people.find((p) => p.id === id)?.name;
  const line = (unit: Unit, state: UnitState): UnitLine => {
    const r = byUnit.get(unit.id);
    const c = counts.get(unit.id) ?? { open: 0, overdue: 0 };
    return { unit, state, submittedAt: r?.submittedAt, by: r ? personName(r.by) : undefined, liaisons: state === 'missing' ? liaisonsOf(org, unit.id) : [], ...c };
  };
  const lines = required.map((u) => {
    const r = byUnit.get(u.id);
    return line(u, !r ? 'missing' : r.late ? 'late' : 'on_time');
  });
  for (const u of unitsInScope(org, scope)) if (!requiredIds.has(u.id) && counts.has(u.id)) lines.push(line(u, 'not_required'));
  return { rule, period, due, duePassed: now.getTime() > due.toMillis(), lines };
}

export type Span = 'week' | 'month';

export interface DuePeriod {
  rule: Rule;
  period: string;
}

/** Which week or month a lagging list is about: this one, the last one, or the latest with a report due. */
export type Which = 'this' | 'last' | 'latest';

/** A week or a month of the calendar, as the lagging list names it. */
export interface SpanRange {
  span: Span;
  /** the week's or month's key (2026-W48, 2026-11) */
  key: string;
  start: DateTime;
  end: DateTime;
  /** 'this' or 'last' relative to now, or undefined for an earlier one */
  which?: 'this' | 'last';
}

const spanRule = (span: Span) => ({ cadence: span === 'week' ? ('weekly' as const) : ('monthly' as const), due: { time: '00:00' } });

/** The week or month `key` (2026-W47, 2026-11) as a range, with whether it is this or last one at `now`. */
export function spanRange(org: Org, span: Span, key: string, now: Date): SpanRange {
  const zone = org.campaign.timezone;
  const { start, end } = periodBounds(spanRule(span), key, zone);
  const current = periodOf(spanRule(span), now, zone);
  const which = key === current ? 'this' : key === shiftPeriod(spanRule(span), current, zone, -1) ? 'last' : undefined;
  return { span, key, start, end, which };
}

/** This, last, or the latest week (month) with a period due by now: this one once any of its periods is due. */
export function pickSpan(org: Org, span: Span, which: Which, now: Date): SpanRange {
  const zone = org.campaign.timezone;
  const current = periodOf(spanRule(span), now, zone);
  const last = shiftPeriod(spanRule(span), current, zone, -1);
  if (which === 'this') return spanRange(org, span, current, now);
  if (which === 'last') return spanRange(org, span, last, now);
  const here = spanRange(org, span, current, now);
  return periodsIn(org, here, now).length ? here : spanRange(org, span, last, now);
}

/**
 * The periods a lagging list over a week or month is about: the held periods due inside it by `now` — of the weekly
 * and twice-weekly rules for a week (both halves of a twice-weekly week; every rule when there is none of those),
 * of every rule for a month. A week with no workday has no period, so nobody is counted for it.
 */
export function periodsIn(org: Org, range: SpanRange, now: Date): DuePeriod[] {
  const zone = org.campaign.timezone;
  const cal = calendarOf(org);
  // A period due before the campaign existed was never asked for: nobody missed it.
  const began = DateTime.fromISO(org.campaign.createdAt).toMillis();
  const weekly = org.rules.filter((r) => r.cadence === 'weekly' || r.cadence === 'twice_weekly');
  const rules = range.span === 'week' && weekly.length ? weekly : org.rules;
  const out: DuePeriod[] = [];
  for (const rule of rules) {
    let p = periodOf(rule, range.start.minus({ months: 3 }), zone);
    for (let i = 0; i < 60 && periodBounds(rule, p, zone).start < range.end; i++, p = shiftPeriod(rule, p, zone, 1)) {
      if (!isHeld(rule, p, zone, cal)) continue;
      const due = dueOfPeriod(org, rule, p);
      if (due >= range.start && due < range.end && due.toMillis() <= now.getTime() && due.toMillis() >= began) out.push({ rule, period: p });
    }
  }
  return out;
}

/** The periods of the latest week or this month (the scheduled lagging list and `落后` without a word). */
export function periodsFor(org: Org, span: Span, now: Date): DuePeriod[] {
  return periodsIn(org, pickSpan(org, span, span === 'week' ? 'latest' : 'this', now), now);
}

/** The lagging units for the given periods, worst first; overdue tasks are counted as of today. */
export async function laggingUnits(db: Db, org: Org, periods: DuePeriod[], now: Date): Promise<Lagging[]> {
  const today = todayOf(org, now);
  const lang = org.campaign.locale === 'en' ? 'en' : 'zh';
  const records = new Map<number, UnitRecord>();
  const recordOf = (unit: Unit): UnitRecord => {
    let r = records.get(unit.id);
    if (!r) records.set(unit.id, (r = { unitId: unit.id, name: unit.name, order: unit.id, missed: [], late: [], overdueDeadlines: [] }));
    return r;
  };
  for (const { rule, period } of periods) {
    const rows = await db
      .select({ unitId: reports.unitId, late: reports.late })
      .from(reports)
      .where(and(eq(reports.campaignId, org.campaign.id), eq(reports.ruleId, rule.id), eq(reports.period, period)));
    const got = new Map(rows.map((r) => [r.unitId, r.late]));
    for (const unit of mustReport(org, rule)) {
      const late = got.get(unit.id);
      // The reasons name periods in words (第47周); a list has no room for dates.
      const name = periodName(period, lang);
      if (late === undefined) recordOf(unit).missed.push(name);
      else if (late) recordOf(unit).late.push(name);
    }
  }
  const overdue = await db
    .select({ unitId: tasks.leadUnitId, deadline: tasks.deadline })
    .from(tasks)
    .where(and(eq(tasks.campaignId, org.campaign.id), eq(tasks.status, 'open'), lt(tasks.deadline, today)));
  for (const t of overdue) {
    // org.unit() knows only active units: a deactivated unit is not named in a 通报
    const unit = org.unit(t.unitId);
    if (unit) recordOf(unit).overdueDeadlines.push(t.deadline);
  }
  // 督办单 the unit has let pass without a reply, as of today (like overdue tasks, not tied to the list's periods).
  for (const n of await unansweredOverdue(db, org.campaign.id, today)) {
    const unit = org.unit(n.unitId);
    if (unit) {
      const r = recordOf(unit);
      r.unansweredNotices = (r.unansweredNotices ?? 0) + 1;
    }
  }
  return scoreUnits([...records.values()], calendarOf(org), today);
}
