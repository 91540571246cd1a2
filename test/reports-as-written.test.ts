// Reports as offices write them, the cases a held-out probe found filed wrong with a cheerful 已收到 (session 15): a
// full-width colon after 代, a late report naming its week in its title, and 补充 / 更正 sent after a report. Each
// must be filed where the clerk meant, or refused with the way to write it; never filed somewhere else.
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problems, reportRevisions, reports, units } from '../db/schema.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'xinhe-reports.plan.yaml');
// Wednesday 2026-11-25 10:00 Shanghai: week 48 (due Friday 27 November 17:00)
const WEDNESDAY = '2026-11-25T02:00:00Z';

let h: Harness;
let n = 0;
beforeAll(async () => {
  h = await startHarness({ plan: PLAN, now: WEDNESDAY });
});
afterAll(() => h.close());

async function say(from: string, text: string): Promise<string> {
  n++;
  h.clock.set(new Date(Date.parse(WEDNESDAY) + n * 60_000));
  const { messageId } = await h.say({ from, chat: `oc_p2p_${from}`, text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return flatten(reply.content).replace(/\*\*/g, '');
}

const unitId = async (name: string) => (await h.server.runtime.dbh.db.select().from(units).where(eq(units.name, name)))[0]!.id;
const reportOf = async (unit: string, period = '2026-W48') =>
  (await h.server.runtime.dbh.db.select().from(reports).where(and(eq(reports.unitId, await unitId(unit)), eq(reports.period, period))))[0];

describe('代 with a full-width colon', () => {
  it('the office reports for 区网信办 with 代：, and its own unit’s report is not touched', async () => {
    const text = await say('ou_chenbo', '汇报 代：区网信办 进展：开展舆情监测；问题：无；下一步：持续关注');
    expect(text).toContain('进度专报已收到 · 区网信办');
    expect((await reportOf('区网信办'))!.progress).toContain('开展舆情监测');
    expect(await reportOf('区住房建设委')).toBeUndefined();
  });

  it('代 with no unit after it is refused, not filed under the sender’s own unit', async () => {
    const text = await say('ou_chenbo', '汇报 代：，进展：开展监测');
    expect(text).toContain('「代」后面请写要代报的单位');
    expect(await reportOf('区住房建设委')).toBeUndefined();
  });

  it('代 written without a space before the unit: the unit is read, or named back when unknown', async () => {
    const text = await say('ou_chenbo', '汇报 代区网信办\n进展：开展舆情研判');
    expect(text).toContain('进度专报已收到 · 区网信办');
    const typo = await say('ou_chenbo', '汇报 代新和街进展：完成摸排');
    expect(typo).toContain('没有找到单位「新和街」');
    expect(await reportOf('区住房建设委')).toBeUndefined();
    const liaison = await say('ou_zhaojing', '汇报 代区网信办\n进展：代报测试二');
    expect(liaison).toContain('只有办公室可以代其他单位报送');
  });

  it('a liaison’s 代：another unit is refused, as with a space', async () => {
    const text = await say('ou_zhaojing', '汇报 代：区网信办，进展：代报测试');
    expect(text).toContain('只有办公室可以代其他单位报送');
    expect((await reportOf('区网信办'))!.progress).not.toContain('代报测试');
  });
});

describe('a report naming its period in its title or first line', () => {
  it('「第47周补报」 files week 47, late, and leaves week 48 alone', async () => {
    const text = await say('ou_liuyang', '汇报 第47周补报\n进展：完成档案整理120份\n问题：无\n下一步：继续整理');
    expect(text).toContain('第47周（11月16日—20日）');
    expect(text).toContain('逾期报送');
    expect((await reportOf('新河周转房办公室', '2026-W47'))!.progress).toBe('完成档案整理120份');
    expect(await reportOf('新河周转房办公室')).toBeUndefined();
  });

  it('a title pasted from Word, 「关于2026年第47周工作进展情况的报告」, files week 47', async () => {
    const text = await say('ou_wangmin', '汇报\n关于2026年第47周工作进展情况的报告\n一、工作进展\n完成入户摸排120户\n二、存在问题\n无\n三、下一步计划\n继续摸排');
    expect(text).toContain('第47周（11月16日—20日）');
    expect((await reportOf('新河街道办事处', '2026-W47'))!.progress).toBe('完成入户摸排120户');
    expect(await reportOf('新河街道办事处')).toBeUndefined();
  });

  it('a first line that is only a title, with no headings after it, is not kept as progress', async () => {
    await say('ou_liuyang', '汇报 第47周补报\n完成档案整理130份');
    expect((await reportOf('新河周转房办公室', '2026-W47'))!.progress).toBe('完成档案整理130份');
  });

  it('a title before a colon on one line, 「第47周补报：…」, files week 47 with the rest as progress', async () => {
    await say('ou_liuyang', '汇报 第47周补报：完成档案整理140份');
    expect((await reportOf('新河周转房办公室', '2026-W47'))!.progress).toBe('完成档案整理140份');
  });

  it('late reports titled as offices title them are filed in their week', async () => {
    for (const [who, unit, title] of [
      ['ou_sunyue', '区网信办', '【第47周补报】'],
      ['ou_wangmin', '新河街道办事处', '第47周（11月16日—20日）工作进展'],
    ] as const) {
      const text = await say(who, `汇报\n${title}\n进展：补报内容${unit}`);
      expect(text, title).toContain('第47周（11月16日—20日）');
      expect((await reportOf(unit, '2026-W47'))!.progress, title).toBe(`补报内容${unit}`);
    }
  });

  it('「11月第四周」 (which count of weeks?) is asked back, nothing filed', async () => {
    const text = await say('ou_sunyue', '汇报 11月第四周工作进展\n进展：舆情平稳\n问题：无');
    expect(text).toContain('看不准这份专报是哪一期');
    expect(text).toContain('汇报 周期 第48周');
    expect((await reportOf('区网信办'))!.progress).not.toContain('舆情平稳');
  });

  it('a title naming this week files this week, and a future week is refused', async () => {
    const text = await say('ou_sunyue', '汇报 第48周工作进展\n进展：舆情平稳');
    expect(text).toContain('第48周（11月23日—27日）');
    const future = await say('ou_sunyue', '汇报 第50周工作进展\n进展：提前报');
    expect(future).toContain('还没有开始');
  });

  it('上周 in a salutation or heading names the work, not the period: filed in this period', async () => {
    const text = await say('ou_liqiang', '汇报\n现将上周工作情况汇报如下：\n一、上周工作完成情况\n完成入户86户\n二、本周工作计划\n继续走访');
    expect(text).toContain('第48周（11月23日—27日）');
    expect((await reportOf('经开区管委会'))!.progress).toContain('完成入户86户');
  });

  it('a week the head only mentions (根据第46周调度会要求) does not move the report, nor does next week’s plan in its title', async () => {
    const text = await say('ou_liqiang', '汇报\n根据第46周调度会要求，现将本周工作进展报告如下：\n一、工作进展\n完成屋面维修3处');
    expect(text).toContain('第48周（11月23日—27日）');
    expect(await reportOf('经开区管委会', '2026-W46')).toBeUndefined();
    const both = await say('ou_liqiang', '汇报\n第48周工作总结及第49周工作计划\n一、工作进展\n完成屋面维修4处');
    expect(both).toContain('第48周（11月23日—27日）');
    expect((await reportOf('经开区管委会'))!.progress).toContain('完成屋面维修4处');
    const late = await say('ou_sunyue', '汇报\n第47周工作总结及第48周工作计划\n一、工作进展\n舆情平稳四');
    expect(late).toContain('第47周（11月16日—20日）');
  });

  it('another week named while the head calls this week its subject is asked back', async () => {
    const text = await say('ou_liqiang', '汇报\n第47周补报\n现将本周工作情况报告如下：\n进展：完成屋面维修5处');
    expect(text).toContain('看不准这份专报是哪一期');
    expect(await reportOf('经开区管委会', '2026-W47')).toBeUndefined();
  });

  it('a week named over eight weeks back (a campaign’s own count, 第3周, read as the year’s) is asked back', async () => {
    const text = await say('ou_sunyue', '汇报 第39周工作进展\n进展：舆情平稳三');
    expect(text).toContain('看不准这份专报是哪一期');
    expect(await reportOf('区网信办', '2026-W39')).toBeUndefined();
  });

  it('an explicit 周期 still wins over the title', async () => {
    const text = await say('ou_sunyue', '汇报 周期 第48周\n第47周补报\n进展：舆情平稳二');
    expect(text).toContain('第48周（11月23日—27日）');
  });
});

describe('补充 and 更正 after a report', () => {
  const FULL = '汇报\n进展：接待来访23人次，化解矛盾5件\n问题：1.部分住户联系不上;2.调解场地不足\n下一步：继续排查\n指标：来访人次=23，化解矛盾=5';

  it('补充 adds its words to the report; the rest and the metrics are kept, as a new version', async () => {
    await say('ou_wangmin', FULL);
    const first = (await reportOf('新河街道办事处'))!;
    const text = await say('ou_wangmin', '汇报 补充：本周还完成了3栋楼外墙安全检查。');
    expect(text).toContain('已补充到本期专报的进展情况');
    const r = (await reportOf('新河街道办事处'))!;
    expect(r.revision).toBe(first.revision + 1);
    expect(r.progress).toBe('接待来访23人次，化解矛盾5件\n本周还完成了3栋楼外墙安全检查。');
    expect(r.problems).toBe(first.problems);
    expect(r.nextSteps).toBe('继续排查');
    expect(r.metrics).toEqual({ 来访人次: 23, 化解矛盾: 5 });
    const revisions = await h.server.runtime.dbh.db.select().from(reportRevisions).where(eq(reportRevisions.reportId, r.id));
    expect(revisions.at(-1)!.body).toMatchObject({ progress: '接待来访23人次，化解矛盾5件' });
  });

  it('补充 问题：… adds a problem to the list and keeps the earlier ones listed', async () => {
    const text = await say('ou_wangmin', '汇报 补充 问题：电梯加装资金未到位');
    expect(text).toContain('已补充到本期专报的存在问题');
    expect(text).not.toContain('本版未列');
    const r = (await reportOf('新河街道办事处'))!;
    const listed = await h.server.runtime.dbh.db.select().from(problems).where(eq(problems.reportId, r.id));
    expect(listed.map((p) => p.text).sort()).toEqual(['电梯加装资金未到位', '调解场地不足', '部分住户联系不上'].sort());
  });

  it('补充一点： and 更正如下： are amendments too, not a new report', async () => {
    const before = (await reportOf('新河街道办事处'))!;
    const text = await say('ou_wangmin', '汇报 补充一点：3户居民拒绝入户核查');
    expect(text).toContain('已补充到本期专报的存在问题');
    const after = (await reportOf('新河街道办事处'))!;
    expect(after.progress).toBe(before.progress);
    expect(after.problems).toBe(`${before.problems}\n3户居民拒绝入户核查`);
  });

  it('更正 in a sentence is refused with the way to write it, and nothing changes', async () => {
    const before = (await reportOf('新河街道办事处'))!;
    const text = await say('ou_wangmin', '汇报 更正：上报的来访人次应为32人次，不是23人次。');
    expect(text).toContain('更正请写明改哪一栏，未作改动');
    expect(text).toContain('指标：来访人次=32');
    const after = (await reportOf('新河街道办事处'))!;
    expect(after).toEqual(before);
  });

  it('更正 指标：… changes that metric only; the sections stay', async () => {
    const before = (await reportOf('新河街道办事处'))!;
    const text = await say('ou_wangmin', '汇报 更正\n指标：来访人次=32');
    expect(text).toContain('已更正本期专报的指标');
    const after = (await reportOf('新河街道办事处'))!;
    expect(after.metrics).toEqual({ 来访人次: 32, 化解矛盾: 5 });
    expect([after.progress, after.problems, after.nextSteps]).toEqual([before.progress, before.problems, before.nextSteps]);
    expect(after.revision).toBe(before.revision + 1);
  });

  it('更正 进展：… with its numbers sets the numbers it names, the others kept', async () => {
    await say('ou_wangmin', '汇报 更正\n进展：接待来访35人次，化解矛盾5件');
    const r = (await reportOf('新河街道办事处'))!;
    expect(r.progress).toBe('接待来访35人次，化解矛盾5件');
    expect(r.metrics).toMatchObject({ 接待来访: 35, 来访人次: 32, 化解矛盾: 5 });
  });

  it('更正 下一步：… replaces that section only', async () => {
    await say('ou_wangmin', '汇报 更正 下一步：下周完成全部排查');
    const r = (await reportOf('新河街道办事处'))!;
    expect(r.nextSteps).toBe('下周完成全部排查');
    expect(r.progress).toContain('接待来访35人次');
  });

  it('更正 with no report this period is refused; 补充 with none files what it says', async () => {
    const fix = await say('ou_liuyang', '汇报 更正 进展：完成登记');
    expect(fix).toContain('还没有报送专报，无从更正');
    expect(await reportOf('新河周转房办公室')).toBeUndefined();
    const add = await say('ou_liuyang', '汇报 补充：完成登记50户');
    expect(add).toContain('进度专报已收到 · 新河周转房办公室');
    expect((await reportOf('新河周转房办公室'))!.progress).toBe('完成登记50户');
  });
});

describe('a task id followed by a colon', () => {
  it('T1，T2 written as one command writes off neither: one task at a time', async () => {
    const text = await say('ou_liuyang', '任务 销账 T1，T2已完成');
    expect(text).toContain('一次只能写一个任务编号');
  });

  it('a numbered line or a list of ids is not read as one task', async () => {
    const numbered = await say('ou_liuyang', '任务 销账 1、已完成全部登记');
    expect(numbered).toContain('不是任务编号');
    const list = await say('ou_liuyang', '任务 销账 T1、T2 已完成验收');
    expect(list).toContain('不是任务编号');
  });

  it('任务 进展 T1：… is read as T1', async () => {
    const text = await say('ou_chenbo', '任务 进展 T1：听证会场地已落实，拟定于12月中旬召开');
    expect(text).not.toContain('不是任务编号');
    expect(text).toContain('T1');
  });

  it('a task named by words instead of its id is asked back with the id, nothing filed', async () => {
    const one = await say('ou_liuyang', '任务 进展 一户一册登记 本周新增登记85户');
    expect(one).toContain('是不是指 T1「完成周转房住户一户一册登记」？请写任务编号再发：任务 进展 T1 本周新增登记85户');
    const title = await say('ou_liuyang', '任务 进展 完成周转房住户一户一册登记 本周新增登记85户');
    expect(title).toContain('任务 进展 T1 本周新增登记85户');
    const none = await say('ou_liuyang', '任务 进展 随便写点 本周新增');
    expect(none).toContain('正确格式');
  });
});
