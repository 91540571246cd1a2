// 汇编: every unit's 进度专报 for a period (or a week or month) gathered into one compilation, by working group, with
// the units that have not reported — what the office sends up as its 进度专报汇编 (seeds/000: 实施进展情况、存在问题及
// 下一步计划; seeds/001: 信息简报). Pure gathering here; the card and the .docx are built from the result.
import { and, eq, inArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.js';
import { reports } from '../../db/schema.js';
import { isHeld, periodBounds, periodOf, shiftPeriod } from '../core/periods.js';
import { leadUnitsOf, unitsOfGroup, type Group, type Org, type Rule, type Unit } from '../org.js';
import { evidenceOf, type Evidence } from './evidence.js';
import { mustReport } from './status.js';
import { calendarOf, dueOfPeriod, groupOfReport } from './store.js';

export type ReportRow = typeof reports.$inferSelect;

/** One rule's period in the compilation. */
export interface RulePeriod {
  rule: Rule;
  period: string;
}

export interface CompiledReport {
  rule: Rule;
  period: string;
  row: ReportRow;
  by: string;
  /** 佐证材料: images and files attached to the report */
  evidence: Evidence[];
}

export interface CompiledUnit {
  unit: Unit;
  reports: CompiledReport[];
}

export interface CompiledGroup {
  /** undefined: units in no single working group (reported for the office) */
  group?: Group;
  units: CompiledUnit[];
}

export interface Missing {
  unit: Unit;
  rule: Rule;
  period: string;
  due: DateTime;
}

export interface Compilation {
  periods: RulePeriod[];
  groups: CompiledGroup[];
  missing: Missing[];
  /** units that must report, counted once per rule and period */
  due: number;
  onTime: number;
  late: number;
  /** each metric summed over the compiled reports, in the order first met */
  totals: Array<[string, number]>;
}

/**
 * The periods of each rule whose due time falls in [start, end): a week holds one weekly period and both halves of a
 * twice-weekly week (and a monthly period only when it is due that week); a month holds its weeks and its month.
 */
export function periodsDueIn(org: Org, start: DateTime, end: DateTime): RulePeriod[] {
  const zone = org.campaign.timezone;
  const cal = calendarOf(org);
  // A period due before the campaign existed was never asked for (as in the lagging list).
  const began = DateTime.fromISO(org.campaign.createdAt);
  const out: RulePeriod[] = [];
  for (const rule of [...org.rules].sort((a, b) => a.id - b.id)) {
    let p = periodOf(rule, start.minus({ months: 3 }), zone);
    for (let i = 0; i < 80 && periodBounds(rule, p, zone).start < end; i++, p = shiftPeriod(rule, p, zone, 1)) {
      if (!isHeld(rule, p, zone, cal)) continue;
      const due = dueOfPeriod(org, rule, p);
      if (due >= start && due < end && due >= began) out.push({ rule, period: p });
    }
  }
  return out;
}

/** The group a unit's report is compiled under: the group it was reported in, else the unit's own group for the rule. */
function homeGroup(org: Org, rule: Rule, unitId: number, chatId: string | null | undefined): Group | undefined {
  const found = groupOfReport(org, rule, unitId, chatId ?? undefined);
  if (found) return found;
  // A unit in several groups is compiled under the first of them in plan order (the groups it leads first), so it is
  // shown once; the card and the document name the group it is under.
  const sorted = [...org.groups].sort((a, b) => a.id - b.id);
  return sorted.find((g) => leadUnitsOf(g).includes(unitId)) ?? (rule.who === 'group_leads' ? undefined : sorted.find((g) => g.unitIds.includes(unitId)));
}

/**
 * Every report of these periods, by group, and the units that must report and have not. `units`, when given, limits
 * the compilation to those units (a group lead compiles their groups' units).
 */
export async function compileReports(db: Db, org: Org, periods: RulePeriod[], units?: ReadonlySet<number>): Promise<Compilation> {
  const ruleIds = [...new Set(periods.map((p) => p.rule.id))];
  const keys = new Set(periods.map((p) => `${p.rule.id}:${p.period}`));
  const rows = ruleIds.length
    ? (
        await db
          .select()
          .from(reports)
          .where(and(eq(reports.campaignId, org.campaign.id), inArray(reports.ruleId, ruleIds), inArray(reports.period, [...new Set(periods.map((p) => p.period))])))
      ).filter((r) => keys.has(`${r.ruleId}:${r.period}`))
    : [];
  const byKey = new Map(rows.map((r) => [`${r.ruleId}:${r.period}:${r.unitId}`, r]));
  const evidence = await evidenceOf(db, rows.map((r) => r.id));
  const personName = (id: number) => org.people.find((p) => p.id === id)?.name ?? '';
  const inScope = (u: Unit) => !units || units.has(u.id);

  const groupOrder = [...org.groups].sort((a, b) => a.id - b.id);
  const buckets = new Map<number, Map<number, CompiledUnit>>();
  const bucket = (g: Group | undefined) => {
    const id = g?.id ?? 0;
    let b = buckets.get(id);
    if (!b) buckets.set(id, (b = new Map()));
    return b;
  };
  const missing: Missing[] = [];
  const totals = new Map<string, number>();
  let due = 0;
  let onTime = 0;
  let late = 0;
  for (const { rule, period } of periods) {
    for (const unit of mustReport(org, rule).filter(inScope)) {
      due++;
      const row = byKey.get(`${rule.id}:${period}:${unit.id}`);
      if (!row) {
        missing.push({ unit, rule, period, due: dueOfPeriod(org, rule, period) });
        continue;
      }
      if (row.late) late++;
      else onTime++;
      for (const [k, v] of Object.entries(row.metrics)) totals.set(k, (totals.get(k) ?? 0) + v);
      const b = bucket(homeGroup(org, rule, unit.id, row.chatId));
      let cu = b.get(unit.id);
      if (!cu) b.set(unit.id, (cu = { unit, reports: [] }));
      cu.reports.push({ rule, period, row, by: personName(row.submittedBy), evidence: evidence.get(row.id) ?? [] });
    }
  }
  // Groups in plan order, each group's units as the group lists them (lead units first), then units in no group.
  const groups: CompiledGroup[] = [];
  for (const g of [...groupOrder, undefined]) {
    const b = buckets.get(g?.id ?? 0);
    if (!b) continue;
    const order = g ? unitsOfGroup(org, g).map((u) => u.id) : [];
    const list = [...b.values()].sort((x, y) => rank(order, x.unit.id) - rank(order, y.unit.id) || x.unit.id - y.unit.id);
    groups.push({ group: g, units: list });
  }
  return { periods, groups, missing, due, onTime, late, totals: [...totals] };
}

const rank = (order: number[], id: number) => (order.includes(id) ? order.indexOf(id) : order.length + id);

/** The units a group lead compiles: those of the groups they lead. */
export function unitsLedBy(org: Org, groupIds: readonly number[]): Set<number> {
  return new Set(org.groups.filter((g) => groupIds.includes(g.id)).flatMap((g) => unitsOfGroup(org, g).map((u) => u.id)));
}
