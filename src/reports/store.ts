// Saves a 进度专报 for (rule, unit, period): replaces the earlier version and keeps it in report_revisions, marks it
// late when first submitted after the due time, and files the 存在问题 items into the 问题清单 linked to the report
// (a revision never deletes a problem: see the history lines below).
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DateTime } from 'luxon';
import type { DbHandle } from '../../db/client.js';
import { problemEvents, problems, reportRevisions, reports } from '../../db/schema.js';
import { calendarOf as campaignCalendar } from '../core/calendar.js';
import { dueOf } from '../core/periods.js';
import type { ParsedReport } from '../core/report-parser.js';
import { leadUnitsOf, type Group, type Org, type Person, type Rule, type Unit } from '../org.js';
import { problemEventStatement, raiseStatements } from '../problems/store.js';

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
  /** the chat it was sent in; decides the group of its problems */
  chatId?: string;
  /** 补充 / 更正: the message changes the sections it gives of this period's report and keeps the rest */
  amend?: Amendment;
}

/**
 * A message that amends this period's report instead of replacing it: 补充 adds what it gives to the report's
 * sections, 更正 replaces the sections it gives. A metrics section (指标：…) sets the metrics it names, the others
 * kept; numbers in its sentences are not read as metrics (「来访人次应为32人次，不是23人次」 names two).
 */
export interface Amendment {
  kind: 'add' | 'fix';
  /** the sections the message gives (with a heading, or read as one) */
  sections: ReadonlySet<'progress' | 'problems' | 'next' | 'metrics'>;
}

export interface Saved {
  report: ReportRow;
  due: DateTime;
  /** true when this replaced an earlier version (kept as a revision) */
  replaced: boolean;
  /** the amendment applied to the earlier version, when the message was one (补充 / 更正) */
  amended?: Amendment;
  /** the report's open problems in the 问题清单 that this version names, kept and new */
  problems: ProblemRow[];
  /** problems of earlier versions that this version leaves out: still open until resolved or cancelled */
  stillOpen: ProblemRow[];
}

export const calendarOf = (org: Org) => campaignCalendar(org.campaign);

const reportKey = (campaignId: number, ruleId: number, unitId: number, period: string) =>
  and(eq(reports.campaignId, campaignId), eq(reports.ruleId, ruleId), eq(reports.unitId, unitId), eq(reports.period, period));

/** The unit's report of the period under the rule, if it sent one. */
export async function reportFor(dbh: DbHandle, campaignId: number, ruleId: number, unitId: number, period: string): Promise<ReportRow | undefined> {
  const [row] = await dbh.db.select().from(reports).where(reportKey(campaignId, ruleId, unitId, period));
  return row;
}

export function dueOfPeriod(org: Org, rule: Rule, period: string): DateTime {
  // Kept per loaded organisation (a plan change loads a new one, so a changed calendar or rule is never read stale):
  // a bulletin asks for the due time of two years of periods, each a walk over the holiday calendar.
  let cache = dueCache.get(org);
  if (!cache) dueCache.set(org, (cache = new Map()));
  const key = `${rule.id}|${period}`;
  let due = cache.get(key);
  if (!due) {
    if (cache.size >= 20_000) cache.clear();
    cache.set(key, (due = dueOf(rule, period, org.campaign.timezone, calendarOf(org))));
  }
  return due;
}

const dueCache = new WeakMap<Org, Map<string, DateTime>>();

/**
 * The group a report's problems belong to: the group whose chat it was sent in; from elsewhere (a private chat, the
 * office chat) the unit's only group (for a group-leads rule, the only group it leads); else none, and the office
 * owns them. Never "the first group the unit is in": a unit in five groups would file everything in one.
 */
export function groupOfReport(org: Org, rule: Rule, unitId: number, chatId: string | undefined): Group | undefined {
  const bound = chatId ? org.chats.find((c) => c.chatId === chatId && c.kind === 'group' && c.active) : undefined;
  const inChat = bound ? org.group(bound.groupId) : undefined;
  if (inChat) return inChat;
  if (rule.who === 'group_leads') {
    const led = org.groups.filter((g) => leadUnitsOf(g).includes(unitId));
    if (led.length === 1) return led[0];
  }
  const member = org.groups.filter((g) => leadUnitsOf(g).includes(unitId) || g.unitIds.includes(unitId));
  return member.length === 1 ? member[0] : undefined;
}

