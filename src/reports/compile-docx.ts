// The .docx of 汇编, in the form of a 进度专报 (seeds/000: 实施进展情况、存在问题及下一步计划): a title (campaign and
// period), a summary line, then 一、<工作组> （一）<单位> with 1. 进展情况 2. 存在问题 3. 下一步计划 4. 主要指标, the
// metrics in total, and a closing list of the units that have not reported. The docx library is loaded on first use:
// most processes never compile, and startup time matters (issue 19). It escapes text for XML itself.
import { DateTime } from 'luxon';
import { liaisonsOf, type Org } from '../org.js';
import { labelIn, when, type CardLang } from './cards.js';
import type { Compilation } from './compile.js';
import { evidenceLine } from './evidence.js';

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 23 → 二十三: headings count groups and units this way. */
export function cnOrdinal(n: number): string {
  if (n < 10) return CN_DIGITS[n]!;
  if (n < 20) return `十${n % 10 ? CN_DIGITS[n % 10] : ''}`;
  if (n < 100) return `${CN_DIGITS[Math.floor(n / 10)]}十${n % 10 ? CN_DIGITS[n % 10] : ''}`;
  return String(n);
}

const metricLabel = (name: string, value: number, l: CardLang) =>
  name.endsWith('（%）') ? `${name.slice(0, -3)}${l.t('：', ': ')}${value}%` : `${name}${l.t('：', ': ')}${value}`;

export interface DocxOptions extends CardLang {
  org: Org;
  /** the period as people read it, for the title */
  label: string;
  /** who compiled it (the office's unit), for the line under the title */
  by?: string;
  now: Date;
}

export async function compileDocx(c: Compilation, o: DocxOptions): Promise<Buffer> {
  const { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } = await import('docx');
  const { t, org } = o;
  const zh = o.lang === 'zh';
  const zone = org.campaign.timezone;
  const para = (text: string) => new Paragraph({ children: [new TextRun(text)], indent: zh ? { firstLine: 640 } : undefined, spacing: { after: 120 } });
  const lines = (text: string) => (text.trim() ? text.trim().split(/\r?\n+/).map((x) => para(x.trim())) : [para(t('无', 'None.'))]);
  const today = DateTime.fromJSDate(o.now, { zone });
  const children = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun(t(`${org.campaign.name}进度专报汇编`, `${org.campaign.name}: compiled progress reports`))] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(t(`（${o.label}）`, `(${o.label})`))] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [new TextRun(t(`${o.by ? `${o.by}　` : ''}${today.year}年${today.month}月${today.day}日`, `${o.by ? `${o.by}, ` : ''}${today.toFormat('d LLLL yyyy')}`))],
    }),
    para(
      t(
        `本期应报 ${c.due} 份，已报 ${c.onTime + c.late} 份（按时 ${c.onTime} 份，逾期 ${c.late} 份），未报 ${c.missing.length} 份。`,
        `${c.due} reports were due: ${c.onTime + c.late} came in (${c.onTime} on time, ${c.late} late), ${c.missing.length} are missing.`,
      ),
    ),
  ];
  const many = c.periods.length > 1;
  let gi = 0;
  for (const g of c.groups) {
    gi++;
    const groupName = g.group?.name ?? t('其他单位', 'Other units');
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(zh ? `${cnOrdinal(gi)}、${groupName}` : `${gi}. ${groupName}`)] }));
    let ui = 0;
    for (const u of g.units) {
      ui++;
      children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(zh ? `（${cnOrdinal(ui)}）${u.unit.name}` : `${gi}.${ui} ${u.unit.name}`)] }));
      for (const r of u.reports) {
        const state = r.row.late ? t('逾期报送', 'late') : t('按时报送', 'on time');
        const head = [many ? `${r.rule.name} ${labelIn(org, r.rule, r.period, o.lang)}` : '', state, r.by ? t(`报送人：${r.by}`, `by ${r.by}`) : '', t(`报送时间：${when(r.row.submittedAt, zone, o)}`, `submitted ${when(r.row.submittedAt, zone, o)}`)].filter(Boolean);
        children.push(new Paragraph({ children: [new TextRun({ text: head.join(t('　', ' · ')), italics: !zh })], spacing: { after: 120 } }));
        children.push(new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(t('1. 进展情况', 'Progress'))] }), ...lines(r.row.progress));
        children.push(new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(t('2. 存在问题', 'Problems'))] }), ...lines(r.row.problems));
        children.push(new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(t('3. 下一步计划', 'Next steps'))] }), ...lines(r.row.nextSteps));
        const metrics = Object.entries(r.row.metrics);
        if (metrics.length) {
          children.push(new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(t('4. 主要指标', 'Metrics'))] }));
          children.push(para(metrics.map(([k, v]) => metricLabel(k, v, o)).join(t('；', '; '))));
        }
        if (r.evidence.length) {
          const n = metrics.length ? 5 : 4;
          children.push(new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun(t(`${n}. 佐证材料`, 'Evidence'))] }));
          children.push(...r.evidence.map((e) => para(evidenceLine(e, t))));
        }
      }
    }
  }
  let tail = gi;
  if (c.totals.length) {
    tail++;
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(zh ? `${cnOrdinal(tail)}、指标合计` : `${tail}. Metrics in total`)] }));
    children.push(para(c.totals.map(([k, v]) => metricLabel(k, v, o)).join(t('；', '; '))));
  }
  tail++;
  children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(zh ? `${cnOrdinal(tail)}、未报送单位` : `${tail}. Units that have not reported`)] }));
  if (!c.missing.length) children.push(para(t('无。各单位均已报送。', 'None: every unit has reported.')));
  c.missing.forEach((m, i) => {
    const period = many ? t(`（${m.rule.name} ${labelIn(org, m.rule, m.period, o.lang)}）`, ` (${m.rule.name} ${labelIn(org, m.rule, m.period, o.lang)})`) : '';
    // the office calls the liaison next: name them (seeds/001: each member unit names its 联络员)
    const liaisons = liaisonsOf(org, m.unit.id).map((p) => p.name);
    const who = liaisons.length ? t(`（联络员：${liaisons.join('、')}）`, ` (liaison ${liaisons.join(', ')})`) : t('（未登记联络员）', ' (no liaison registered)');
    children.push(para(`${i + 1}. ${m.unit.name}${period}${who}`));
  });
  const doc = new Document({
    creator: 'Duban',
    title: t(`${org.campaign.name}进度专报汇编`, `${org.campaign.name}: compiled progress reports`),
    // 公文 faces: 仿宋 for the body, 黑体 for 一、 headings, 楷体 for （一）; Word falls back where they are missing.
    styles: zh
      ? {
          default: { document: { run: { font: 'FangSong', size: 32 } }, title: { run: { font: 'SimSun', size: 44, bold: true } }, heading1: { run: { font: 'SimHei', size: 32 } }, heading2: { run: { font: 'KaiTi', size: 32 } }, heading3: { run: { font: 'FangSong', size: 32, bold: true } } },
        }
      : undefined,
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

/** 进度专报汇编-<campaign>-<period>.docx */
export function compileFileName(org: Org, key: string, lang: 'zh' | 'en'): string {
  return `${lang === 'zh' ? '进度专报汇编' : 'compiled-reports'}-${org.campaign.name}-${key}.docx`.replace(/[\\/:*?"<>|\s]+/g, '_');
}
