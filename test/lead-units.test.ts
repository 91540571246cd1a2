// Groups with several lead units and the same task for several units (issue 15, items 7 and 8): seeds/000's 搬迁安置组
// is led by 经开区管委会 and 区住房建设委 together, and seeds/004 gives one task to every community.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlan } from '../src/plan/apply.js';
import { examplePlan } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const reference = readFileSync(examplePlan, 'utf8');
// Three communities (社区) each get the same task with their own deadline; one of them twice over (a true duplicate).
const communities = `${reference.replace('\ntasks:\n', `
tasks:
  - { title: 违法建设摸底排查, group: 综合管理组, lead: 大沽街道办事处, deadline: 2026-12-15 }
  - { title: 违法建设摸底排查, group: 综合管理组, lead: 塘沽街道办事处, deadline: 2026-12-15 }
  - { title: 违法建设摸底排查, group: 综合管理组, lead: 新河街道办事处, deadline: 2026-12-20 }
`)}`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-11-23T02:00:00Z', plan: false, env: { SEND_PER_CHAT_PER_SECOND: '100' } });
});
afterAll(() => h.close());

async function say(from: string, chat: string, text: string): Promise<string> {
  const { messageId } = await h.say({ from, chat, text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return flatten(reply.content).replace(/\*\*/g, '');
}

describe('the same task for several lead units', () => {
  it('a plan may give one task title to several units; each gets its own T number', async () => {
    const { applyPlanText } = await import('../src/plan/apply.js');
    const applied = await applyPlanText(h.server.runtime.dbh, communities, h.clock);
    expect(applied.ok).toBe(true);
    const list = await say('ou_chenbo', 'oc_p2p_chenbo', '任务 列表 综合管理组');
    expect(list.match(/违法建设摸底排查/g)).toHaveLength(3);
    for (const unit of ['大沽街道办事处', '塘沽街道办事处', '新河街道办事处']) expect(list).toContain(unit);
    // applying the same plan again adds nothing
    const again = await applyPlanText(h.server.runtime.dbh, communities, h.clock);
    expect(again.ok && again.changes.filter((c) => c.startsWith('+ task'))).toEqual([]);
  });

  it('the same title, lead unit and deadline twice in one plan is refused', () => {
    const twice = communities.replace('\n  - { title: 违法建设摸底排查, group: 综合管理组, lead: 塘沽街道办事处', '\n  - { title: 违法建设摸底排查, group: 综合管理组, lead: 大沽街, deadline: 2026-12-15 }\n  - { title: 违法建设摸底排查, group: 综合管理组, lead: 塘沽街道办事处');
    const r = readPlan(twice);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.path)).toContain('tasks[1]');
  });

  it('minutes may give the same action to two units in chat', async () => {
    const m = await say('ou_chenbo', 'oc_p2p_chenbo', '会议 安排 违建治理推动会 时间：2026-11-24 15:00');
    const seq = /M(\d+)/.exec(m)![1];
    const r = await say('ou_chenbo', 'oc_p2p_chenbo', `会议 纪要 M${seq} 议定事项：\n- [ ] 完成违建台账复核 牵头：大沽街道办事处 截止：2026-12-10\n- [ ] 完成违建台账复核 牵头：塘沽街道办事处 截止：2026-12-10`);
    expect(r).toContain('2 项议定事项纳入台账');
  });
});

describe('a group with two lead units', () => {
  it('the reference plan gives 搬迁安置组 both of seeds/000’s lead units, and status shows and counts each', async () => {
    const status = await say('ou_chenbo', 'oc_p2p_chenbo', '进度 搬迁安置组');
    expect(status).toContain('搬迁安置组（牵头：经开区管委会、区住房建设委）');
    // the reporting rule is "each group's lead unit": both must report for this group
    expect(status).toContain('经开区管委会');
    expect(status).toContain('区住房建设委');
  });

  it('a report by the second lead unit counts for the group', async () => {
    await say('ou_chenbo', 'oc_p2p_chenbo', '汇报 代 区住房建设委\n进展：搬迁方案征求意见\n问题：无');
    const status = await say('ou_chenbo', 'oc_p2p_chenbo', '进度 搬迁安置组');
    expect(status).toContain('按时报送（1）：区住房建设委');
    expect(status).toContain('未报送（1）：经开区管委会');
  });

  it('an unknown second lead unit is refused by its path', () => {
    const r = readPlan(reference.replace('lead: [经开区管委会, 区住房建设委]', 'lead: [经开区管委会, 区住建局]'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toContainEqual({ path: 'groups[5].lead[1]', message: 'unknown unit "区住建局"' });
  });
});
