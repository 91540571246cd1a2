// 进度专报 through the real path: signed Lark events in, cards out at the fake. A week in the life of the reference
// plan (weekly, due Friday 17:00, group lead units report): some on time, one late, one never — then 进度, 落后 and
// the export say exactly that. Then resubmission, reporting for another unit, and the refusals.
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problems, reportRevisions, reports, tasks, units } from '../db/schema.js';
import { workCalendar, workdaysBetween } from '../src/core/calendar.js';
import { exportReports } from '../src/reports/export.js';
import { longOverdueBefore, scoreUnits } from '../src/reports/scoring.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'xinhe-reports.plan.yaml');
// 2026-W48: Monday 23 – Sunday 29 November; due Friday 27 November 17:00 Shanghai = 09:00 UTC.
const MONDAY = '2026-11-23T02:00:00Z';

interface Said {
  text: string;
  content: any;
}

/** Each person writes to the bot in a private chat: one chat per person keeps clear of Lark's 5-per-second chat limit. */
async function say(h: Harness, from: string, text: string, at?: string, chat = `oc_p2p_${from}`): Promise<Said> {
  if (at) h.clock.set(at);
  const { messageId } = await h.say({ from, chat, text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return { text: flatten(reply.content).replace(/\*\*/g, ''), content: reply.content };
}

const unitId = async (h: Harness, name: string) => (await h.server.runtime.dbh.db.select().from(units).where(eq(units.name, name)))[0]!.id;

async function addOverdueTask(h: Harness, seq: number, unit: string, deadline: string) {
  await h.server.runtime.dbh.db
    .insert(tasks)
    .values({ campaignId: 1, seq, title: `逾期任务${seq}`, leadUnitId: await unitId(h, unit), deadline, createdAt: MONDAY })
    .run();
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r') continue;
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

describe('a week in the life of the reference plan', () => {
  let h: Harness;
  beforeAll(async () => {
    // The campaign starts on Monday 2 November, so the month holds four weekly periods (W45–W48).
    h = await startHarness({ plan: PLAN, now: '2026-11-02T02:00:00Z' });
    // Two open tasks past their deadline: one long overdue (over 10 workdays), one two days over.
    await addOverdueTask(h, 101, '经开区管委会', '2026-11-02');
    await addOverdueTask(h, 102, '区网信办', '2026-11-25');
    // On time: three lead units during the week (the office person reports for his own unit, 区住房建设委).
    await say(h, 'ou_wangmin', '汇报\n进展：完成维稳排查\n问题：无\n下一步：继续值守', '2026-11-24T03:00:00Z');
    await say(h, 'ou_liqiang', '汇报\n工作进展：维修屋面12处，面积300平方米\n存在问题：资金未到位\n下步计划：协调资金', '2026-11-26T06:00:00Z');
    await say(h, 'ou_chenbo', '汇报 进展：政策培训2场 问题：无 下一步：督促落实', '2026-11-27T08:59:00Z');
    // Late: after Friday 17:00 Shanghai.
    await say(h, 'ou_liuyang', '汇报\n进展：一户一册登记320户\n问题：0\n下一步：核对档案\n指标：登记=320，核对=150', '2026-11-27T10:05:00Z');
    // 区网信办 never reports.
    h.clock.set('2026-11-27T12:00:00Z');
  });
  afterAll(() => h.close());

  it('进度 names who reported on time, who late, and who has not with the liaison', async () => {
    const { text } = await say(h, 'ou_dailei', '进度');
    expect(text).toContain('工作进度专报 · 第48周（11月23日—27日）');
    expect(text).toContain('按时报送（3）：经开区管委会、区住房建设委、新河街道办事处');
    expect(text).toContain('逾期报送（1）：新河周转房办公室（11月27日（周五）18:05）');
    expect(text).toContain('未报送（1）：区网信办（联络员 孙悦）');
  });

  it('进度 counts each unit’s open and overdue tasks', async () => {
    const { content } = await say(h, 'ou_dailei', '进度');
    const rows = (content.body.elements as any[]).find((e) => e.tag === 'table').rows as Array<Record<string, unknown>>;
    expect(rows.find((r) => r.unit === '经开区管委会')).toEqual({ unit: '经开区管委会', report: '按时', open: 3, yellow: 0, overdue: 1 });
    expect(rows.find((r) => r.unit === '区网信办')).toEqual({ unit: '区网信办', report: '未报', open: 1, yellow: 0, overdue: 1 });
    expect(rows.find((r) => r.unit === '新河周转房办公室')).toMatchObject({ report: '逾期', open: 1, overdue: 0 });
  });

  it('进度 for a group, asked with an @mention in the office chat, shows only that group’s reporting unit', async () => {
    const { text } = await say(h, 'ou_zhangli', '进度 舆情稳控组', undefined, 'oc_xinhe_office');
    expect(text).toContain('进度 · 舆情稳控组');
    expect(text).toContain('未报送（1）：区网信办');
    expect(text).toContain('按时报送（0）');
  });

  it('落后 lists only the lagging units, worst first, each with its reasons', async () => {
    const { text } = await say(h, 'ou_dailei', '落后');
    expect(text).toContain('落后单位 · 本周 · 第48周（11月23日—27日）');
    expect(text).toContain('1. 区网信办　4 分：未报送 1 次（第48周）；逾期任务 1 项');
    expect(text).toContain('2. 经开区管委会　2 分：逾期任务 1 项，其中 1 项超过 10 个工作日');
    expect(text).toContain('3. 新河周转房办公室　1 分：逾期报送 1 次（第48周）');
    expect(text).not.toMatch(/4\. /);
    expect(text).not.toContain('新河街道办事处');
  });

  it('落后 carries a bar chart of the scores', async () => {
    const { content } = await say(h, 'ou_dailei', 'lagging week');
    const chart = (content.body.elements as any[]).find((e) => e.tag === 'chart');
    expect(chart.chart_spec.data.values).toEqual([
      { x: '区网信办', y: 4 },
      { x: '经开区管委会', y: 2 },
      { x: '新河周转房办公室', y: 1 },
    ]);
  });

  it('落后 本月 adds up the month’s weekly periods', async () => {
    const { text } = await say(h, 'ou_dailei', '落后 本月');
    expect(text).toContain('本月 · 2026年11月');
    // W45, W46 and W47 were reported by nobody; W48 as above. Periods before the campaign began do not count.
    expect(text).toMatch(/1\. 区网信办　13 分：未报送 4 次/);
  });

  it('the CSV export holds one row per unit and period with the seed’s columns and metric columns', async () => {
    const csv = await exportReports(h.server.runtime.dbh, { format: 'csv' });
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = parseCsv(csv.toString('utf8').slice(1));
    expect(header).toEqual(['单位', '周期', '进展情况', '存在问题', '下一步计划', '报送人', '报送时间', '是否逾期', '维修屋面', '面积', '政策培训', '登记', '核对']);
    expect(rows.map((r) => [r[0], r[1], r[5], r[6], r[7]])).toEqual([
      ['经开区管委会', '第48周（11月23日—27日）', '李强', '2026-11-26 14:00', '否'],
      ['区住房建设委', '第48周（11月23日—27日）', '陈波', '2026-11-27 16:59', '否'],
      ['新河街道办事处', '第48周（11月23日—27日）', '王敏', '2026-11-24 11:00', '否'],
      ['新河周转房办公室', '第48周（11月23日—27日）', '刘洋', '2026-11-27 18:05', '是'],
    ]);
    expect(rows[0]!.slice(8)).toEqual(['12', '300', '', '', '']);
    expect(rows[3]!.slice(8)).toEqual(['', '', '', '320', '150']);
    expect(rows[3]![3]).toBe('无');
  });

  it('the xlsx export holds the same rows', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportReports(h.server.runtime.dbh, { format: 'xlsx' })) as any);
    const ws = wb.getWorksheet('进度专报')!;
    expect(ws.rowCount).toBe(5);
    expect(ws.getRow(1).getCell(1).value).toBe('单位');
    expect([2, 3, 4, 5].map((i) => [ws.getRow(i).getCell(1).value, ws.getRow(i).getCell(8).value])).toEqual([
      ['经开区管委会', '否'],
      ['区住房建设委', '否'],
      ['新河街道办事处', '否'],
      ['新河周转房办公室', '是'],
    ]);
    expect(ws.getRow(5).getCell(2).value).toBe('第48周（11月23日—27日）');
    expect(ws.getRow(2).getCell(10).value).toBe(300);
  });
});

