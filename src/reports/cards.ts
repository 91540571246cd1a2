// The cards of the reporting feature: the confirmation of a 进度专报 (what was understood), the status of a period
// (who reported, who has not), and the lagging list (落后单位) with its chart. User text goes through esc().
import { DateTime } from 'luxon';
import { clip } from '../core/text.js';
import { barChart, card, esc, fields, md, note, table, type Card, type Element } from '../lark/cards.js';
import type { Org, Rule, Unit } from '../org.js';
import type { ParsedReport } from '../core/report-parser.js';
import { calendarOf } from '../core/calendar.js';
import { periodLabel } from '../core/period-words.js';
import { reasonsOf, SCORING_RULE, type Lagging } from './scoring.js';
import type { RuleStatus, UnitLine } from './status.js';
import type { Saved } from './store.js';

type T = (zh: string, en: string) => string;

export interface CardLang {
  t: T;
  lang: 'zh' | 'en';
}

/** A due or submission moment in the campaign's timezone: 11月27日（周五）17:00 / Fri 27 Nov 17:00. */
export function when(at: DateTime | string, zone: string, l: CardLang): string {
  const d = (typeof at === 'string' ? DateTime.fromISO(at) : at).setZone(zone);
  return l.lang === 'zh' ? d.setLocale('zh-CN').toFormat('M月d日（ccc）HH:mm') : d.setLocale('en-GB').toFormat('ccc d LLL HH:mm');
}

/** A period as the campaign reads it: 第48周（11月23日—27日） / 2026-W48 (23–27 Nov). */
export function labelIn(org: Org, rule: Rule, period: string, lang: 'zh' | 'en'): string {
  return periodLabel(rule, period, { zone: org.campaign.timezone, cal: calendarOf(org.campaign), lang });
}

/** Keeps a card under Lark's 30 KB: long sections are cut, the stored report keeps everything. */
export const section = (title: string, text: string, l: CardLang) => md(`**${title}**\n${text ? esc(clip(text, 1500)) : l.t('无', 'none')}`);

/** A metric as the office reads it: 拆除：12, and a percentage (stored as 累计进度（%）) as 累计进度：45%. */
export function metricText(name: string, value: number, t: T): string {
  const percent = name.endsWith('（%）');
  return `${esc(percent ? name.slice(0, -3) : name)}${t('：', ': ')}${value}${percent ? '%' : ''}`;
}

export const problemId = (seq: number) => `P${seq}`;

