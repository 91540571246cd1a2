// export reports: every 进度专报 of a campaign as a sheet, one row per unit and period, with the seed's columns
// (单位, 周期, 进展情况, 存在问题, 下一步计划, …) and one column per metric. xlsx through exceljs; CSV with a UTF-8 BOM
// so Excel opens the Chinese text.
import { asc, eq } from 'drizzle-orm';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../core/lazy.js';
import { DateTime } from 'luxon';
import { toCsv } from '../core/csv.js';
import type { DbHandle } from '../../db/client.js';
import { campaigns, people, reportingRules, reports, units } from '../../db/schema.js';
import { calendarOf } from '../core/calendar.js';
import { periodLabel } from '../core/period-words.js';
import { evidenceLine, evidenceOfCampaign } from './evidence.js';

export interface ExportOptions {
  campaignName?: string;
  format: 'xlsx' | 'csv';
}

export const REPORT_COLUMNS = ['单位', '周期', '进展情况', '存在问题', '下一步计划', '报送人', '报送时间', '是否逾期'] as const;

/** The header and rows of the export, metrics last (in the order they first appear). */
export async function reportRows(dbh: DbHandle, campaignName?: string): Promise<{ campaign: string; header: string[]; rows: Array<Array<string | number>> }> {
  const { db } = dbh;
  const all = await db.select().from(campaigns).orderBy(asc(campaigns.id));
  const campaign = campaignName ? all.find((c) => c.name === campaignName) : all.length === 1 ? all[0] : undefined;
  if (!campaign) {
    const names = all.map((c) => c.name).join(', ') || '(none)';
    throw new Error(campaignName ? `no campaign "${campaignName}"; campaigns: ${names}` : `several campaigns, name one with --campaign: ${names}`);
  }
  const rows = await db
    .select({ r: reports, unit: units.name, unitId: units.id, rule: reportingRules.name, cadence: reportingRules.cadence, due: reportingRules.due, by: people.name })
    .from(reports)
    .innerJoin(units, eq(units.id, reports.unitId))
    .innerJoin(reportingRules, eq(reportingRules.id, reports.ruleId))
    .leftJoin(people, eq(people.id, reports.submittedBy))
    .where(eq(reports.campaignId, campaign.id))
    .orderBy(asc(reports.period), asc(units.id), asc(reports.ruleId));
  // 佐证材料 (evidence): a column only when some report has any, one line per image or file (its key, a file's name).
  const evidence = await evidenceOfCampaign(db, campaign.id);
  const withEvidence = evidence.size > 0;
  const t = (zh: string, en: string) => (campaign.locale === 'en' ? en : zh);
  const metricNames: string[] = [];
  for (const { r } of rows) for (const k of Object.keys(r.metrics)) if (!metricNames.includes(k)) metricNames.push(k);
  // A campaign with several reporting rules gets a 汇报制度 column, else unit + period would repeat.
  const several = new Set(rows.map((x) => x.rule)).size > 1;
  const header = [...REPORT_COLUMNS.slice(0, 2), ...(several ? ['汇报制度'] : []), ...REPORT_COLUMNS.slice(2), ...(withEvidence ? ['佐证材料'] : []), ...metricNames];
  const zone = campaign.timezone;
  // The period as the office writes it (第48周（11月23日—27日）); the rows stay in period order.
  const words = { zone, cal: calendarOf(campaign), lang: campaign.locale === 'en' ? ('en' as const) : ('zh' as const) };
  const out = rows.map(({ r, unit, rule, cadence, due, by }) => [
    unit,
    periodLabel({ cadence, due }, r.period, words),
    ...(several ? [rule] : []),
    r.progress || '无',
    r.problems || '无',
    r.nextSteps || '无',
    by ?? '',
    DateTime.fromISO(r.submittedAt).setZone(zone).toFormat('yyyy-MM-dd HH:mm'),
    r.late ? '是' : '否',
    ...(withEvidence ? [(evidence.get(r.id) ?? []).map((e) => evidenceLine(e, t)).join('\n')] : []),
    ...metricNames.map((m) => r.metrics[m] ?? ''),
  ]);
  return { campaign: campaign.name, header, rows: out };
}

/** The reports as CSV, through the one writer of every export (src/core/csv.ts), formula guard included. */
export function reportsCsv(header: string[], rows: Array<Array<string | number>>): Buffer {
  return toCsv([header, ...rows]);
}

export async function exportReports(dbh: DbHandle, opts: ExportOptions): Promise<Buffer> {
  const { campaign, header, rows } = await reportRows(dbh, opts.campaignName);
  if (opts.format === 'csv') return reportsCsv(header, rows);
  const wb = new (await loadExcel()).Workbook();
  wb.creator = '督办 Duban';
  wb.title = `${campaign} 进度专报`;
  const ws = wb.addWorksheet('进度专报', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  const wide = new Set(['进展情况', '存在问题', '下一步计划', '佐证材料']);
  ws.columns.forEach((col, i) => {
    const name = header[i] ?? '';
    col.width = wide.has(name) ? 48 : name === '单位' ? 24 : name === '报送时间' ? 18 : 12;
    if (wide.has(name)) col.alignment = { wrapText: true, vertical: 'top' };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