describe('reporting: the confirmation card, resubmission and reporting for others', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ plan: PLAN, now: MONDAY });
  });
  afterAll(() => h.close());

  const reportOf = async (unit: string, period = '2026-W48') =>
    (await h.server.runtime.dbh.db.select().from(reports).where(and(eq(reports.unitId, await unitId(h, unit)), eq(reports.period, period))))[0];

  it('the card shows what was understood: sections, metrics, period and 按时报送', async () => {
    const { text } = await say(h, 'ou_liqiang', '汇报\n一、本周工作进展\n1. 拆除违建12处，面积300平方米\n二、存在问题\n无\n三、下一步计划\n- 继续拆除', '2026-11-25T02:00:00Z');
    expect(text).toContain('进度专报已收到 · 经开区管委会');
    expect(text).toContain('工作进度专报 · 第48周（11月23日—27日）');
    expect(text).toContain('按时报送');
    expect(text).toContain('1. 拆除违建12处，面积300平方米');
    expect(text).toContain('拆除违建：12');
    expect(text).toContain('11月27日（周五）17:00');
  });

  it('a report after Friday 17:00 Shanghai is marked 逾期报送', async () => {
    const { text } = await say(h, 'ou_liuyang', '汇报 进展：登记完成', '2026-11-27T09:01:00Z');
    expect(text).toContain('逾期报送');
    expect((await reportOf('新河周转房办公室'))!.late).toBe(true);
  });

  it('sending again for the same period replaces the report and keeps the earlier version', async () => {
    h.clock.set('2026-11-24T02:00:00Z');
    await say(h, 'ou_wangmin', '汇报 进展：第一版 问题：1.资金不足;2.人手不够');
    const first = (await reportOf('新河街道办事处'))!;
    const before = await h.server.runtime.dbh.db.select().from(problems).where(eq(problems.reportId, first.id));
    expect(before.map((p) => p.text)).toEqual(['资金不足', '人手不够']);

    const { text } = await say(h, 'ou_wangmin', '汇报 进展：第二版 问题：1.资金不足;2.场地未落实', '2026-11-24T03:00:00Z');
    expect(text).toContain('第 2 版');
    const second = (await reportOf('新河街道办事处'))!;
    expect([second.id, second.revision, second.progress]).toEqual([first.id, 2, '第二版']);
    const revisions = await h.server.runtime.dbh.db.select().from(reportRevisions).where(eq(reportRevisions.reportId, first.id));
    expect(revisions).toHaveLength(1);
    expect(revisions[0]).toMatchObject({ revision: 1, body: { progress: '第一版' } });
    // an item kept keeps its number; an item dropped stays open (only 解决 or 撤销 closes it); a new one is added
    const after = await h.server.runtime.dbh.db.select().from(problems).where(eq(problems.reportId, first.id));
    expect(after.map((p) => p.text).sort()).toEqual(['人手不够', '场地未落实', '资金不足']);
    expect(after.every((p) => p.status === 'open')).toBe(true);
    expect(after.find((p) => p.text === '资金不足')!.seq).toBe(before.find((p) => p.text === '资金不足')!.seq);
    // sent in a private chat by a unit that leads two groups: the office owns them
    expect(after.every((p) => p.level === 'group' && p.groupId === null)).toBe(true);
  });

  it('the office reports for a unit with 代', async () => {
    const { text } = await say(h, 'ou_chenbo', '汇报 代 区网信办\n进展：开展舆情监测\n问题：无\n下一步：持续关注', '2026-11-25T02:00:00Z');
    expect(text).toContain('进度专报已收到 · 区网信办');
    const r = (await reportOf('区网信办'))!;
    expect(r.progress).toBe('开展舆情监测');
  });

  it('a liaison cannot report for another unit, and nothing is stored', async () => {
    const { text } = await say(h, 'ou_zhaojing', '汇报 代 区网信办 进展：代报测试', '2026-11-25T02:00:00Z');
    expect(text).toContain('只有办公室可以代其他单位报送');
    expect((await reportOf('区网信办'))?.progress).not.toBe('代报测试');
  });

  it('a unit outside the rule is told who reports instead', async () => {
    const { text } = await say(h, 'ou_zhangli', '汇报 进展：巡逻', '2026-11-25T02:00:00Z');
    expect(text).toContain('区公安局不在「工作进度专报」的报送范围内');
    expect(text).toContain('各工作组牵头单位');
  });

  it('an earlier period is reported with 周期, and a bad one gets the accepted forms', async () => {
    h.clock.set('2026-11-25T02:00:00Z');
    const { text } = await say(h, 'ou_liuyang', '汇报 周期 上周\n进展：补报上周');
    expect(text).toContain('第47周（11月16日—20日）');
    expect(text).toContain('逾期报送');
    const bad = await say(h, 'ou_liuyang', '汇报 周期 2026-13 进展：x');
    expect(bad.text).toContain('第47周、2026-W47、本周、上周');
  });

  it('text it cannot place is kept and shown', async () => {
    const { text } = await say(h, 'ou_sunyue', '汇报 附表另行报送\n进展：舆情平稳', '2026-11-25T02:00:00Z');
    expect(text).toContain('未能归类的内容');
    expect(text).toContain('附表另行报送');
    expect((await reportOf('区网信办'))!.unplaced).toBe('附表另行报送');
  });

  it('汇报 alone answers with the form to copy and stores nothing', async () => {
    const { text } = await say(h, 'ou_sunyue', '汇报', '2026-11-25T02:00:00Z');
    expect(text).toContain('进展：');
    expect(text).toContain('工作进度专报 第48周（11月23日—27日）');
  });

  it('English words work and the answers come in English', async () => {
    const { text } = await say(h, 'ou_chenbo', 'report progress: training held problems: none next: follow up metrics: sessions=2', '2026-11-25T02:00:00Z');
    expect(text).toContain('Report received · 区住房建设委');
    expect(text).toContain('on time');
    expect(text).toContain('sessions: 2');
    const status = await say(h, 'ou_chenbo', 'status 改善政策组');
    expect(status.text).toContain('On time (1): 区住房建设委');
  });

  it('user text in the card is escaped: no forged @all or link', async () => {
    const forged = await say(h, 'ou_liqiang', '汇报 进展：<at id=all></at> [点我](http://x)', '2026-11-25T02:00:00Z');
    expect(JSON.stringify(forged.content)).not.toMatch(/<at id=all>|\]\(http/);
  });
});

describe('the lagging score', () => {
  const cal = workCalendar('cn');

  it('a task is long overdue exactly when more than 10 workdays passed since its deadline', () => {
    const today = '2026-10-16';
    const cutoff = longOverdueBefore(cal, today, 10);
    for (const d of ['2026-09-20', '2026-09-25', '2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08']) {
      expect(d < cutoff).toBe(workdaysBetween(cal, d, today) > 10);
    }
  });

  it('missed 3, late 1, overdue 1 (+1 over 10 workdays), worst first', () => {
    const got = scoreUnits(
      [
        { unitId: 1, name: 'A', order: 0, missed: [], late: ['W48'], overdueDeadlines: [] },
        { unitId: 2, name: 'B', order: 1, missed: ['W48'], late: [], overdueDeadlines: ['2026-11-01'] },
        { unitId: 3, name: 'C', order: 2, missed: [], late: [], overdueDeadlines: [] },
      ],
      cal,
      '2026-11-27',
    );
    expect(got.map((l) => [l.name, l.score])).toEqual([
      ['B', 5],
      ['A', 1],
    ]);
  });
});
