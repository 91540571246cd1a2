// Phases (工作阶段, seeds/003: 集中攻坚 then 迎接验收) and quarterly task lists (季度工作任务单, seeds/001), through the
// webhook with the clock set: the phase shown in 进度, task cards and the bulletin; the phase-notice job's start and
// five-workdays-before-the-end posts, once each, on workdays; 阶段/季度 in chat; 任务 列表 and 导出 台账 by quarter.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tasks } from '../db/schema.js';
import { workCalendar } from '../src/core/calendar.js';
import { endNoticeDay, startNoticeDay, workdaysLeft } from '../src/ledger/phases.js';
import { readSheet, writeCsv } from '../src/ledger/sheet.js';
import { exportLedger, importLedger } from '../src/ledger/xlsx.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'hongqiao.plan.yaml');
const MONDAY = '2026-11-23T01:00:00Z'; // Monday 23 November 2026, 09:00 in Shanghai: inside 集中攻坚
const OFFICE = 'oc_hq_office';
const CAMPAIGN = '红桥区住建委创文创卫攻坚行动';
const at9 = (date: string) => new Date(`${date}T01:00:00Z`); // 09:00 in Shanghai

describe('phase days', () => {
  const cal = workCalendar('cn');
  const attack = { name: '集中攻坚', from: '2026-11-16', to: '2026-12-18', goal: '' };
  it('counts the workdays left with today, and finds the day five workdays before the end', () => {
    expect(workdaysLeft(cal, '2026-11-23', attack)).toBe(20);
    expect(workdaysLeft(cal, '2026-12-18', attack)).toBe(1);
    expect(workdaysLeft(cal, '2026-12-19', attack)).toBe(0);
    expect(endNoticeDay(cal, attack)).toBe('2026-12-11'); // 14–18 December are the last five
  });
  it('announces a phase that begins on a Saturday on the Monday', () => {
    expect(startNoticeDay(cal, { name: '迎接验收', from: '2026-12-19', to: '2026-12-31', goal: '' })).toBe('2026-12-21');
  });
  it('gives a phase across the National Day week its end notice on a workday', () => {
    // the last five workdays before 12 October: 30 September, 8, 9, 10 (adjusted Saturday) and 12 October
    expect(endNoticeDay(cal, { name: 'x', from: '2026-09-01', to: '2026-10-12', goal: '' })).toBe('2026-09-29');
  });
});