export function reportCard(s: Saved, ctx: { org: Org; rule: Rule; unit: Unit; parsed: ParsedReport; by: string } & CardLang): Card {
  const { t, org } = ctx;
  const zone = org.campaign.timezone;
  const r = s.report;
  const elements: Element[] = [
    fields([
      [t('周期', 'Period'), labelIn(org, ctx.rule, r.period, ctx.lang)],
      [t('截止时间', 'Due'), when(s.due, zone, ctx)],
      [t('报送人', 'By'), ctx.by],
      [t('报送时间', 'Submitted'), when(r.submittedAt, zone, ctx)],
    ]),
    section(t('进展情况', 'Progress'), r.progress, ctx),
    section(t('存在问题', 'Problems'), r.problems, ctx),
  ];
  if (s.problems.length) elements.push(note(t(`已列入问题清单：${s.problems.map((p) => problemId(p.seq)).join('、')}`, `Added to the problem list: ${s.problems.map((p) => problemId(p.seq)).join(', ')}`)));
  // A revision never closes a problem the earlier version raised: say so, so nobody thinks it went away.
  if (s.stillOpen.length) {
    const ids = s.stillOpen.map((p) => problemId(p.seq));
    elements.push(note(t(`本版未列 ${ids.join('、')}，仍在问题清单中（未解决），已记入办理记录；如已解决或需撤销，请由办公室或工作组组长发送「问题 解决」或「问题 撤销」。`, `This version leaves out ${ids.join(', ')}: still open in the problem list, noted in its history; the office or the group lead closes it with "problem resolve" or "problem cancel".`)));
  }
  elements.push(section(t('下一步计划', 'Next steps'), r.nextSteps, ctx));
  const metrics = Object.entries(r.metrics).slice(0, 30);
  if (metrics.length) elements.push(md(`**${t('指标', 'Metrics')}**\n${metrics.map(([k, v]) => metricText(k, v, t)).join(t('　', ' · '))}`));
  if (ctx.parsed.untitled) elements.push(note(t('未写小标题：首段记为「进展情况」，以「问题」「困难」「不配合」等开头的句子记为「存在问题」，以「下一步」「下周」等开头的记为「下一步计划」。请核对；可用「进展：」「问题：」「下一步：」分段。', 'No headings: the first paragraph was kept as progress, lines opening with "problem", "but"… as problems, lines opening with "next", "will"… as next steps. Please check; use "progress:", "problems:", "next:" to split it.')));
  const framing = ctx.parsed.pieces.filter((p) => p.kind === 'framing').map((p) => p.text.trim()).filter(Boolean);
  if (framing.length) elements.push(note(t(`标题、称呼和落款（未计入各栏）：${esc(clip(framing.join(' / '), 200))}`, `Title, greeting and sign-off (not filed in a section): ${esc(clip(framing.join(' / '), 200))}`)));
  if (r.unplaced) elements.push(md(`**${t('未能归类的内容（已原样保留，请核对）', 'Not placed (kept as typed, please check)')}**\n${esc(clip(r.unplaced, 800))}`));
  if (s.amended) {
    const names = { progress: ['进展情况', 'progress'], problems: ['存在问题', 'problems'], next: ['下一步计划', 'next steps'], metrics: ['指标', 'metrics'] } as const;
    const zh = [...s.amended.sections].map((x) => names[x][0]).join('、');
    const en = [...s.amended.sections].map((x) => names[x][1]).join(', ');
    elements.push(
      note(
        s.amended.kind === 'add'
          ? t(`已补充到本期专报的${zh}（第 ${r.revision} 版），其余内容不变，此前版本已保留。`, `Added to this period's report: ${en} (version ${r.revision}); the rest is unchanged and earlier versions are kept.`)
          : t(`已更正本期专报的${zh}（第 ${r.revision} 版），其余栏目不变，此前版本已保留。`, `Corrected in this period's report: ${en} (version ${r.revision}); the other sections are unchanged and earlier versions are kept.`),
      ),
    );
  } else if (s.replaced) elements.push(note(t(`已更新本期专报（第 ${r.revision} 版），此前版本已保留。`, `This period's report was updated (version ${r.revision}); earlier versions are kept.`)));
  return card({
    title: t(`进度专报已收到 · ${ctx.unit.name}`, `Report received · ${ctx.unit.name}`),
    subtitle: `${ctx.rule.name} · ${labelIn(org, ctx.rule, r.period, ctx.lang)}`,
    template: r.late ? 'orange' : 'green',
    tags: [r.late ? { text: t('逾期报送', 'late'), color: 'orange' } : { text: t('按时报送', 'on time'), color: 'green' }],
    elements,
  });
}

const STATE: Record<UnitLine['state'], [string, string]> = {
  on_time: ['按时', 'on time'],
  late: ['逾期', 'late'],
  missing: ['未报', 'missing'],
  not_required: ['—', '—'],
};

function liaisonText(line: UnitLine, l: CardLang): string {
  const names = line.liaisons.map((p) => p.name);
  return names.length ? l.t(`联络员 ${names.join('、')}`, `liaison ${names.join(', ')}`) : l.t('未登记联络员', 'no liaison registered');
}

// Lark refuses cards over 30 KB: a campaign of 200 units lists the first ones and says how many more there are.
const LIST_MAX = 40;
const ROWS_MAX = 40;
const LAGGING_MAX = 30;

function capped(items: string[], max: number, l: CardLang): string {
  const shown = items.slice(0, max).join(l.t('、', ', '));
  return items.length > max ? l.t(`${shown} 等 ${items.length} 个单位`, `${shown} and ${items.length - max} more`) : shown;
}

