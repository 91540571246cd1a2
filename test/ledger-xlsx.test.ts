// The ledger as a spreadsheet: export, import (all or nothing) and 导出 台账 in chat, which uploads the file to Lark.
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, tasks } from '../db/schema.js';
import { readSheet, writeXlsx } from '../src/ledger/sheet.js';
import { exportLedger, HEADINGS, importLedger } from '../src/ledger/xlsx.js';
import { applyPlanText } from '../src/plan/apply.js';
import { examplePlan } from '../src/runtime.js';
import { startHarness, type Harness } from './support/harness.js';

const XINHE = '新河周转房居住环境改善';
let h: Harness;
let made = 0;

/** A campaign with the reference plan's units, groups and people, and an empty ledger. */
async function emptyCampaign(name: string) {
  const tag = `copy${++made}`;
  const plan = readFileSync(examplePlan, 'utf8')
    .replace(`name: ${XINHE}`, `name: ${name}`)
    .replaceAll('oc_xinhe', `oc_${tag}`)
    .replaceAll('ou_', `ou_${tag}_`)
    .replace(/\ntasks:[\s\S]*$/, '\n');
  const res = await applyPlanText(h.server.runtime.dbh, plan, h.clock);
  expect(res.ok).toBe(true);
  const [c] = await h.server.runtime.dbh.db.select().from(campaigns).where(eq(campaigns.name, name));
  return c!;
}

const countTasks = async (campaignId: number) => (await h.server.runtime.dbh.db.select().from(tasks).where(eq(tasks.campaignId, campaignId))).length;

beforeAll(async () => {
  h = await startHarness({ now: '2026-11-27T01:00:00Z' });
  // The ledger gets a chat-added item with a group and cooperating units, and a written-off one with its note.
  await h.say({ from: 'ou_chenbo', chat: 'oc_xlsx_setup', text: '任务 新增 整治消防通道 牵头：区公安局 配合：新河街道办事处、区城市管理委 截止：2026-11-20 工作组：综合管理组 目标：通道全部畅通' });
  await h.say({ from: 'ou_liuyang', chat: 'oc_xlsx_setup', text: '任务 销账 T1 已完成全部住户登记造册' });
  // …a progress note on the overdue item and an extension of T2, for the history columns.
  await h.say({ from: 'ou_chenbo', chat: 'oc_xlsx_setup', text: '任务 进展 T4 已清理两处堆物' });
  await h.say({ from: 'ou_chenbo', chat: 'oc_xlsx_setup', text: '任务 延期 T2 截止：2027-01-31 原因：规划条件调整' });
});
afterAll(() => h.close());

describe('export and import', () => {
  it('the export has the seed’s headings in Chinese', async () => {
    const sheet = await readSheet(await exportLedger(h.server.runtime.dbh, { campaignName: XINHE, format: 'xlsx' }));
    expect(sheet[0]).toEqual([...HEADINGS]);
    expect(sheet[1]).toEqual(['1', 'T1', '完成周转房住户一户一册登记', '全部住户登记造册并建立台账', '新河周转房办公室', '大沽街道办事处、塘沽街道办事处', '基础数据摸排组', '2026-12-31', '已销账', '', '', '', '2026-11-27', '已完成全部住户登记造册', '摸排登记', '2026年第四季度']);
  });

  it('an exported xlsx imported into an empty campaign gives the same ledger', async () => {
    const bytes = await exportLedger(h.server.runtime.dbh, { campaignName: XINHE, format: 'xlsx' });
    const copy = await emptyCampaign('新河台账副本');
    const res = await importLedger(h.server.runtime.dbh, copy.name, bytes, { now: h.clock.now() });
    expect(res).toEqual({ ok: true, added: 4, updated: 0 });
    const again = await exportLedger(h.server.runtime.dbh, { campaignName: copy.name, format: 'xlsx' });
    expect(await readSheet(again)).toEqual(await readSheet(bytes));
  });

  it('a CSV export reads back the same as the xlsx', async () => {
    const csv = await exportLedger(h.server.runtime.dbh, { campaignName: XINHE, format: 'csv' });
    const xlsx = await exportLedger(h.server.runtime.dbh, { campaignName: XINHE, format: 'xlsx' });
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(await readSheet(csv)).toEqual(await readSheet(xlsx));
  });

  it('importing the same ledger again changes nothing', async () => {
    const bytes = await exportLedger(h.server.runtime.dbh, { campaignName: XINHE, format: 'xlsx' });
    expect(await importLedger(h.server.runtime.dbh, XINHE, bytes, { now: h.clock.now() })).toEqual({ ok: true, added: 0, updated: 0 });
  });

  it('an unknown unit and a bad date are rejected with row and column named, and nothing is written', async () => {
    const c = await emptyCampaign('新河台账校验');
    const sheet = [
      [...HEADINGS],
      ['1', '', '正常的一行', '', '区公安局', '', '', '2026-12-31', '', ''],
      ['2', '', '单位写错', '', '区不存在局', '', '', '2026-12-31', '', ''],
      ['3', '', '日期写错', '', '区公安局', '新河街', '', '年底前', '', ''],
    ];
    const res = await importLedger(h.server.runtime.dbh, c.name, await writeXlsx(sheet, { sheetName: '台账' }), { now: h.clock.now() });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.problems).toHaveLength(2);
    expect(res.problems[0]).toMatchObject({ row: 3, column: '主责部门' });
    expect(res.problems[0]!.message).toContain('区不存在局');
    expect(res.problems[1]).toMatchObject({ row: 4, column: '完成时限' });
    expect(res.problems[1]!.message).toContain('年底前');
    expect(await countTasks(c.id)).toBe(0);
  });
});

