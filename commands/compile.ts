// 汇编 / compile [本周|上周|本月|上月|周期]: every unit's 进度专报 of the period in one card, by working group, with the
// units that have not reported, and the same as a .docx in the 进度专报 form. A group lead compiles their groups' units.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { periodBounds, periodOf, reportingPeriod, shiftPeriod } from '../src/core/periods.js';
import { PERIOD_FORMS, readPeriod, spanLabel } from '../src/core/period-words.js';
import { halfWidth } from '../src/core/text.js';
import { labelIn } from '../src/reports/cards.js';
import { compileReports, periodsDueIn, unitsLedBy, type RulePeriod } from '../src/reports/compile.js';
import { compileCard } from '../src/reports/compile-card.js';
import { compileDocx, compileFileName } from '../src/reports/compile-docx.js';
import { defineCommand, type Ctx } from './define.js';

const SPANS: Record<string, { span: 'week' | 'month'; back: 0 | 1 }> = {
  本周: { span: 'week', back: 0 },
  'this week': { span: 'week', back: 0 },
  上周: { span: 'week', back: 1 },
  'last week': { span: 'week', back: 1 },
  本月: { span: 'month', back: 0 },
  'this month': { span: 'month', back: 0 },
  上月: { span: 'month', back: 1 },
  上个月: { span: 'month', back: 1 },
  'last month': { span: 'month', back: 1 },
};

interface Chosen {
  periods: RulePeriod[];
  label: string;
  /** for the file name */
  key: string;
}

/** The periods the words name: a week or month (every rule's periods due in it), one period, or each rule's current one. */
function choose(ctx: Ctx, text: string): Chosen | string {
  const zone = ctx.campaign.timezone;
  const cal = calendarOf(ctx.campaign);
  const now = ctx.clock.now();
  const rules = [...ctx.org.rules].sort((a, b) => a.id - b.id);
  const s = halfWidth(text).trim().replace(/\s+/g, ' ').toLowerCase();
  const w = { zone, cal, lang: ctx.lang };
  const span = SPANS[s];
  if (span) {
    const rule = { cadence: span.span === 'week' ? ('weekly' as const) : ('monthly' as const), due: { time: '00:00' } };
    const current = periodOf(rule, now, zone);
    const key = span.back ? shiftPeriod(rule, current, zone, -1) : current;
    const { start, end } = periodBounds(rule, key, zone);
    return { periods: periodsDueIn(ctx.org, start, end), label: spanLabel(span.span, key, span.back ? 'last' : 'this', w), key };
  }
  if (!s || /^(本期|this period|current)$/.test(s)) {
    const periods = rules.map((rule) => ({ rule, period: reportingPeriod(rule, now, zone, cal) }));
    return { periods, label: labelOf(ctx, periods), key: periods[0]?.period ?? '' };
  }
  const periods = rules.flatMap((rule) => {
    const p = readPeriod(rule, text, now, zone, cal);
    return p ? [{ rule, period: p }] : [];
  });
  if (!periods.length) {
    const forms = [...new Set(rules.map((r) => PERIOD_FORMS[r.cadence][ctx.lang]))].join(ctx.t('；', '; '));
    return ctx.t(`看不懂「${text.trim()}」。可以写：本周、上周、本月、上月，或某一期：${forms}`, `Cannot read "${text.trim()}". Write: this week, last week, this month, last month, or a period: ${forms}`);
  }
  return { periods, label: labelOf(ctx, periods), key: periods[0]!.period };
}

/** 第48周（11月23日—27日）, or each rule with its period when they differ. */
function labelOf(ctx: Ctx, periods: RulePeriod[]): string {
  const labels = [...new Set(periods.map((p) => labelIn(ctx.org, p.rule, p.period, ctx.lang)))];
  if (labels.length <= 1) return labels[0] ?? '';
  return periods.map((p) => `${p.rule.name} ${labelIn(ctx.org, p.rule, p.period, ctx.lang)}`).join(ctx.t('；', '; '));
}

export default defineCommand({
  name: 'compile',
  words: { zh: ['汇编', '汇编 专报', '专报汇编'], en: ['compile'] },
  summary: { zh: '汇编本期各单位进度专报（卡片 + Word 文件）', en: "compile every unit's report of the period (card + Word file)" },
  usage: { zh: '汇编 [本周|上周|本月|上月|第47周|2026年11月]', en: 'compile [this week|last week|this month|last month|2026-W47|2026-11]' },
  examples: ['汇编', '汇编 上周', '汇编 本月', '汇编 第47周', 'compile last week'],
  roles: ['office', 'commander', 'deputy', 'group_lead'],
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    if (!ctx.org.rules.length) return { text: ctx.t('本专项还没有汇报制度，没有可汇编的进度专报。', 'This campaign has no reporting rule, so there is nothing to compile.') };
    const chosen = choose(ctx, text);
    if (typeof chosen === 'string') return { text: chosen };
    const whole = ctx.actor.is('office', 'commander', 'deputy');
    const led = ctx.org.groups.filter((g) => ctx.actor.leads(g.id));
    if (!whole && !led.length) return { text: ctx.t('您是工作组组长，但计划中没有登记您负责的工作组，请联系办公室。', 'You are a group lead, but the plan names no group you lead; ask the office.') };
    const units = whole ? undefined : unitsLedBy(ctx.org, led.map((g) => g.id));
    const scope = whole ? undefined : led.map((g) => g.name).join(ctx.t('、', ', '));
    if (!chosen.periods.length) return { text: ctx.t(`${chosen.label}没有需要报送的进度专报。`, `No report was due in ${chosen.label}.`) };
    const c = await compileReports(ctx.db, ctx.org, chosen.periods, units);
    const now = ctx.clock.now();
    if (c.onTime + c.late === 0) {
      const names = [...new Set(c.missing.map((m) => m.unit.name))];
      return {
        text: ctx.t(
          `${chosen.label}还没有单位报送进度专报，暂无可汇编的内容。应报单位：${names.join('、') || '无'}。`,
          `No unit has reported for ${chosen.label} yet: nothing to compile. Units that report: ${names.join(', ') || 'none'}.`,
        ),
      };
    }
    const card = compileCard(c, { org: ctx.org, label: chosen.label, scope, now, t: ctx.t, lang: ctx.lang });
    const by = ctx.org.unit(ctx.campaign.officeUnitId)?.name;
    const bytes = await compileDocx(c, { org: ctx.org, label: chosen.label, by: whole ? by : scope, now, t: ctx.t, lang: ctx.lang });
    ctx.log.info('reports compiled', { periods: chosen.periods.length, reports: c.onTime + c.late, missing: c.missing.length });
    return { card, file: { name: compileFileName(ctx.org, chosen.key, ctx.lang), bytes } };
  },
});