export function statusCard(statuses: RuleStatus[], ctx: { org: Org; scope?: string; phase?: string } & CardLang): Card {
  const { t, org } = ctx;
  const zone = org.campaign.timezone;
  // The current phase and the workdays left in it (src/ledger/phases.ts), first: it sets the pace of everything below.
  const elements: Element[] = ctx.phase ? [md(`**${esc(ctx.phase)}**`)] : [];
  const tags: Array<{ text: string; color: string }> = [];
  const paren = (x: string) => t(`（${x}）`, ` (${x})`);
  const count = (label: string, n: number) => `${label}${paren(String(n))}`;
  const colon = t('：', ': ');
  for (const s of statuses) {
    const of = (state: UnitLine['state']) => s.lines.filter((x) => x.state === state);
    const [onTime, late, missing] = [of('on_time'), of('late'), of('missing')];
    if (statuses.length === 1) {
      tags.push({ text: t(`已报 ${onTime.length + late.length}`, `in ${onTime.length + late.length}`), color: 'green' });
      if (late.length) tags.push({ text: t(`逾期 ${late.length}`, `late ${late.length}`), color: 'orange' });
      tags.push({ text: t(`未报 ${missing.length}`, `missing ${missing.length}`), color: missing.length ? 'red' : 'green' });
    }
    const head = `**${esc(s.rule.name)} · ${labelIn(org, s.rule, s.period, ctx.lang)}**　${t('截止', 'due')} ${when(s.due, zone, ctx)}${s.duePassed ? t('（已截止）', ' (passed)') : ''}`;
    const lines = [
      head,
      `**${count(t('按时报送', 'On time'), onTime.length)}**${colon}${capped(onTime.map((x) => esc(x.unit.name)), LIST_MAX, ctx) || t('无', 'none')}`,
      `**${count(t('逾期报送', 'Late'), late.length)}**${colon}${capped(late.map((x) => `${esc(x.unit.name)}${paren(when(x.submittedAt!, zone, ctx))}`), LIST_MAX, ctx) || t('无', 'none')}`,
      `**${count(t('未报送', 'Not reported'), missing.length)}**${colon}${capped(missing.map((x) => `${esc(x.unit.name)}${paren(esc(liaisonText(x, ctx)))}`), LIST_MAX, ctx) || t('无', 'none')}`,
    ];
    elements.push(md(lines.join('\n')));
    if (!s.duePassed && missing.length) elements.push(note(t('截止前仍可报送：@我 发送「汇报」。', 'Reports are still open until the due time: @mention me with "report".')));
  }
  // One task table for the scope: task counts do not depend on the rule.
  const seen = new Set<number>();
  const all: Array<{ line: UnitLine; states: UnitLine['state'][] }> = [];
  for (const line of statuses.flatMap((s) => s.lines)) {
    if (seen.has(line.unit.id)) continue;
    seen.add(line.unit.id);
    all.push({ line, states: statuses.map((s) => s.lines.find((x) => x.unit.id === line.unit.id)?.state ?? 'not_required') });
  }
  if (all.length > ROWS_MAX) {
    // the units that need attention first: missing reports, late reports, then the most overdue tasks
    const weight = (x: (typeof all)[number]) => x.states.filter((st) => st === 'missing').length * 1e6 + x.states.filter((st) => st === 'late').length * 1e5 + x.line.overdue;
    all.sort((a, b) => weight(b) - weight(a));
    elements.push(note(t(`下表只列出最需关注的 ${ROWS_MAX} 个单位（共 ${all.length} 个）；发送「进度 工作组名称」查看一个工作组。`, `The table shows the ${ROWS_MAX} units most in need of attention (of ${all.length}); send "status <group>" for one group.`)));
    all.length = ROWS_MAX;
  }
  const rows = all.map(({ line, states }) => ({ unit: line.unit.name, report: states.map((st) => STATE[st][ctx.lang === 'zh' ? 0 : 1]).join('/'), open: line.open, yellow: line.yellow ?? 0, overdue: line.overdue }));
  if (rows.length)
    elements.push(
      table(
        [
          { name: 'unit', title: t('单位', 'Unit') },
          { name: 'report', title: t('专报', 'Report') },
          { name: 'open', title: t('在办任务', 'Open tasks'), type: 'number' },
          { name: 'yellow', title: t('🟡 黄灯', '🟡 Yellow'), type: 'number' },
          { name: 'overdue', title: t('🔴 逾期任务', '🔴 Overdue'), type: 'number' },
        ],
        rows,
      ),
    );
  if (!statuses.length) elements.push(md(t('本专项还没有汇报制度。', 'This campaign has no reporting rule yet.')));
  return card({
    title: t(`进度 · ${ctx.scope ?? org.campaign.name}`, `Status · ${ctx.scope ?? org.campaign.name}`),
    subtitle: statuses.map((s) => `${s.rule.name} ${labelIn(org, s.rule, s.period, ctx.lang)}`).join(' · ') || undefined,
    template: statuses.some((s) => s.lines.some((x) => x.state === 'missing')) ? 'orange' : 'green',
    tags,
    elements,
  });
}

