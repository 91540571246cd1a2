// Issue 16, finding 6: a small crafted spreadsheet cannot make the ledger import run for ever or unzip without bound.
// The sheet's size is read once and capped (10,000 rows, 50 columns, 20 MB unzipped); each refusal names the limit.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADINGS, importLedger } from '../src/ledger/xlsx.js';
import { startHarness, type Harness } from './support/harness.js';

const exec = promisify(execFile);
const XINHE = '新河周转房居住环境改善';
let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'duban-xlsx-'));
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A workbook with the ledger's headings and one more cell somewhere far away. */
async function crafted(row: number, column: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  ws.addRow([...HEADINGS]);
  ws.getCell(row, column).value = 'x';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const messages = (r: Awaited<ReturnType<typeof importLedger>>) => (r.ok ? [] : r.problems.map((p) => p.message)).join('\n');

describe('ledger import of crafted spreadsheets', () => {
  it('one cell at row 3,000 is read as a sheet of blank rows (the column count read once, not per cell)', async () => {
    const bytes = await crafted(3000, 1);
    expect(bytes.length).toBeLessThan(10_000);
    const res = await importLedger(h.server.runtime.dbh, XINHE, bytes, { now: h.clock.now() });
    // The heading row is fine; row 3,000 has a 序号 only, so it is a blank line: nothing to add.
    expect(res).toEqual({ ok: true, added: 0, updated: 0 });
  });

  it('a cell at row 2,000 column 500 is refused: at most 50 columns', async () => {
    const bytes = await crafted(2000, 500);
    const res = await importLedger(h.server.runtime.dbh, XINHE, bytes, { now: h.clock.now() });
    expect(res.ok).toBe(false);
    expect(messages(res)).toContain('表格最多 50 列，这个文件有 500 列');
  });

  it('a cell at row 20,000 is refused: at most 10,000 rows', async () => {
    const res = await importLedger(h.server.runtime.dbh, XINHE, await crafted(20_000, 2), { now: h.clock.now() });
    expect(messages(res)).toContain('表格最多 10,000 行，这个文件有 20,000 行');
  });

  it('a file that unzips past 20 MB is refused before it is unzipped', async () => {
    const zip = await JSZip.loadAsync(await crafted(2, 2));
    zip.file('xl/padding.xml', ' '.repeat(21 * 1024 * 1024));
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(bytes.length).toBeLessThan(200_000);
    const res = await importLedger(h.server.runtime.dbh, XINHE, bytes, { now: h.clock.now() });
    expect(messages(res)).toContain('文件解压后超过 20 MB');
  });

  it('a title over 200 characters is refused by row and column, as in chat', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    ws.addRow(['重点工作事项', '主责部门', '完成时限']);
    ws.addRow(['长'.repeat(201), '区公安局', '2026-12-31']);
    const res = await importLedger(h.server.runtime.dbh, XINHE, Buffer.from(await wb.xlsx.writeBuffer()), { now: h.clock.now() });
    expect(messages(res)).toContain('第2行「重点工作事项」（A2）：最多 200 字，这里有 201 字');
  });

  it('duban import ledger names the limit and exits 1, writing nothing', async () => {
    const file = join(dir, 'wide.xlsx');
    writeFileSync(file, await crafted(2000, 500));
    const env = { ...process.env, DATABASE_PATH: h.server.runtime.config.DATABASE_PATH, LOG_LEVEL: 'warn' };
    const failed = (await exec(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import', 'ledger', file, '--campaign', XINHE], { env }).then(() => undefined, (e: { code: number; stderr: string }) => e))!;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('最多 50 列');
  }, 40_000);
});