export async function saveReport(dbh: DbHandle, s: SaveReport): Promise<Saved> {
  const { db } = dbh;
  const campaignId = s.org.campaign.id;
  const due = dueOfPeriod(s.org, s.rule, s.period);
  const at = s.at.toISOString();
  const key = reportKey(campaignId, s.rule.id, s.unit.id, s.period);
  const [old] = await db.select().from(reports).where(key);
  // A correction after the deadline to a report that was on time does not make it late.
  const late = s.at.getTime() > due.toMillis() && (old ? old.late : true);
  // Problems (nothing a unit wrote is deleted): a line still in the new version keeps its problem and number; a line
  // dropped from it leaves its problem open with a history line, for only 解决 or 撤销 close a problem; a dropped line
  // that comes back is noted again; a new line is raised in the group the report belongs to.
  const mine = old ? await db.select().from(problems).where(eq(problems.reportId, old.id)).orderBy(problems.seq) : [];
  const absent = new Set(mine.length ? await droppedFromReport(db, mine.map((p) => p.id)) : []);
  const amended = old && s.amend ? s.amend : undefined;
  const p = amended ? amend(old!, mine.filter((r) => !absent.has(r.id)).map((r) => r.text), s.parsed, amended) : s.parsed;
  const values = {
    progress: p.progress,
    problems: p.problems,
    nextSteps: p.nextSteps,
    metrics: p.metrics,
    unplaced: p.unplaced,
    submittedBy: s.by.id,
    submittedAt: at,
    late,
    chatId: s.chatId ?? null,
  };
  const statements: Array<{ run(): unknown }> = [];
  if (old) {
    const body = { period: old.period, progress: old.progress, problems: old.problems, nextSteps: old.nextSteps, metrics: old.metrics, unplaced: old.unplaced, late: old.late, chatId: old.chatId };
    statements.push(db.insert(reportRevisions).values({ reportId: old.id, revision: old.revision, body, submittedBy: old.submittedBy, submittedAt: old.submittedAt }));
  }
  statements.push(
    db
      .insert(reports)
      .values({ campaignId, ruleId: s.rule.id, unitId: s.unit.id, period: s.period, ...values, revision: 1 })
      .onConflictDoUpdate({ target: [reports.campaignId, reports.ruleId, reports.unitId, reports.period], set: { ...values, revision: sql`${reports.revision} + 1` } }),
  );

  const items = [...new Set(p.problemItems)];
  const dropped: ProblemRow[] = [];
  const who = { by: s.by.id, unitId: s.unit.id, at: s.at };
  for (const row of mine) {
    if (row.status !== 'open' || items.includes(row.text)) continue;
    dropped.push(row);
    if (!absent.has(row.id)) statements.push(problemEventStatement(dbh, row, { kind: 'revised_without', ...who, note: s.period }));
  }
  const group = groupOfReport(s.org, s.rule, s.unit.id, s.chatId);
  const reportId = sql`(select id from reports where campaign_id = ${campaignId} and rule_id = ${s.rule.id} and unit_id = ${s.unit.id} and period = ${s.period})`;
  for (const text of items) {
    const known = mine.find((row) => row.text === text);
    if (known) {
      if (absent.has(known.id) && known.status === 'open') statements.push(problemEventStatement(dbh, known, { kind: 'raised_again', ...who, note: s.period }));
      continue;
    }
    statements.push(...raiseStatements(dbh, campaignId, { text, unitId: s.unit.id, groupId: group?.id ?? null, reportId, raisedBy: s.by.id }, s.at));
  }
  await dbh.atomic(statements);

  const [report] = await db.select().from(reports).where(key);
  const open = await db.select().from(problems).where(and(eq(problems.reportId, report!.id), eq(problems.status, 'open'))).orderBy(problems.seq);
  const droppedIds = new Set(dropped.map((d) => d.id));
  return { report: report!, due, replaced: Boolean(old), amended, problems: open.filter((x) => !droppedIds.has(x.id)), stillOpen: open.filter((x) => droppedIds.has(x.id)) };
}

/** The earlier version with the amendment applied (see Amendment); `items` are the problem lines it names. */
function amend(old: ReportRow, items: string[], given: ParsedReport, a: Amendment): Pick<ParsedReport, 'progress' | 'problems' | 'nextSteps' | 'metrics' | 'unplaced' | 'problemItems'> {
  const join = (was: string, more: string) => (was && more ? `${was}\n${more}` : was || more);
  const pick = (section: 'progress' | 'problems' | 'next', was: string, now: string) =>
    !a.sections.has(section) ? was : a.kind === 'add' ? join(was, now) : now;
  return {
    progress: pick('progress', old.progress, given.progress),
    problems: pick('problems', old.problems, given.problems),
    nextSteps: pick('next', old.nextSteps, given.nextSteps),
    // a 指标 section sets what it names; a corrected 进展 without one sets the numbers read from it (接待来访32人次)
    metrics: a.sections.has('metrics') || (a.kind === 'fix' && a.sections.has('progress')) ? { ...old.metrics, ...given.metrics } : old.metrics,
    unplaced: join(old.unplaced, given.unplaced),
    problemItems: !a.sections.has('problems') ? items : a.kind === 'add' ? [...items, ...given.problemItems] : given.problemItems,
  };
}

/** Of these problems, the ones whose latest report line says the report was revised without them. */
async function droppedFromReport(db: DbHandle['db'], ids: number[]): Promise<number[]> {
  const rows = await db
    .select({ problemId: problemEvents.problemId, kind: problemEvents.kind })
    .from(problemEvents)
    .where(and(inArray(problemEvents.problemId, ids), inArray(problemEvents.kind, ['revised_without', 'raised_again'])))
    .orderBy(problemEvents.id);
  const last = new Map<number, string>();
  for (const r of rows) last.set(r.problemId, r.kind);
  return [...last].filter(([, kind]) => kind === 'revised_without').map(([id]) => id);
}

/** Earlier versions of a report, oldest first. */
export async function revisionsOf(dbh: DbHandle, reportId: number) {
  return dbh.db.select().from(reportRevisions).where(eq(reportRevisions.reportId, reportId)).orderBy(reportRevisions.revision);
}
