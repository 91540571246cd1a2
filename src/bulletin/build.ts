// The monthly bulletin (月度通报): the month in numbers — reports on time, late and missed per group (with a chart),
// tasks added, written off, open and overdue, problems raised, resolved and still open by level, the worst units, and
// numbers over time: six months of on-time rates per unit and the metrics summed for the month and since the start.
import { translate } from '../context.js';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.js';
import { problems, tasks } from '../../db/schema.js';
import { barChart, card, esc, md, note, type Card } from '../lark/cards.js';
import { leadUnitsOf, unitsOfGroup, type Org } from '../org.js';
import { periodName } from '../core/period-words.js';
import { laggingUnits, periodsFor, ruleStatus } from '../reports/status.js';
import { LEVEL_NAMES } from '../problems/ladder.js';
import { lightsElements, phaseElements, unitLights, type UnitLights } from './lights.js';
import { trendElements } from './trend-card.js';
import { trends, type Trends } from './trends.js';

export interface BulletinNumbers {
  month: string;
  reports: { due: number; onTime: number; late: number; missed: number };
  byGroup: Array<{ name: string; onTimePct: number }>;
  tasks: { added: number; done: number; open: number; overdue: number };
  problems: { raised: number; resolved: number; open: Record<string, number> };
  worst: Array<{ name: string; score: number }>;
  /** open items per lead unit by light (src/bulletin/lights.ts) */
  lights?: UnitLights[];
  /** the day the figures are as of (YYYY-MM-DD): the phase shown is that day's */
  asOfDay?: string;
  /** six months of on-time rates per unit, and the metrics' sums (src/bulletin/trends.ts) */
  trends?: Trends;
}

/** The month's figures as of `now` (a past month is taken as of its last moment). */
export async function bulletinNumbers(db: Db, org: Org, month: string, now: Date): Promise<BulletinNumbers> {
  const zone = org.campaign.timezone;
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone }).startOf('month');
  const end = start.plus({ months: 1 });
  const asOf = new Date(Math.min(now.getTime(), end.toMillis() - 1));
  const cid = org.campaign.id;

  const periods = periodsFor(org, 'month', asOf);
  const reports = { due: 0, onTime: 0, late: 0, missed: 0 };
  const perGroup = new Map<number, { due: number; onTime: number }>();
  for (const { rule, period } of periods) {
    const s = await ruleStatus(db, org, rule, period, asOf, new Map());
    for (const l of s.lines) {
      if (l.state === 'not_required') continue;
      reports.due++;
      if (l.state === 'on_time') reports.onTime++;
      else if (l.state === 'late') reports.late++;
      else reports.missed++;
      for (const g of org.groups) {
        const members = rule.who === 'group_leads' ? leadUnitsOf(g) : unitsOfGroup(org, g).map((u) => u.id);
        if (!members.includes(l.unit.id)) continue;
        const x = perGroup.get(g.id) ?? { due: 0, onTime: 0 };
        x.due++;
        if (l.state === 'on_time') x.onTime++;
        perGroup.set(g.id, x);
      }
    }
  }
  const byGroup = org.groups
    .filter((g) => perGroup.has(g.id))
    .map((g) => ({ name: g.name, onTimePct: Math.round((100 * perGroup.get(g.id)!.onTime) / perGroup.get(g.id)!.due) }));

  const from = start.toUTC().toISO()!;
  const to = end.toUTC().toISO()!;
  const today = DateTime.fromJSDate(asOf, { zone }).toISODate()!;
  const count = async (where: ReturnType<typeof and>, table: typeof tasks | typeof problems) =>
    Number((await db.select({ n: sql<number>`count(*)` }).from(table).where(where))[0]?.n ?? 0);
  const taskFigures = {
    added: await count(and(eq(tasks.campaignId, cid), gte(tasks.createdAt, from), lt(tasks.createdAt, to)), tasks),
    done: await count(and(eq(tasks.campaignId, cid), eq(tasks.status, 'done'), gte(tasks.closedAt, from), lt(tasks.closedAt, to)), tasks),
    open: await count(and(eq(tasks.campaignId, cid), eq(tasks.status, 'open')), tasks),
    overdue: await count(and(eq(tasks.campaignId, cid), eq(tasks.status, 'open'), lt(tasks.deadline, today)), tasks),
  };
  const openByLevel = await db
    .select({ level: problems.level, n: sql<number>`count(*)` })
    .from(problems)
    .where(and(eq(problems.campaignId, cid), eq(problems.status, 'open')))
    .groupBy(problems.level);
  const problemFigures = {
    raised: await count(and(eq(problems.campaignId, cid), gte(problems.raisedAt, from), lt(problems.raisedAt, to)), problems),
    resolved: await count(and(eq(problems.campaignId, cid), eq(problems.status, 'resolved'), gte(problems.resolvedAt, from), lt(problems.resolvedAt, to)), problems),
    open: Object.fromEntries(openByLevel.map((r) => [r.level, Number(r.n)])),
  };
  const worst = (await laggingUnits(db, org, periods, asOf)).slice(0, 5).map((l) => ({ name: l.name, score: l.score }));
  return { month, reports, byGroup, tasks: taskFigures, problems: problemFigures, worst, lights: await unitLights(db, org, asOf), asOfDay: today, trends: await trends(db, org, month, asOf) };
}