let h: Harness;
let chat = '';
let n = 0;
beforeAll(async () => {
  h = await startHarness({ plan: PLAN, now: MONDAY, env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  const [done] = await h.server.runtime.dbh.db.select().from(tasks).where(eq(tasks.title, '物业小区全覆盖巡查'));
  await h.say({ from: 'ou_hq_zhangwei', chat: 'oc_hq_setup', text: `任务 新增 清运楼道堆物 牵头：物业科 截止：2026-12-04 阶段：集中攻坚` });
  await h.say({ from: 'ou_hq_zhangwei', chat: 'oc_hq_setup', text: `任务 销账 T${done!.seq} 已全覆盖巡查` });
}, 60_000);
afterAll(() => h.close());
beforeEach(() => {
  chat = `oc_hq_${++n}`;
  h.clock.set(MONDAY);
});

const last = (where = chat) => h.fake.messagesIn(where).at(-1)!.content;
const titles = (where: string) => h.fake.messagesIn(where).map((m) => String(m.content.header?.title?.content ?? ''));
const rowsOf = (content: any): any[] => content.body.elements.find((e: any) => e.tag === 'table')?.rows ?? [];
async function task(title: string) {
  const [row] = await h.server.runtime.dbh.db.select().from(tasks).where(eq(tasks.title, title));
  return row!;
}

describe('the plan', () => {
  it('stores each task’s phase and quarter, 2026年第四季度 as 2026Q4', async () => {
    expect(await task('物业小区全覆盖巡查')).toMatchObject({ phase: '集中攻坚', quarter: '2026Q4' });
    expect(await task('规范建筑围挡')).toMatchObject({ phase: '集中攻坚', quarter: '2026Q4' });
    expect(await task('制定长效管理措施')).toMatchObject({ phase: null, quarter: '2027Q1' });
  });
});

describe('the current phase', () => {
  it('进度 shows the current phase, its dates and the workdays left', async () => {
    await h.say({ from: 'ou_hq_gerufu', chat, text: '进度' });
    expect(flatten(last())).toContain('当前阶段：集中攻坚（2026年11月16日至2026年12月18日，剩余 20 个工作日，含今天）');
  });

  it('a task card shows the task’s own phase with the workdays left, and its quarter', async () => {
    await h.say({ from: 'ou_hq_gerufu', chat, text: `任务 查看 T${(await task('规范建筑围挡')).seq}` });
    const text = flatten(last());
    expect(text).toContain('所属阶段');
    expect(text).toContain('集中攻坚（2026年11月16日至2026年12月18日，剩余 20 个工作日，含今天）');
    expect(text).toContain('2026年第四季度');
  });

  it('a task without a phase shows the campaign’s current phase', async () => {
    await h.say({ from: 'ou_hq_gerufu', chat, text: `任务 查看 T${(await task('制定长效管理措施')).seq}` });
    expect(flatten(last())).toContain('当前阶段：集中攻坚');
  });

  it('between the phases’ days the status follows the clock: on 21 December it is 迎接验收 with 9 workdays left', async () => {
    h.clock.set('2026-12-21T01:00:00Z');
    await h.say({ from: 'ou_hq_gerufu', chat, text: '进度' });
    expect(flatten(last())).toContain('当前阶段：迎接验收（2026年12月19日至2026年12月31日，剩余 9 个工作日，含今天）');
  });

  it('the bulletin shows the current phase', async () => {
    await h.say({ from: 'ou_hq_zhangwei', chat, text: '通报 本月' });
    expect(flatten(last())).toContain('当前阶段：集中攻坚');
  });
});

describe('the phase-notice job', () => {
  it('announces 集中攻坚 on its first day, with goal and dates, in the office and every group chat, once', async () => {
    const first = await h.server.runtime.runner.runNow('phase-notice', at9('2026-11-16'));
    const again = await h.server.runtime.runner.runNow('phase-notice', at9('2026-11-16'));
    await h.settle();
    expect(first[0]).toMatchObject({ period: 'start:集中攻坚', posts: 4 });
    expect(again[0]!.posts).toBe(0);
    for (const where of [OFFICE, 'oc_hq_wuye', 'oc_hq_gongdi', 'oc_hq_hedao']) {
      expect(titles(where).filter((t) => t === '【阶段开始】集中攻坚')).toHaveLength(1);
    }
    const text = flatten(last(OFFICE));
    expect(text).toContain('对标国家卫生城市指标，全面落实各项攻坚任务');
    expect(text).toContain('2026-11-16 至 2026-12-18（共 25 个工作日）');
    expect(text).toContain('迎接验收');
  });

  it('five workdays before 集中攻坚 ends, lists its open tasks to the office and to each lead unit’s chat', async () => {
    await h.server.runtime.runner.runNow('phase-notice', at9('2026-12-11'));
    await h.settle();
    const office = h.fake.messagesIn(OFFICE).at(-1)!.content;
    expect(office.header.title.content).toBe('【阶段即将结束】集中攻坚');
    // open items of the phase only: the written-off one and 迎接验收's are not listed
    expect(rowsOf(office).map((r) => r.title).sort()).toEqual(['清理工地积存生活垃圾', '清运楼道堆物', '规范建筑围挡'].sort());
    expect(flatten(office)).toContain('距本阶段结束（2026年12月18日）还有 5 个工作日');
    // 物业科 leads 社区环境治理工作组: its item goes there with its liaison @-mentioned
    const wuye = h.fake.messagesIn('oc_hq_wuye').at(-1)!.content;
    expect(rowsOf(wuye).map((r) => r.title)).toEqual(['清运楼道堆物']);
    expect(JSON.stringify(wuye)).toContain('ou_hq_huwanxin');
    // 建设服务科 leads no group: its item goes to its task's group chat, with 质安支队's own item
    const gongdi = h.fake.messagesIn('oc_hq_gongdi').at(-1)!.content;
    expect(rowsOf(gongdi).map((r) => r.title).sort()).toEqual(['清理工地积存生活垃圾', '规范建筑围挡'].sort());
    expect(JSON.stringify(gongdi)).toContain('ou_hq_gerufu');
    expect(titles('oc_hq_hedao')).not.toContain('【阶段即将结束】集中攻坚');
  });

  it('announces 迎接验收, which begins on Saturday 19 December, on Monday the 21st, not on the weekend', async () => {
    await h.server.runtime.runner.runNow('phase-notice', at9('2026-12-19'));
    await h.server.runtime.runner.runNow('phase-notice', at9('2026-12-20'));
    await h.settle();
    expect(titles(OFFICE)).not.toContain('【阶段开始】迎接验收');
    await h.server.runtime.runner.runNow('phase-notice', at9('2026-12-21'));
    await h.settle();
    expect(titles(OFFICE).filter((t) => t === '【阶段开始】迎接验收')).toHaveLength(1);
  });
});

describe('phases and quarters in chat', () => {
  it('任务 新增 … 阶段：集中攻坚 季度：2026年第四季度 stores both', async () => {
    await h.say({ from: 'ou_hq_zhangwei', chat, text: '任务 新增 整治河道岸坡 牵头：河长办公室 截止：12月15日 阶段：集中攻坚 季度：2026年第四季度' });
    expect(await task('整治河道岸坡')).toMatchObject({ phase: '集中攻坚', quarter: '2026Q4' });
    expect(flatten(last())).toContain('所属阶段');
  });

  it('an unknown phase is refused, naming the phases; nothing is stored', async () => {
    await h.say({ from: 'ou_hq_zhangwei', chat, text: '任务 新增 清理河面漂浮物 牵头：河长办公室 截止：12月15日 阶段：巩固提升' });
    expect(flatten(last())).toBe('没有阶段「巩固提升」。本专项的工作阶段：集中攻坚、迎接验收');
    const rows = await h.server.runtime.dbh.db.select().from(tasks).where(eq(tasks.title, '清理河面漂浮物'));
    expect(rows).toHaveLength(0);
  });

  it('a quarter it cannot read is refused with the accepted forms', async () => {
    await h.say({ from: 'ou_hq_zhangwei', chat, text: '任务 新增 清理河面漂浮物 牵头：河长办公室 截止：12月15日 季度：第五季度' });
    expect(flatten(last())).toContain('无法识别季度「第五季度」');
    expect(flatten(last())).toContain('2026年第一季度');
  });

  it('任务 列表 2026Q4 and 任务 列表 2026年第四季度 list the quarter’s task list only', async () => {
    for (const q of ['2026Q4', '2026年第四季度']) {
      await h.say({ from: 'ou_hq_gerufu', chat, text: `任务 列表 ${q} 全部` });
      expect(rowsOf(last()).map((r) => r.title).sort()).toEqual(['整治河道岸坡', '物业小区全覆盖巡查', '规范建筑围挡'].sort());
      expect(flatten(last())).toContain('台账 · 2026年第四季度');
    }
    await h.say({ from: 'ou_hq_gerufu', chat, text: '任务 列表 2027年第一季度' });
    expect(rowsOf(last()).map((r) => r.title)).toEqual(['制定长效管理措施']);
  });

  it('任务 列表 <phase> lists the phase’s open tasks', async () => {
    await h.say({ from: 'ou_hq_gerufu', chat, text: '任务 列表 迎接验收' });
    expect(rowsOf(last()).map((r) => r.title)).toEqual(['申请单项达标验收']);
    await h.say({ from: 'ou_hq_gerufu', chat, text: '任务 列表 集中攻坚 施工工地管理工作组' });
    expect(rowsOf(last()).map((r) => r.title).sort()).toEqual(['清理工地积存生活垃圾', '规范建筑围挡'].sort());
    expect(flatten(last())).toContain('台账 · 集中攻坚 · 施工工地管理工作组');
  });

  it('导出 台账 2026Q4 exports the quarter’s list, with 阶段 and 季度 columns', async () => {
    await h.say({ from: 'ou_hq_zhangwei', chat, text: '导出 台账 2026年第四季度' });
    const file = h.fake.files.at(-1)!;
    expect(file.file_name).toContain('-2026Q4-');
    const sheet = await readSheet(Buffer.from(file.data!));
    const col = (name: string) => sheet[0]!.indexOf(name);
    expect(sheet.slice(1).map((r) => r[2]).sort()).toEqual(['整治河道岸坡', '物业小区全覆盖巡查', '规范建筑围挡'].sort());
    expect(sheet.slice(1).every((r) => r[col('季度')] === '2026年第四季度' && r[col('阶段')] === '集中攻坚')).toBe(true);
    expect(h.textsIn(chat).join('\n')).toContain('2026年第四季度任务单已导出：共 3 项');
  });
});

describe('the ledger sheet back in', () => {
  it('a 季度 changed in the sheet is stored; an unknown 阶段 rejects the file naming row, column and the phases', async () => {
    const dbh = h.server.runtime.dbh;
    const sheet = await readSheet(await exportLedger(dbh, { campaignName: CAMPAIGN, format: 'csv', now: h.clock.now() }));
    const col = (name: string) => sheet[0]!.indexOf(name);
    const row = sheet.findIndex((r) => r[2] === '申请单项达标验收');
    sheet[row]![col('季度')] = '2026年第四季度';
    expect(await importLedger(dbh, CAMPAIGN, writeCsv(sheet), { now: h.clock.now() })).toEqual({ ok: true, added: 0, updated: 1 });
    expect(await task('申请单项达标验收')).toMatchObject({ phase: '迎接验收', quarter: '2026Q4' });
    sheet[row]![col('阶段')] = '巩固提升';
    const res = await importLedger(dbh, CAMPAIGN, writeCsv(sheet), { now: h.clock.now() });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('「阶段」（O' + (row + 1) + '）：没有阶段「巩固提升」。本专项的工作阶段：集中攻坚、迎接验收'));
  });
});

describe('an English campaign', () => {
  let en: Harness;
  beforeAll(async () => {
    const plan = join(mkdtempSync(join(tmpdir(), 'duban-phases-en-')), 'plan.yaml');
    writeFileSync(plan, readFileSync(PLAN, 'utf8').replace('office_unit: 办公室', 'office_unit: 办公室\n  locale: en'));
    en = await startHarness({ plan, now: MONDAY });
  }, 60_000);
  afterAll(() => en.close());

  it('hears the phase in status and the phase notice in English', async () => {
    await en.say({ from: 'ou_hq_gerufu', chat: 'oc_hq_en', text: 'status' });
    expect(flatten(en.fake.messagesIn('oc_hq_en').at(-1)!.content)).toContain('Current phase: 集中攻坚 (2026-11-16 to 2026-12-18, 20 workdays left, today included)');
    await en.server.runtime.runner.runNow('phase-notice', at9('2026-12-11'));
    await en.settle();
    const office = en.fake.messagesIn(OFFICE).at(-1)!.content;
    expect(office.header.title.content).toBe('Phase ending: 集中攻坚');
    expect(flatten(office)).toContain('5 workdays before it ends (2026-12-18); 3 items still open');
  });

  it('lists a quarter in English, 2026Q4 as typed', async () => {
    await en.say({ from: 'ou_hq_gerufu', chat: 'oc_hq_en2', text: 'task list 2026Q4 all' });
    expect(flatten(en.fake.messagesIn('oc_hq_en2').at(-1)!.content)).toContain('Ledger · 2026Q4');
  });
});
