// Numbers over time for the monthly bulletin: each unit's on-time rate in each of the last six months (a line chart and
// a table), and each metric's sum for the month and since the campaign began. A month is the periods due in it (as the
// lagging list counts them); a report's numbers belong to the month its period is due in.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.js';
import { reports } from '../../db/schema.js';
import type { Org, Rule } from '../org.js';
import { mustReport, periodsIn, spanRange } from '../reports/status.js';
import { dueOfPeriod } from '../reports/store.js';

export const TREND_MONTHS = 6;

export interface UnitTrend {
  unit: string;
  /** on-time rate (0–100, rounded) per month key; a month with nothing due is absent */
  rates: Record<string, number>;
}

export interface MetricSum {
  name: string;
  month: number;
  total: number;
}

export interface Trends {
  /** the six month keys, oldest first (2026-06 … 2026-11) */
  months: string[];
  units: UnitTrend[];
  metrics: MetricSum[];
}

/** The month `month` and the five before it. */
export function lastMonths(month: string, zone: string, n = TREND_MONTHS): string[] {
  const m = DateTime.fromFormat(month, 'yyyy-MM', { zone });
  return Array.from({ length: n }, (_, i) => m.minus({ months: n - 1 - i }).toFormat('yyyy-MM'));
}

/** Per unit, the share of its reports due in each month that came in on time, as of `asOf`. */
async function onTimeRates(db: Db, org: Org, months: string[], asOf: Date): Promise<UnitTrend[]> {
  const due = months.flatMap((month) => periodsIn(org, spanRange(org, 'month', month, asOf), asOf).map((p) => ({ month, ...p })));
  // One read of every report of those periods (a few thousand rows at 200 units), not one query per period.
  const rows = due.length
    ? await db
        .select({ unitId: reports.unitId, ruleId: reports.ruleId, period: reports.period, late: reports.late })
        .from(reports)
        .where(and(eq(reports.campaignId, org.campaign.id), inArray(reports.period, [...new Set(due.map((d) => d.period))])))
    : [];
  const late = new Map(rows.map((r) => [`${r.ruleId}:${r.period}:${r.unitId}`, r.late]));
  const tally = new Map<number, Map<string, { due: number; onTime: number }>>();
  const units = new Map<number, ReturnType<typeof mustReport>>();
  for (const { month, rule, period } of due) {
    if (!units.has(rule.id)) units.set(rule.id, mustReport(org, rule));
    for (const unit of units.get(rule.id)!) {
      let byMonth = tally.get(unit.id);
      if (!byMonth) tally.set(unit.id, (byMonth = new Map()));
      const x = byMonth.get(month) ?? { due: 0, onTime: 0 };
      x.due++;
      if (late.get(`${rule.id}:${period}:${unit.id}`) === false) x.onTime++;
      byMonth.set(month, x);
    }
  }
  return [...tally]
    .sort(([a], [b]) => a - b)
    .map(([unitId, byMonth]) => ({
      unit: org.unit(unitId)?.name ?? `#${unitId}`,
      rates: Object.fromEntries([...byMonth].map(([m, x]) => [m, Math.round((100 * x.onTime) / x.due)])),
    }));
}

/**
 * Each metric's sum over the reports of periods due in `month`, and over every period due up to the end of it. A
 * percentage (累计进度（%）) is a state, not an amount: it is not summed. SQLite sums per period (json_each), so the
 * campaign's two years of reports are not read into memory for it.
 */
async function metricSums(db: Db, org: Org, month: string): Promise<MetricSum[]> {
  const zone = org.campaign.timezone;
  const end = DateTime.fromFormat(month, 'yyyy-MM', { zone }).plus({ months: 1 }).startOf('month');
  const rows = await periodSums(db, org.campaign.id);
  const rules = new Map<number, Rule>(org.rules.map((r) => [r.id, r]));
  const dueMonth = new Map<string, string | undefined>();
  const sums = new Map<string, MetricSum>();
  for (const r of rows) {
    const rule = rules.get(r.ruleId);
    if (!rule || r.name.endsWith('（%）')) continue;
    const key = `${r.ruleId}:${r.period}`;
    if (!dueMonth.has(key)) {
      const due = dueOfPeriod(org, rule, r.period);
      dueMonth.set(key, due < end ? due.toFormat('yyyy-MM') : undefined);
    }
    const m = dueMonth.get(key);
    if (!m) continue;
    const s = sums.get(r.name) ?? { name: r.name, month: 0, total: 0 };
    s.total += r.total;
    if (m === month) s.month += r.total;
    sums.set(r.name, s);
  }
  return [...sums.values()];
}

type PeriodSum = { ruleId: number; period: string; name: string; total: number };

/**
 * Each metric summed per rule and period, by SQLite (json_each over two years of reports costs tens of ms). Kept while
 * the campaign's reports are the same: a new report or a revision (which bumps `revision`) changes the stamp, read
 * without touching the JSON.
 */
async function periodSums(db: Db, campaignId: number): Promise<PeriodSum[]> {
  const [st] = await db.all<{ n: number; id: number; rev: number }>(
    sql`select count(*) as n, coalesce(max(id), 0) as id, coalesce(sum(revision), 0) as rev from ${reports} where campaign_id = ${campaignId}`,
  );
  const stamp = `${st?.n}:${st?.id}:${st?.rev}`;
  let cache = sumsCache.get(db);
  if (!cache) sumsCache.set(db, (cache = new Map()));
  const kept = cache.get(campaignId);
  if (kept?.stamp === stamp) return kept.rows;
  const rows = await db.all<PeriodSum>(
    sql`select r.rule_id as ruleId, r.period as period, j.key as name, sum(j.value) as total
        from ${reports} r, json_each(r.metrics) j
        where r.campaign_id = ${campaignId} and j.type in ('integer', 'real')
        group by r.rule_id, r.period, j.key`,
  );
  if (cache.size >= 100) cache.clear();
  cache.set(campaignId, { stamp, rows });
  return rows;
}

/** per database (one process may open several), per campaign */
const sumsCache = new WeakMap<Db, Map<number, { stamp: string; rows: PeriodSum[] }>>();

export async function trends(db: Db, org: Org, month: string, asOf: Date): Promise<Trends> {
  const months = lastMonths(month, org.campaign.timezone);
  return { months, units: await onTimeRates(db, org, months, asOf), metrics: await metricSums(db, org, month) };
}
