// 查看 汇报 / report show <unit> [period]: what a unit filed for a period (default: the period its rule collects now) —
// every section, metrics, late or not, revisions, evidence — or that nothing was filed and when it was due. The office
// and the leaders read any unit; a group lead the units of the groups they lead; a unit's own people their own unit.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { reports } from '../db/schema.js';
import { calendarOf } from '../src/core/calendar.js';
import { PERIOD_FORMS, readPeriod } from '../src/core/period-words.js';
import { reportingPeriod } from '../src/core/periods.js';
import { matchUnit, unitsOfGroup, type Unit } from '../src/org.js';
import { readUnit } from '../src/ledger/input.js';
import { evidenceOf } from '../src/reports/evidence.js';
import { reportShowCard, type FiledPeriod } from '../src/reports/show-card.js';
import { mustReport } from '../src/reports/status.js';
import { dueOfPeriod, revisionsOf } from '../src/reports/store.js';
import { defineCommand, type Ctx } from './define.js';

interface Target {
  unit?: string;
  period?: string;
}

/** "区公安局 上周" → unit and period; "上周" alone or nothing → the asker's own unit. */
function readTarget(ctx: Ctx, text: string): Target {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return {};
  if (matchUnit(ctx.org, words[0]!).ok || words.length > 1) return { unit: words[0], period: words.slice(1).join(' ') || undefined };
  // one word: a unit if it looks like none of the period forms of the campaign's rules
  const now = ctx.clock.now();
  const isPeriod = ctx.org.rules.some((r) => readPeriod(r, words[0]!, now, ctx.zone, ctx.calendar) !== undefined);
  return isPeriod ? { period: words[0] } : { unit: words[0] };
}

/** May this person read this unit's reports? */
function mayRead(ctx: Ctx, unit: Unit): boolean {
  if (ctx.actor.is('office', 'commander', 'deputy')) return true;
  if (ctx.actor.person.unitId === unit.id) return true;
  return ctx.org.groups.some((g) => ctx.actor.leads(g.id) && unitsOfGroup(ctx.org, g).some((u) => u.id === unit.id));
}

export default defineCommand({
  name: 'report show',
  words: { zh: ['查看 汇报', '查看 专报', '查看 进度专报'], en: ['report show', 'show report'] },
  summary: { zh: '查看某单位某一期报送的进度专报（含修改记录、佐证材料）', en: "a unit's report for a period, with revisions and evidence" },
  usage: { zh: '查看 汇报 <单位> [周期，如 本周、上周、第47周、2026年11月]', en: 'report show <unit> [period, e.g. this week, last week, 2026-W47]' },
  examples: ['查看 汇报 区公安局', '查看 汇报 经开区管委会 上周', '查看 汇报 新河街道办事处 第47周', 'report show 区公安局 last week'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  allow(ctx, { text }) {
    const target = readTarget(ctx, text);
    if (!target.unit) return true;
    const m = matchUnit(ctx.org, target.unit);
    if (!m.ok || mayRead(ctx, m.value)) return true;
    return {
      refused: ctx.t(
        `${m.value.name}的进度专报只能由办公室、组长/指挥长、副组长/副指挥长、其所在工作组的组长和本单位人员查看。`,
        `${m.value.name}'s reports are for the office, the commander, deputies, the lead of its group and its own people.`,
      ),
    };
  },
  async handle(ctx, { text }) {
    const target = readTarget(ctx, text);
    let unit = ctx.actor.unit;
    if (target.unit) {
      const r = readUnit(ctx.org, ctx.t, target.unit);
      if (!r.ok) return { text: r.text };
      unit = r.value;
    }
    if (!unit) return { text: ctx.t('请写明单位，如「查看 汇报 区公安局」。', 'Name the unit, e.g. "report show <unit>".') };
    const rules = [...ctx.org.rules].sort((a, b) => a.id - b.id).filter((r) => mustReport(ctx.org, r).some((u) => u.id === unit.id));
    if (!rules.length) return { text: ctx.t(`${unit.name}不在任何汇报制度的报送范围内，没有进度专报。`, `${unit.name} does not report under any reporting rule.`) };
    const now = ctx.clock.now();
    const cal = calendarOf(ctx.campaign);
    const periods: FiledPeriod[] = [];
    for (const rule of rules) {
      let period = reportingPeriod(rule, now, ctx.zone, cal);
      if (target.period) {
        const p = readPeriod(rule, target.period, now, ctx.zone, cal);
        if (!p) {
          if (rules.length > 1) continue;
          return { text: ctx.t(`周期「${target.period}」看不懂。「${rule.name}」的周期可以写：${PERIOD_FORMS[rule.cadence].zh}`, `Cannot read the period "${target.period}". For "${rule.name}" write: ${PERIOD_FORMS[rule.cadence].en}`) };
        }
        period = p;
      }
      const [report] = await ctx.db
        .select()
        .from(reports)
        .where(and(eq(reports.campaignId, ctx.campaign.id), eq(reports.ruleId, rule.id), eq(reports.unitId, unit.id), eq(reports.period, period)));
      const revisions = report ? await revisionsOf(ctx.dbh, report.id) : [];
      const evidence = report ? ((await evidenceOf(ctx.db, [report.id])).get(report.id) ?? []) : [];
      periods.push({ rule, period, due: dueOfPeriod(ctx.org, rule, period), report, revisions, evidence });
    }
    if (!periods.length) return { text: ctx.t(`周期「${target.period}」看不懂。可以写：本周、上周、第47周、2026年11月`, `Cannot read the period "${target.period}".`) };
    return { card: reportShowCard(ctx.org, unit, periods, { t: ctx.t, lang: ctx.lang }, now) };
  },
});
