// Reports and questions as offices really write them, through the real path: a signed, encrypted Lark event in, the
// reply out at the fake Open Platform. Each test is one of issue 14's "what goes wrong today" examples.
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reports, tasks, units } from '../db/schema.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'xinhe-reports.plan.yaml');
// 2026-W48: Monday 23 – Sunday 29 November; due Friday 27 November 17:00 Shanghai.
const TUESDAY = '2026-11-24T02:00:00Z';

/** A private message to the bot and the text of its reply (cards flattened, bold marks dropped). */
async function say(h: Harness, from: string, text: string, chat = `oc_p2p_${from}`): Promise<string> {
  const { messageId } = await h.say({ from, chat, text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return flatten(reply.content).replace(/\*\*/g, '');
}

describe('reports as offices write them, through the webhook', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ plan: PLAN, now: TUESDAY });
  });
  afterAll(() => h.close());

  const unitId = async (name: string) => (await h.server.runtime.dbh.db.select().from(units).where(eq(units.name, name)))[0]!.id;
  const reportOf = async (unit: string) => (await h.server.runtime.dbh.db.select().from(reports).where(and(eq(reports.unitId, await unitId(unit)), eq(reports.period, '2026-W48'))))[0];

  for (const junk of ['汇报一下', '汇报 看看', '汇报 ok'])
    it(`「${junk}」 files nothing and answers with the template and the period now due`, async () => {
      const text = await say(h, 'ou_sunyue', junk);
      expect(text).toContain('未作为进度专报登记');
      expect(text).toContain('进展：');
      expect(text).toContain('本期：工作进度专报 第48周（11月23日—27日），截止 11月27日（周五）17:00');
      expect(text).not.toContain('已收到');
      expect(await reportOf('区网信办')).toBeUndefined();
    });

  it('comma headings (存在问题，… / 工作进展，… / 下步打算，…) file into their sections', async () => {
    const text = await say(h, 'ou_wangmin', '汇报\n工作进展，完成维稳排查\n存在问题，个别居民不配合拆除\n下步打算，继续做好思想工作');
    const r = (await reportOf('新河街道办事处'))!;
    expect([r.progress, r.problems, r.nextSteps]).toEqual(['完成维稳排查', '个别居民不配合拆除', '继续做好思想工作']);
    // the card shows what went where
    expect(text).toMatch(/进展情况\n完成维稳排查\n存在问题\n个别居民不配合拆除\n/);
    expect(text).toMatch(/下一步计划\n继续做好思想工作/);
  });

  it('a first paragraph without a heading is progress, not 未能归类的内容', async () => {
    const text = await say(h, 'ou_liuyang', '汇报\n本周完成一户一册登记320户\n存在问题：无\n下一步：核对档案');
    const r = (await reportOf('新河周转房办公室'))!;
    expect(r.progress).toBe('本周完成一户一册登记320户');
    expect(r.unplaced).toBe('');
    expect(text).toContain('进展情况\n本周完成一户一册登记320户');
    expect(text).not.toContain('未能归类的内容');
  });

  it('metrics in Chinese numerals and percentages are kept', async () => {
    const text = await say(h, 'ou_liqiang', '汇报\n进展：本周拆除违建十二处，完成摸排一百二十户\n问题：无\n下一步：继续推进\n指标：拆除=十二，面积=三百，累计进度=45%');
    expect((await reportOf('经开区管委会'))!.metrics).toEqual({ 拆除: 12, 面积: 300, '累计进度（%）': 45 });
    expect(text).toContain('拆除：12');
    expect(text).toContain('面积：300');
    expect(text).toContain('累计进度：45%');
  });

  it('numbers with units in Chinese numerals inside the progress text are read', async () => {
    await say(h, 'ou_chenbo', '汇报\n进展：拆除违建十二处，入户走访一百二十户，拆除两处\n问题：无\n下一步：无');
    expect((await reportOf('区住房建设委'))!.metrics).toEqual({ 拆除违建: 12, 入户走访: 120, 拆除: 2 });
  });
});

describe('questions as an office director asks them, through the webhook', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ plan: PLAN, now: TUESDAY });
    await say(h, 'ou_wangmin', '汇报\n进展：完成维稳排查\n问题：无\n下一步：继续值守');
    const lead = (await h.server.runtime.dbh.db.select().from(units).where(eq(units.name, '经开区管委会')))[0]!.id;
    await h.server.runtime.dbh.db.insert(tasks).values({ campaignId: 1, seq: 101, title: '屋面维修方案', leadUnitId: lead, deadline: '2026-11-20', createdAt: TUESDAY }).run();
  });
  afterAll(() => h.close());

  for (const q of ['谁还没报', '哪些单位没报', '还有谁没交'])
    it(`「${q}」 answers the units that have not reported, with their liaisons`, async () => {
      const text = await say(h, 'ou_dailei', q);
      expect(text).toContain('未报送单位');
      expect(text).toContain('区网信办　联络员 孙悦');
      expect(text).toContain('经开区管委会　联络员 李强');
      expect(text).not.toContain('新河街道办事处'); // it reported
      expect(text).not.toContain('没有看懂');
    });

  it('「舆情稳控组谁还没报？」 narrows the list to the group', async () => {
    const text = await say(h, 'ou_dailei', '舆情稳控组谁还没报？');
    expect(text).toContain('未报送单位 · 舆情稳控组');
    expect(text).toContain('区网信办');
    expect(text).not.toContain('经开区管委会');
  });

  for (const q of ['逾期任务有哪些', '有哪些逾期', '超期的任务'])
    it(`「${q}」 answers the overdue tasks`, async () => {
      const text = await say(h, 'ou_dailei', q);
      expect(text).toContain('逾期任务');
      expect(text).toContain('屋面维修方案');
      expect(text).not.toContain('没有找到');
    });

  it('「本周谁落后」 answers this week\'s lagging list', async () => {
    const text = await say(h, 'ou_dailei', '本周谁落后');
    expect(text).toContain('落后单位 · 本周 · 第48周（11月23日—27日）');
    expect(text).toContain('经开区管委会');
  });

  it('「落后单位有哪些」 answers the lagging list 落后 answers (on a Tuesday: last week, named)', async () => {
    const text = await say(h, 'ou_dailei', '落后单位有哪些');
    expect(text).toContain('落后单位 · 上周 · 第47周（11月16日—20日）');
  });

  it('a report that mentions 逾期 is still a report', async () => {
    const text = await say(h, 'ou_chenbo', '汇报 进展：政策培训任务已逾期');
    expect(text).toContain('进度专报已收到 · 区住房建设委');
  });

  it('帮助 lists the questions that work', async () => {
    const text = await say(h, 'ou_zhangli', '帮助');
    for (const q of ['谁还没报', '逾期任务有哪些', '本周谁落后']) expect(text).toContain(q);
  });

  it('in a private chat a message that matches nothing gets the three commands it most likely meant', async () => {
    const text = await say(h, 'ou_wangmin', '我想交本周的进展');
    expect(text).toContain('没有看懂「我想交本周的进展」');
    const lines = text.split('\n').filter((l) => /^\d\. /.test(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^1\. 汇报：/);
  });

  it('in a group chat an unknown message still gets one suggestion', async () => {
    const text = await say(h, 'ou_wangmin', '任务新建 修路', 'oc_xinhe_weiwen');
    expect(text).toContain('您是不是要：任务 新增');
  });
});
