// The card of 汇编: each working group, each unit's 进展/问题/下一步 in short, the metrics summed, and the units that
// have not reported; the full text goes into the .docx sent with it. User text goes through esc().
import { clip } from '../core/text.js';
import { card, esc, md, note, type Card, type Element } from '../lark/cards.js';
import type { Org } from '../org.js';
import { labelIn, metricText, when, type CardLang } from './cards.js';
import type { Compilation, CompiledReport } from './compile.js';
import { evidenceCount } from './evidence.js';

/** Units shown in full on the card; the .docx holds them all (a card over 30 KB is split, but 200 units is a book). */
const UNITS_MAX = 30;
const SECTION_CHARS = 120;

const none = (l: CardLang) => l.t('无', 'none');
const short = (text: string, l: CardLang) => (text.trim() ? esc(clip(text.trim().replace(/\s*\n\s*/g, ' '), SECTION_CHARS)) : none(l));

/** "第48周 · 按时" when the compilation spans several periods, else just the state. */
function reportHead(c: Compilation, r: CompiledReport, org: Org, l: CardLang): string {
  const state = r.row.late ? l.t('逾期报送', 'late') : l.t('按时报送', 'on time');
  const many = new Set(c.periods.map((p) => p.period)).size > 1 || new Set(c.periods.map((p) => p.rule.id)).size > 1;
  const what = many ? `${esc(r.rule.name)} ${labelIn(org, r.rule, r.period, l.lang)} · ` : '';
  return `${what}${state}${r.by ? ` · ${esc(r.by)}` : ''} · ${when(r.row.submittedAt, org.campaign.timezone, l)}`;
}

export function compileCard(c: Compilation, ctx: { org: Org; label: string; scope?: string; now: Date } & CardLang): Card {
  const { t, org } = ctx;
  const colon = t('：', ': ');
  const elements: Element[] = [
    md(
      t(
        `应报 ${c.due} 份，已报 ${c.onTime + c.late} 份（按时 ${c.onTime}，逾期 ${c.late}），未报 ${c.missing.length} 份。`,
        `${c.due} reports due: ${c.onTime + c.late} in (${c.onTime} on time, ${c.late} late), ${c.missing.length} missing.`,
      ),
    ),
  ];
  let shown = 0;
  let hidden = 0;
  for (const g of c.groups) {
    const lines: string[] = [`**${esc(g.group?.name ?? t('其他单位', 'Other units'))}**`];
    for (const u of g.units) {
      if (shown >= UNITS_MAX) {
        hidden++;
        continue;
      }
      shown++;
      for (const r of u.reports) {
        lines.push(`**${esc(u.unit.name)}**　${reportHead(c, r, org, ctx)}`);
        lines.push(`${t('进展', 'Progress')}${colon}${short(r.row.progress, ctx)}`);
        lines.push(`${t('问题', 'Problems')}${colon}${short(r.row.problems, ctx)}`);
        lines.push(`${t('下一步', 'Next')}${colon}${short(r.row.nextSteps, ctx)}`);
        const metrics = Object.entries(r.row.metrics);
        if (metrics.length) lines.push(`${t('指标', 'Metrics')}${colon}${metrics.slice(0, 12).map(([k, v]) => metricText(k, v, t)).join(t('，', ', '))}`);
        if (r.evidence.length) lines.push(`${t('佐证材料', 'Evidence')}${colon}${evidenceCount(r.evidence, t)}`);
      }
    }
    if (lines.length > 1) elements.push(md(lines.join('\n')));
  }
  if (hidden) elements.push(note(t(`另有 ${hidden} 个单位的专报未在卡片中列出，见所附 Word 文件。`, `${hidden} more units are in the attached Word file.`)));
  if (c.totals.length) elements.push(md(`**${t('指标合计', 'Metrics in total')}**${colon}${c.totals.map(([k, v]) => metricText(k, v, t)).join(t('，', ', '))}`));
  const missingNames = c.missing.map((m) => {
    const many = c.periods.length > 1;
    return `${esc(m.unit.name)}${many ? t(`（${labelIn(org, m.rule, m.period, ctx.lang)}）`, ` (${labelIn(org, m.rule, m.period, ctx.lang)})`) : ''}`;
  });
  elements.push(md(`**${t(`未报送单位（${c.missing.length}）`, `Not reported (${c.missing.length})`)}**${colon}${missingNames.length ? missingNames.slice(0, 60).join(t('、', ', ')) + (missingNames.length > 60 ? t(` 等 ${missingNames.length} 个`, ` and ${missingNames.length - 60} more`) : '') : t('无', 'none')}`));
  const open = c.missing.some((m) => m.due.toMillis() > ctx.now.getTime());
  if (open) elements.push(note(t('部分单位尚未到截止时间。', 'Some units are not yet due.')));
  elements.push(note(t('完整内容（进展情况、存在问题、下一步计划）见所附 Word 文件。', 'The full text (progress, problems, next steps) is in the attached Word file.')));
  return card({
    title: t(`进度专报汇编 · ${ctx.scope ?? org.campaign.name}`, `Compiled reports · ${ctx.scope ?? org.campaign.name}`),
    subtitle: ctx.label,
    template: c.missing.length ? 'orange' : 'green',
    tags: [
      { text: t(`已报 ${c.onTime + c.late}`, `in ${c.onTime + c.late}`), color: 'green' },
      { text: t(`未报 ${c.missing.length}`, `missing ${c.missing.length}`), color: c.missing.length ? 'red' : 'green' },
    ],
    elements,
  });
}