export function bulletinCard(n: BulletinNumbers, org: Org, lang: 'zh' | 'en'): Card {
  const t = translate(lang);
  const pct = n.reports.due ? Math.round((100 * n.reports.onTime) / n.reports.due) : 100;
  const levels = (['group', 'deputy', 'office', 'commander'] as const)
    .filter((l) => n.problems.open[l])
    .map((l) => `${LEVEL_NAMES[l][lang]} ${n.problems.open[l]}`)
    .join(t('、', ', '));
  const lines = [
    t(
      `**进度专报**：应报 ${n.reports.due} 次，按时 ${n.reports.onTime}，逾期 ${n.reports.late}，未报 ${n.reports.missed}（按时率 ${pct}%）`,
      `**Reports**: ${n.reports.due} due, ${n.reports.onTime} on time, ${n.reports.late} late, ${n.reports.missed} missed (${pct}% on time)`,
    ),
    t(
      `**任务台账**：本月新增 ${n.tasks.added}，销账 ${n.tasks.done}；在办 ${n.tasks.open}，其中逾期 ${n.tasks.overdue}`,
      `**Ledger**: ${n.tasks.added} added, ${n.tasks.done} written off this month; ${n.tasks.open} open, ${n.tasks.overdue} overdue`,
    ),
    t(
      `**问题清单**：本月上报 ${n.problems.raised}，解决 ${n.problems.resolved}；未解决 ${levels || '0'}`,
      `**Problems**: ${n.problems.raised} raised, ${n.problems.resolved} resolved this month; open ${levels || '0'}`,
    ),
  ];
  const worst = n.worst.length
    ? t('**落后单位**：', '**Lagging units**: ') + n.worst.map((w, i) => `${i + 1}. ${esc(w.name)}（${w.score}${t('分', ' pts')}）`).join(t('　', '  '))
    : t('**落后单位**：无', '**Lagging units**: none');
  return card({
    title: t(`${org.campaign.name} · ${periodName(n.month, 'zh')}月度通报`, `${org.campaign.name} · bulletin ${n.month}`),
    template: n.reports.missed || n.tasks.overdue ? 'orange' : 'green',
    elements: [
      ...phaseElements(org, n.asOfDay, lang),
      md(lines.join('\n')),
      ...lightsElements(n.lights ?? [], org, lang),
      md(worst),
      ...(n.byGroup.length ? [barChart(t('各工作组按时报送率（%）', 'Reports on time per group (%)'), n.byGroup.map((g) => ({ x: g.name, y: g.onTimePct })), { percent: true })] : []),
      ...(n.trends ? trendElements(n.trends, lang) : []),
      note(t('数据截至发布时；发送「落后 本月」查看扣分明细，「逾期」查看逾期任务。', 'Figures as of posting; send "lagging month" for the scores, "overdue" for the items.')),
    ],
  });
}

export async function buildBulletin(db: Db, org: Org, month: string, now: Date, lang: 'zh' | 'en'): Promise<Card> {
  return bulletinCard(await bulletinNumbers(db, org, month, now), org, lang);
}
