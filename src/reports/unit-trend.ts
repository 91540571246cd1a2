// 进度 <单位>: the unit's numbers over its last periods — for each rule it reports under, the last six periods with
// whether each report came in on time, and each metric's value per period (a compact table, and a small line chart).
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { reports } from '../../db/schema.js';
import { periodName } from '../core/period-words.js';
import { reportingPeriod, shiftHeld } from '../core/periods.js';
import { lineChart, md, table, type Element } from '../lark/cards.js';
import type { Org, Rule, Unit } from '../org.js';
import type { CardLang } from './cards.js';
import { mustReport } from './status.js';
import { calendarOf } from './store.js';

export const TREND_PERIODS = 6;

export interface UnitTrendRow {
  rule: Rule;
  /** oldest first */
  periods: string[];
  states: Array<'on_time' | 'late' | 'missing'>;
  /** metric name → value per period (undefined: not reported) */
  metrics: Array<{ name: string; values: Array<number | undefined> }>;
}

export async function unitTrend(db: Db, org: Org, unit: Unit, now: Date): Promise<UnitTrendRow[]> {
  const zone = org.campaign.timezone;
  const cal = calendarOf(org);
  const out: UnitTrendRow[] = [];
  for (const rule of [...org.rules].sort((a, b) => a.id - b.id)) {
    if (!mustReport(org, rule).some((u) => u.id === unit.id)) continue;
    const periods = [reportingPeriod(rule, now, zone, cal)];
    for (let i = 1; i < TREND_PERIODS; i++) periods.unshift(shiftHeld(rule, periods[0]!, zone, cal, -1));
    const rows = await db
      .select({ period: reports.period, late: reports.late, metrics: reports.metrics })
      .from(reports)
      .where(and(eq(reports.campaignId, org.campaign.id), eq(reports.ruleId, rule.id), eq(reports.unitId, unit.id), inArray(reports.period, periods)));
    const byPeriod = new Map(rows.map((r) => [r.period, r]));
    const names: string[] = [];
    for (const p of periods) for (const k of Object.keys(byPeriod.get(p)?.metrics ?? {})) if (!names.includes(k)) names.push(k);
    out.push({
      rule,
      periods,
      states: periods.map((p) => (byPeriod.has(p) ? (byPeriod.get(p)!.late ? 'late' : 'on_time') : 'missing')),
      metrics: names.map((name) => ({ name, values: periods.map((p) => byPeriod.get(p)?.metrics[name]) })),
    });
  }
  return out;
}

const STATE = { on_time: ['按时', 'on time'], late: ['逾期', 'late'], missing: ['未报', '—'] } as const;

export function unitTrendElements(rows: UnitTrendRow[], unit: Unit, l: CardLang): Element[] {
  const out: Element[] = [];
  for (const r of rows) {
    const shortName = (p: string) => periodName(p, l.lang).replace(/^\d{4}年/, '');
    const columns = [{ name: 'what', title: l.t('项目', 'Item') }, ...r.periods.map((p, i) => ({ name: `p${i}`, title: shortName(p) }))];
    const cells = (values: string[]) => Object.fromEntries(values.map((v, i) => [`p${i}`, v]));
    const onTime = r.states.filter((s) => s === 'on_time').length;
    out.push(md(l.t(`**近${r.periods.length}期 · ${r.rule.name}**　按时报送 ${onTime}/${r.periods.length}`, `**Last ${r.periods.length} periods · ${r.rule.name}**　${onTime}/${r.periods.length} on time`)));
    out.push(
      table(columns, [
        { what: l.t('专报', 'Report'), ...cells(r.states.map((s) => STATE[s][l.lang === 'zh' ? 0 : 1])) },
        ...r.metrics.slice(0, 12).map((m) => ({ what: m.name, ...cells(m.values.map((v) => (v === undefined ? '—' : String(v)))) })),
      ]),
    );
    const points = r.metrics.slice(0, 4).flatMap((m) => m.values.flatMap((v, i) => (v === undefined ? [] : [{ x: shortName(r.periods[i]!), y: v, series: m.name }])));
    if (new Set(points.map((p) => p.x)).size >= 2) out.push(lineChart(l.t(`${unit.name} 指标走势`, `${unit.name}: metrics`), points));
  }
  return out;
}
