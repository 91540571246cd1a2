// A table of strings in and out of a file: .xlsx through exceljs, or CSV (UTF-8 with a BOM, so Excel shows the Chinese).
// The ledger decides what the columns mean; this file only moves cells.
import type ExcelJS from 'exceljs';
import { loadExcel } from '../core/lazy.js';
import { fromCsv, toCsv } from '../core/csv.js';
import { checkCsvBytes, checkSheetShape, checkXlsxBytes } from './sheet-limits.js';

export type Sheet = string[][];

export async function writeXlsx(rows: Sheet, opts: { sheetName: string; widths?: number[] }): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  const ws = wb.addWorksheet(opts.sheetName);
  for (const r of rows) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  opts.widths?.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  // Every cell is text: a deadline written as text reads back exactly, and Excel does not turn T12 into anything else.
  ws.eachRow((row) => row.eachCell((cell) => (cell.numFmt = '@')));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A cell as the text a person sees: dates as YYYY-MM-DD, rich text and formulas by their text. */
function cellText(v: ExcelJS.CellValue): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText((v.result ?? null) as ExcelJS.CellValue);
    if ('error' in v) return '';
  }
  return String(v);
}

/** The first worksheet as rows of text; row i of the result is spreadsheet row i + 1. */
export async function readXlsx(bytes: Buffer): Promise<Sheet> {
  checkXlsxBytes(bytes);
  const wb = new (await loadExcel()).Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  // exceljs's columnCount walks every row: read it once, not once per cell (a cell at row 2,000 column 500 never ended).
  const columns = ws.columnCount;
  checkSheetShape(ws.rowCount, columns);
  const out: Sheet = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= columns; c++) cells.push(cellText(row.getCell(c).value).trim());
    out[n - 1] = cells;
  });
  for (let i = 0; i < out.length; i++) out[i] ??= [];
  return out;
}

/** CSV through the one writer and reader of every export (src/core/csv.ts), with its formula guard. */
export const writeCsv = (rows: Sheet): Buffer => toCsv(rows);
export function readCsv(bytes: Buffer): Sheet {
  checkCsvBytes(bytes);
  const rows = fromCsv(bytes);
  checkSheetShape(rows.length, rows.reduce((m, r) => Math.max(m, r.length), 0));
  return rows;
}

/** An .xlsx file is a zip archive (it starts with "PK"); anything else is read as CSV. */
export const readSheet = (bytes: Buffer): Promise<Sheet> => (bytes[0] === 0x50 && bytes[1] === 0x4b ? readXlsx(bytes) : Promise.resolve(readCsv(bytes)));

/** A1-style column letter for messages: 0 → A, 26 → AA. */
export function columnLetter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