/** 谁还没报: only the units that have not reported this period, per rule, with their liaisons to call. */
export function missingCard(statuses: RuleStatus[], ctx: { org: Org; scope?: string } & CardLang): Card {
  const { t, org } = ctx;
  const zone = org.campaign.timezone;
  const elements: Element[] = [];
  let missingTotal = 0;
  let overdue = false;
  for (const s of statuses) {
    const missing = s.lines.filter((x) => x.state === 'missing');
    missingTotal += missing.length;
    if (missing.length && s.duePassed) overdue = true;
    const head = `**${esc(s.rule.name)} · ${labelIn(org, s.rule, s.period, ctx.lang)}**　${t('截止', 'due')} ${when(s.due, zone, ctx)}${s.duePassed ? t('（已截止）', ' (passed)') : ''}`;
    const list = missing.length
      ? missing.slice(0, LIST_MAX).map((x, i) => `${i + 1}. ${esc(x.unit.name)}${t('　', ' — ')}${esc(liaisonText(x, ctx))}`)
      : [t('各单位均已报送。', 'Every unit has reported.')];
    if (missing.length > LIST_MAX) list.push(t(`……另有 ${missing.length - LIST_MAX} 个单位`, `… and ${missing.length - LIST_MAX} more units`));
    elements.push(md([head, `**${t(`未报送（${missing.length}）`, `Not reported (${missing.length})`)}**`, ...list].join('\n')));
  }
  if (!statuses.length) elements.push(md(t('本专项还没有汇报制度。', 'This campaign has no reporting rule yet.')));
  elements.push(note(t('发送「进度」查看全部报送情况和各单位任务。', 'Send "status" for every unit\'s reports and tasks.')));
  return card({
    title: t(`未报送单位 · ${ctx.scope ?? org.campaign.name}`, `Not reported · ${ctx.scope ?? org.campaign.name}`),
    subtitle: statuses.map((s) => `${s.rule.name} ${labelIn(org, s.rule, s.period, ctx.lang)}`).join(' · ') || undefined,
    template: missingTotal ? (overdue ? 'red' : 'orange') : 'green',
    tags: [{ text: t(`未报 ${missingTotal}`, `missing ${missingTotal}`), color: missingTotal ? 'red' : 'green' }],
    elements,
  });
}

export function laggingCard(lagging: Lagging[], ctx: { org: Org; label: string } & CardLang): Card {
  const { t } = ctx;
  if (!lagging.length) {
    return card({ title: t(`落后单位 · ${ctx.label}`, `Lagging units · ${ctx.label}`), template: 'green', elements: [md(t('本期没有落后单位：各单位均按时报送，无逾期任务。', 'No lagging units: every report on time and no overdue tasks.')), note(t(SCORING_RULE.zh, SCORING_RULE.en))] });
  }
  const list = lagging.slice(0, LAGGING_MAX).map((l, i) => `${i + 1}. **${esc(l.name)}**${t('　', ' ')}${l.score}${t(' 分：', ' pts: ')}${esc(reasonsOf(l, t, ctx.lang).join(t('；', '; ')))}`);
  if (lagging.length > LAGGING_MAX) list.push(t(`……另有 ${lagging.length - LAGGING_MAX} 个单位`, `… and ${lagging.length - LAGGING_MAX} more units`));
  return card({
    title: t(`落后单位 · ${ctx.label}`, `Lagging units · ${ctx.label}`),
    template: 'red',
    tags: [{ text: t(`${lagging.length} 个单位`, `${lagging.length} units`), color: 'red' }],
    elements: [md(list.join('\n')), barChart(t('落后得分', 'Lagging score'), lagging.slice(0, 20).map((l) => ({ x: l.name, y: l.score }))), note(t(SCORING_RULE.zh, SCORING_RULE.en))],
  });
}
