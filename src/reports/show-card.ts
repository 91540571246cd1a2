// The card of 查看 汇报: what one unit filed for one period under each of its reporting rules — every section, the
// metrics, late or on time, each revision (when, by whom), and its evidence (佐证材料) — or, for a rule with nothing
// filed, that it is missing and when it was due. User text goes through esc() (section, fields).
import type { DateTime } from 'luxon';
import { card, esc, fields, hr, md, note, type Card, type Element } from '../lark/cards.js';
import type { Org, Rule, Unit } from '../org.js';
import { labelIn, metricText, section, when, type CardLang } from './cards.js';
import { evidenceLine, type Evidence } from './evidence.js';
import type { ReportRow } from './store.js';

export interface FiledPeriod {
  rule: Rule;
  period: string;
  due: DateTime;
  report?: ReportRow;
  /** earlier versions, oldest first */
  revisions: Array<{ revision: number; submittedBy: number; submittedAt: string }>;
  evidence: Evidence[];
}

const EVIDENCE_SHOWN = 20;

function personName(org: Org, id: number | null): string {
  return org.people.find((p) => p.id === id)?.name ?? '';
}

function filed(org: Org, f: FiledPeriod & { report: ReportRow }, l: CardLang): Element[] {
  const { t } = l;
  const zone = org.campaign.timezone;
  const r = f.report;
  const out: Element[] = [
    fields([
      [t('周期', 'Period'), labelIn(org, f.rule, f.period, l.lang)],
      [t('截止时间', 'Due'), when(f.due, zone, l)],
      [t('报送人', 'By'), personName(org, r.submittedBy)],
      [t('报送时间', 'Submitted'), when(r.submittedAt, zone, l)],
      [t('是否逾期', 'Late'), r.late ? t('逾期报送', 'late') : t('按时报送', 'on time')],
    ]),
    section(t('进展情况', 'Progress'), r.progress, l),
    section(t('存在问题', 'Problems'), r.problems, l),
    section(t('下一步计划', 'Next steps'), r.nextSteps, l),
  ];
  const metrics = Object.entries(r.metrics).slice(0, 30);
  if (metrics.length) out.push(md(`**${t('指标', 'Metrics')}**\n${metrics.map(([k, v]) => metricText(k, v, t)).join(t('　', ' · '))}`));
  if (r.unplaced) out.push(section(t('未能归类的内容', 'Not placed'), r.unplaced, l));
  const versions = [...f.revisions.map((v) => ({ n: v.revision, by: v.submittedBy, at: v.submittedAt })), { n: r.revision, by: r.submittedBy, at: r.submittedAt }];
  const lines = versions.map((v) => `${t(`第${v.n}版`, `v${v.n}`)} ${when(v.at, zone, l)} ${esc(personName(org, v.by))}${v.n === r.revision ? t('（当前）', ' (current)') : ''}`);
  out.push(md(`**${t(`修改记录（修改 ${versions.length - 1} 次）`, `Revisions (${versions.length - 1} changes)`)}**\n${lines.join('\n')}`));
  const ev = f.evidence.slice(0, EVIDENCE_SHOWN).map((e) => `- ${esc(evidenceLine(e, t))}　${esc(personName(org, e.byPersonId))} ${when(e.at, zone, l)}`);
  if (f.evidence.length > EVIDENCE_SHOWN) ev.push(t(`……另有 ${f.evidence.length - EVIDENCE_SHOWN} 件`, `… and ${f.evidence.length - EVIDENCE_SHOWN} more`));
  out.push(md(`**${t(`佐证材料（${f.evidence.length}）`, `Evidence (${f.evidence.length})`)}**\n${ev.join('\n') || t('无', 'none')}`));
  return out;
}

function missing(org: Org, f: FiledPeriod, l: CardLang, now: Date): Element[] {
  const passed = f.due.toMillis() < now.getTime();
  return [
    md(
      l.t(
        `**${esc(f.rule.name)} · ${labelIn(org, f.rule, f.period, l.lang)}**\n尚未报送。截止时间 ${when(f.due, org.campaign.timezone, l)}${passed ? '（已过截止时间）' : '（尚未截止）'}。`,
        `**${esc(f.rule.name)} · ${labelIn(org, f.rule, f.period, l.lang)}**\nNothing filed. Due ${when(f.due, org.campaign.timezone, l)}${passed ? ' (passed)' : ' (not yet due)'}.`,
      ),
    ),
  ];
}

export function reportShowCard(org: Org, unit: Unit, periods: FiledPeriod[], l: CardLang, now: Date): Card {
  const elements: Element[] = [];
  periods.forEach((f, i) => {
    if (i) elements.push(hr());
    if (periods.length > 1 && f.report) elements.push(md(`**${esc(f.rule.name)}**`));
    elements.push(...(f.report ? filed(org, { ...f, report: f.report }, l) : missing(org, f, l, now)));
  });
  const one = periods.length === 1 ? periods[0]! : undefined;
  const late = periods.some((f) => f.report?.late);
  const none = periods.every((f) => !f.report);
  elements.push(note(l.t('报送后 10 分钟内在同一个群里发送的图片、文件，或插入在富文本汇报中的图片，会作为佐证材料附在专报上。', 'Images and files sent in the same chat within 10 minutes after a report, or inside a rich-text report, are attached to it as evidence.')));
  return card({
    title: l.t(`进度专报 · ${unit.name}`, `Report · ${unit.name}`),
    subtitle: one ? `${one.rule.name} · ${labelIn(org, one.rule, one.period, l.lang)}` : undefined,
    template: none ? 'red' : late ? 'orange' : 'green',
    tags: [none ? { text: l.t('未报送', 'missing'), color: 'red' } : late ? { text: l.t('逾期报送', 'late'), color: 'orange' } : { text: l.t('已报送', 'filed'), color: 'green' }],
    elements,
  });
}