describe('导出 台账 in chat', () => {
  it('uploads the xlsx through the SDK and sends it as a file message', async () => {
    await h.say({ from: 'ou_chenbo', chat: 'oc_xlsx_export', text: '导出 台账' });
    const file = h.fake.files.at(-1)!;
    expect(file.file_name).toBe(`台账-${XINHE}-2026-11-27.xlsx`);
    expect(file.size).toBeGreaterThan(1000);
    const sent = h.fake.messagesIn('oc_xlsx_export');
    expect(sent.map((m) => m.msg_type)).toEqual(['text', 'file']);
    expect(sent[1]!.content.file_key).toBe(file.file_key);
    expect(sent[0]!.content.text).toContain('台账已导出');
  });

  it('the file a user downloads has 逾期, the latest progress, the extension history and the write-off date', async () => {
    await h.say({ from: 'ou_chenbo', chat: 'oc_xlsx_history', text: '导出 台账' });
    const file = h.fake.files.at(-1)!;
    const sheet = await readSheet(Buffer.from(file.data!));
    const col = (name: string) => sheet[0]!.indexOf(name);
    const row = (id: string) => sheet.find((r) => r[1] === id)!;
    expect(sheet[0]).toEqual(['序号', '编号', '重点工作事项', '具体任务目标', '主责部门', '配合部门', '协调推动组', '完成时限', '状态', '预警', '最新进展', '延期记录', '销账日期', '销账说明', '阶段', '季度']);
    // T4 was due on 20 November: overdue, not 进行中, and its light is red
    expect(row('T4')[col('状态')]).toBe('逾期');
    expect(row('T4')[col('预警')]).toBe('🔴 红灯');
    // T2 was extended: yellow though its deadline is two months away; T1 is written off: no light
    expect(row('T2')[col('预警')]).toBe('🟡 黄灯');
    expect(row('T1')[col('预警')]).toBe('');
    expect(row('T4')[col('最新进展')]).toBe('已清理两处堆物（2026-11-27）');
    expect(row('T2')[col('状态')]).toBe('进行中');
    expect(row('T2')[col('延期记录')]).toBe('2027-01-15 → 2027-01-31：规划条件调整（陈波，2026-11-27）');
    expect(row('T1')[col('销账日期')]).toBe('2026-11-27');
    expect(row('T1')[col('销账说明')]).toBe('已完成全部住户登记造册');
  });

  it('the same columns import back: a new progress note joins the history, 逾期 reads as open', async () => {
    const sheet = await readSheet(await exportLedger(h.server.runtime.dbh, { campaignName: XINHE, format: 'xlsx', now: h.clock.now() }));
    const t4 = sheet.find((r) => r[1] === 'T4')!;
    t4[sheet[0]!.indexOf('最新进展')] = '通道已全部打通';
    const res = await importLedger(h.server.runtime.dbh, XINHE, await writeXlsx(sheet, { sheetName: '台账' }), { now: h.clock.now() });
    expect(res).toEqual({ ok: true, added: 0, updated: 1 });
    const shown = await h.say({ from: 'ou_chenbo', chat: 'oc_xlsx_show', text: '任务 查看 T4' });
    const reply = h.fake.messages.find((m) => m.reply_to === shown.messageId)!;
    expect(JSON.stringify(reply.content)).toContain('通道已全部打通');
  });

  it('a liaison may not export, and is told which roles may', async () => {
    await h.say({ from: 'ou_zhaojing', chat: 'oc_xlsx_refused', text: '导出 台账' });
    const [reply] = h.fake.messagesIn('oc_xlsx_refused');
    expect(reply!.content.text).toContain('办公室');
    expect(reply!.content.text).toContain('联络员');
  });
});
