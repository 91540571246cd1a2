// 查看 汇报 / report show through the real path: reports filed by signed chat events, then read back by the office, a
// group lead and the unit's own people; sections, metrics, late flag, revisions and the missing case at the fake Lark.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flatten, startHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-11-27T01:00:00Z' }); // Friday 09:00 in Shanghai, week 48; 工作进度专报 due 17:00
});
afterAll(() => h.close());

let n = 0;
let chat = '';
beforeEach(() => {
  chat = `oc_show_${++n}`;
});
const last = (where = chat) => flatten(h.fake.messagesIn(where).at(-1)?.content ?? '');

describe('查看 汇报', () => {
  it('the office reads every section, the metrics, on time, and each revision with when and by whom', async () => {
    h.clock.set('2026-11-27T01:00:00Z');
    await h.say({ from: 'ou_wangmin', chat: 'oc_xinhe_weiwen', text: '汇报\n进展：完成入户走访80户\n问题：2户拒绝登记\n下一步：继续做好思想工作\n指标：走访=80' });
    h.clock.set('2026-11-27T02:30:00Z');
    await h.say({ from: 'ou_wangmin', chat: 'oc_xinhe_weiwen', text: '汇报\n进展：完成入户走访95户\n问题：2户拒绝登记\n下一步：周一前完成剩余走访\n指标：走访=95' });
    await h.say({ from: 'ou_chenbo', chat, text: '查看 汇报 新河街道办事处' });
    const card = last();
    expect(card).toContain('进度专报 · 新河街道办事处');
    expect(card).toContain('第48周（11月23日—27日）');
    expect(card).toContain('完成入户走访95户');
    expect(card).toContain('2户拒绝登记');
    expect(card).toContain('周一前完成剩余走访');
    expect(card).toContain('走访：95');
    expect(card).toContain('按时报送');
    expect(card).toContain('修改记录（修改 1 次）');
    expect(card).toMatch(/第1版 11月27日（周五）09:00 王敏/);
    expect(card).toMatch(/第2版 11月27日（周五）10:30 王敏（当前）/);
    expect(card).toContain('佐证材料（0）');
  });

  it('reads the period words the bot already parses: 上周, 第47周', async () => {
    h.clock.set('2026-11-20T03:00:00Z'); // Friday of week 47, 11:00
    await h.say({ from: 'ou_liqiang', chat: 'oc_xinhe_gongcheng', text: '汇报 进展：实施方案初稿完成 问题：无 下一步：征求意见' });
    h.clock.set('2026-11-27T01:00:00Z');
    await h.say({ from: 'ou_chenbo', chat, text: '查看 汇报 经开区管委会 上周' });
    expect(last()).toContain('第47周（11月16日—20日）');
    expect(last()).toContain('实施方案初稿完成');
    await h.say({ from: 'ou_chenbo', chat, text: '查看 汇报 经开区 第47周' });
    expect(last()).toContain('实施方案初稿完成');
  });

  it('nothing filed: says so and when it was due', async () => {
    h.clock.set('2026-11-27T01:00:00Z');
    await h.say({ from: 'ou_dailei', chat, text: '查看 汇报 区网信办' });
    expect(last()).toContain('尚未报送');
    expect(last()).toContain('截止时间 11月27日（周五）17:00（尚未截止）');
    await h.say({ from: 'ou_dailei', chat, text: '查看 汇报 区网信办 上周' });
    expect(last()).toContain('截止时间 11月20日（周五）17:00（已过截止时间）');
  });

  it('a report filed after the due time shows 逾期报送', async () => {
    h.clock.set('2026-11-27T10:00:00Z'); // 18:00, after the 17:00 due time
    await h.say({ from: 'ou_liuyang', chat: 'oc_xinhe_mopai', text: '汇报 进展：登记造册完成60% 问题：无 下一步：继续登记' });
    await h.say({ from: 'ou_liuyang', chat, text: '查看 汇报' });
    expect(last()).toContain('进度专报 · 新河周转房办公室');
    expect(last()).toContain('逾期报送');
    h.clock.set('2026-11-27T01:00:00Z');
  });

  it('a group lead reads the units of the groups they lead; a unit its own; others are refused', async () => {
    // 刘洋 leads 基础数据摸排组, which 新河街道办事处 is not in; 张丽 (区公安局) leads no group
    await h.say({ from: 'ou_liuyang', chat, text: '查看 汇报 新河街道办事处' });
    expect(last()).toContain('只能由办公室');
    await h.say({ from: 'ou_zhangli', chat, text: '查看 汇报 新河街道办事处' });
    expect(last()).toContain('只能由办公室');
    // 王敏 leads 维稳保障组 and 综合管理组: 新河周转房办公室 is in both
    await h.say({ from: 'ou_wangmin', chat, text: '查看 汇报 新河周转房办公室' });
    expect(last()).toContain('进度专报 · 新河周转房办公室');
  });

  it('an unknown unit is named with the closest ones; a unit outside every rule is told so; a bad period shows the forms', async () => {
    await h.say({ from: 'ou_chenbo', chat, text: '查看 汇报 网信' });
    expect(last()).toContain('没有找到单位「网信」');
    await h.say({ from: 'ou_chenbo', chat, text: '查看 汇报 区公安局' });
    expect(last()).toContain('不在任何汇报制度的报送范围内');
    await h.say({ from: 'ou_chenbo', chat, text: '查看 汇报 区网信办 去年某周' });
    expect(last()).toContain('第47周、2026-W47、本周、上周');
  });

  it('English: report show <unit> last week', async () => {
    await h.say({ from: 'ou_chenbo', chat, text: 'report show 经开区管委会 last week' });
    expect(last()).toContain('Report · 经开区管委会');
    expect(last()).toContain('2026-W47');
    expect(last()).toContain('Revisions (0 changes)');
  });
});

describe('查看 汇报 under a monthly rule', () => {
  let m: Harness;
  let dir = '';
  beforeAll(async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { examplePlan } = await import('../src/runtime.js');
    dir = mkdtempSync(join(tmpdir(), 'duban-monthly-plan-'));
    const plan = readFileSync(examplePlan, 'utf8').replace('reporting:\n', 'reporting:\n  - { name: 月度治安报表, cadence: monthly, due: { day: 25, time: "17:00" }, who: [区公安局], remind_before: [1d], chats: [office] }\n');
    writeFileSync(join(dir, 'plan.yaml'), plan);
    m = await startHarness({ now: '2026-11-20T02:00:00Z', plan: join(dir, 'plan.yaml') });
  });
  afterAll(async () => {
    await m.close();
    (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
  });

  it('reads 2026年11月 and 本月 for a monthly rule', async () => {
    await m.say({ from: 'ou_zhangli', chat: 'oc_monthly', text: '汇报 进展：夜间巡逻120人次 问题：无 下一步：继续巡逻 指标：巡逻=120' });
    await m.say({ from: 'ou_chenbo', chat: 'oc_monthly', text: '查看 汇报 区公安局 2026年11月' });
    const shown = flatten(m.fake.messagesIn('oc_monthly').at(-1)!.content);
    expect(shown).toContain('月度治安报表 · 2026年11月');
    expect(shown).toContain('夜间巡逻120人次');
    expect(shown).toContain('巡逻：120');
    await m.say({ from: 'ou_chenbo', chat: 'oc_monthly', text: '查看 汇报 区公安局 上月' });
    expect(flatten(m.fake.messagesIn('oc_monthly').at(-1)!.content)).toContain('截止时间 10月23日（周五）17:00（已过截止时间）');
  });
});
