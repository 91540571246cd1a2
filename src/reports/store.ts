// Saves a 进度专报 for (rule, unit, period): replaces the earlier version and keeps it in report_revisions, marks it
// late when first submitted after the due time, and files the 存在问题 items into the 问题清单 linked to the report.
import { and, eq, sql } from 'drizzle-orm';
import type { DateTime } from 'luxon';
import type { DbHandle } from '../../db/client.js';
import { problems, reportRevisions, reports } from '../../db/schema.js';
import { workCalendar, type CalendarKind } from '../core/calendar.js';
import { dueOf } from '../core/periods.js';
import type { ParsedReport } from '../core/report-parser.js';
import type { Group, Org, Person, Rule, Unit } from '../org.js';

export type ReportRow = typeof reports.$inferSelect;
export type ProblemRow = typeof problems.$inferSelect;

export interface SaveReport {
  org: Org;
  rule: Rule;
  unit: Unit;
  period: string;
  parsed: ParsedReport;
  by: Person;
  at: Date;
}

export interface Saved {
  report: ReportRow;
  due: DateTime;
  /** true when this replaced an earlier version (kept as a revision) */
  replaced: boolean;
  /** the report's open problems in the 问题清单, kept and new */
  problems: ProblemRow[];
}

export const calendarOf = (org: Org) => workCalendar(org.campaign.workdayCalendar as CalendarKind);

export function dueOfPeriod(org: Org, rule: Rule, period: string): DateTime {
  return dueOf(rule, period, org.campaign.timezone, calendarOf(org));
}

/** The group a unit's problems go to: the group it leads, else the first group it belongs to. */
export function groupOfUnit(org: Org, unitId: number): Group | undefined {
  return org.groups.find((g) => g.leadUnitId === unitId) ?? org.groups.find((g) => g.unitIds.includes(unitId));
}

export async function saveReport(dbh: DbHandle, s: SaveReport): Promise<Saved> {
  const { db } = dbh;
  const campaignId = s.org.campaign.id;
  const due = dueOfPeriod(s.org, s.rule, s.period);
  const at = s.at.toISOString();
  const key = and(eq(reports.campaignId, campaignId), eq(reports.ruleId, s.rule.id), eq(reports.unitId, s.unit.id), eq(reports.period, s.period));
  const [old] = await db.select().from(reports).where(key);
  // A correction after the deadline to a report that was on time does not make it late.
  const late = s.at.getTime() > due.toMillis() && (old ? old.late : true);
  const p = s.parsed;
  const values = {
    progress: p.progress,
    problems: p.problems,
    nextSteps: p.nextSteps,
    metrics: p.metrics,
    unplaced: p.unplaced,
    submittedBy: s.by.id,
    submittedAt: at,
    late,
  };
  const statements: Array<{ run(): unknown }> = [];
  if (old) {
    const body = { period: old.period, progress: old.progress, problems: old.problems, nextSteps: old.nextSteps, metrics: old.metrics, unplaced: old.unplaced, late: old.late };
    statements.push(db.insert(reportRevisions).values({ reportId: old.id, revision: old.revision, body, submittedBy: old.submittedBy, submittedAt: old.submittedAt }));
  }
  statements.push(
    db
      .insert(reports)
      .values({ campaignId, ruleId: s.rule.id, unitId: s.unit.id, period: s.period, ...values, revision: 1 })
      .onConflictDoUpdate({ target: [reports.campaignId, reports.ruleId, reports.unitId, reports.period], set: { ...values, revision: sql`${reports.revision} + 1` } }),
  );

  // Problems: items still in the new version keep their row (and number); dropped ones go; new ones are added.
  const before = old ? await db.select().from(problems).where(and(eq(problems.reportId, old.id), eq(problems.status, 'open'))) : [];
  const items = [...new Set(p.problemItems)];
  for (const row of before) if (!items.includes(row.text)) statements.push(db.delete(problems).where(eq(problems.id, row.id)));
  const group = groupOfUnit(s.org, s.unit.id);
  const reportId = sql`(select id from reports where campaign_id = ${campaignId} and rule_id = ${s.rule.id} and unit_id = ${s.unit.id} and period = ${s.period})`;
  for (const text of items) {
    if (before.some((row) => row.text === text)) continue;
    statements.push(
      db.insert(problems).values({
        campaignId,
        seq: sql`(select coalesce(max(seq), 0) + 1 from problems where campaign_id = ${campaignId})`,
        text,
        unitId: s.unit.id,
        groupId: group?.id ?? null,
        reportId,
        level: 'group',
        levelSince: at,
        status: 'open',
        raisedBy: s.by.id,
        raisedAt: at,
      }),
    );
  }
  await dbh.atomic(statements);

  const [report] = await db.select().from(reports).where(key);
  const open = await db.select().from(problems).where(and(eq(problems.reportId, report!.id), eq(problems.status, 'open'))).orderBy(problems.seq);
  return { report: report!, due, replaced: Boolean(old), problems: open };
}

/** Earlier versions of a report, oldest first. */
export async function revisionsOf(dbh: DbHandle, reportId: number) {
  return dbh.db.select().from(reportRevisions).where(eq(reportRevisions.reportId, reportId)).orderBy(reportRevisions.revision);
}
