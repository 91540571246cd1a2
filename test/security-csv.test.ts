// Issue 16, finding 4: text people typed never reaches a spreadsheet as a live formula. The ledger CSV sent by
// 导出 台账 csv goes through the same writer (and formula guard) as the reports CSV; the guard round-trips on import.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromCsv, guardCell, toCsv, unguardCell } from '../src/core/csv.js';
import { readSheet } from '../src/ledger/sheet.js';
import { importLedger } from '../src/ledger/xlsx.js';
import { exportReports } from '../src/reports/export.js';
import { startHarness, type Harness } from './support/harness.js';

const XINHE = '新河周转房居住环境改善';
const TITLE = '=HYPERLINK("evil.example","点我")';
const NOTE = '@SUM(1+1)*cmd|\' /C calc\'!A0';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: '2026-11-27T01:00:00Z' });
  await h.say({ from: 'ou_chenbo', chat: 'oc_csv_setup', text: `任务 新增 ${TITLE} 牵头：新河周转房办公室 截止：2026-12-20` });
  await h.say({ from: 'ou_chenbo', chat: 'oc_csv_setup', text: '任务 新增 -1+2 拆除计划 牵头：新河周转房办公室 截止：2026-12-20' });
  await h.say({ from: 'ou_liuyang', chat: 'oc_csv_setup', text: `任务 销账 T1 ${NOTE}` });
});
afterAll(() => h.close());

/** Every cell of a CSV file as a spreadsheet program would see it before it evaluates anything. */
function rawCells(csv: Buffer): string[] {
  const cells: string[] = [];
  for (const line of csv.toString('utf8').replace(/^\uFEFF/, '').split('\r\n')) {
    for (const m of line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)) cells.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
  }
  return cells;
}

describe('CSV exports neutralise formulas', () => {
  it('导出 台账 csv in chat: a formula title and write-off note are written as text, not formulas', async () => {
    const titles = h.textsIn('oc_csv_setup').join('\n');
    expect(titles).toContain('HYPERLINK');
    await h.say({ from: 'ou_chenbo', chat: 'oc_csv_export', text: '导出 台账 csv' });
    const file = h.fake.files.at(-1)!;
    expect(file.file_name).toMatch(/\.csv$/);
    const cells = rawCells(file.data);
    expect(cells).toContain(`'${TITLE}`);
    expect(cells).toContain(`'${NOTE}`);
    expect(cells.some((c) => c.startsWith('-1+2'))).toBe(false);
    // No cell a spreadsheet would evaluate: none starts with = + - @ tab or CR.
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it('the exported CSV imports back unchanged: the guard is removed on the way in', async () => {
    await h.say({ from: 'ou_chenbo', chat: 'oc_csv_export2', text: '导出 台账 csv' });
    const bytes = h.fake.files.at(-1)!.data;
    const sheet = await readSheet(bytes);
    expect(sheet.map((r) => r[2])).toContain(TITLE);
    expect(await importLedger(h.server.runtime.dbh, XINHE, bytes, { now: h.clock.now() })).toEqual({ ok: true, added: 0, updated: 0 });
  });

  it('the reports CSV goes through the same guard', async () => {
    await h.say({ from: 'ou_liuyang', chat: 'oc_xinhe_mopai', text: '汇报\n进展：=1+1 已入户\n问题：@无\n下一步：+继续' });
    const csv = await exportReports(h.server.runtime.dbh, { campaignName: XINHE, format: 'csv' });
    const cells = rawCells(csv);
    expect(cells).toContain("'=1+1 已入户");
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it('guard and unguard are inverse for any text, and a guarded cell never starts a formula', () => {
    const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", 'a', '中', ',', '"', '\n') });
    fc.assert(
      fc.property(text, (s) => {
        const g = guardCell(s);
        expect(/^[=+\-@\t\r]/.test(g)).toBe(false);
        expect(unguardCell(g)).toBe(s);
      }),
    );
    fc.assert(fc.property(fc.array(fc.array(text.map((s) => s.trim()), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), (rows) => {
      const back = fromCsv(toCsv(rows));
      expect(back).toEqual(rows.map((r) => r.map((c) => c.trim())));
    }));
  });
});
