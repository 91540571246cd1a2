// A twice-weekly report (Tuesday and Friday 17:00, reminded a day before) through Spring Festival 2026, end to end:
// 15–23 February are off and Saturday 14 February is a 调休 workday. Week 8 has no workday, so it has no period, no
// reminder, no chase and no score; the reminder before the holiday asks for the first half-week after it, a report
// sent after that reminder files there on time, and the lagging lists count both halves of a week and no holiday.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePlan } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const ZONE = 'Asia/Shanghai';
const sh = (s: string) => DateTime.fromISO(s, { zone: ZONE }).toJSDate();
let h: Harness;

const TWICE_WEEKLY = `reporting:
  - name: 工作进度专报
    cadence: twice_weekly
    due: { weekdays: [tue, fri], time: "17:00" }
    who: group_leads
    remind_before: [1d]
    chats: [groups, office]
`;

async function walk(from: string, to: string, stepHours = 2) {
  for (let t = sh(from).getTime(); t <= sh(to).getTime(); t += stepHours * 3_600_000) {
    h.clock.set(t);
    await h.server.runtime.runner.tick(new Date(t));
  }
  await h.settle();
}

/** A private message to the bot at a Shanghai time; answers the reply as text. */
async function say(from: string, text: string, at: string): Promise<string> {
  h.clock.set(sh(at));
  const { messageId } = await h.say({ from, chat: `oc_p2p_${from}`, text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return flatten(reply.content).replace(/\*\*/g, '');
}

const cards = (chat: string, title: RegExp) => h.fake.messagesIn(chat).filter((m) => title.test(String(m.content.header?.title?.content ?? '')));
const replies: Record<string, string> = {};

beforeAll(async () => {
  const plan = join(mkdtempSync(join(tmpdir(), 'duban-holidays-')), 'plan.yaml');
  writeFileSync(plan, readFileSync(examplePlan, 'utf8').replace(/reporting:\n[\s\S]*?\n\nmeetings:/, `${TWICE_WEEKLY}\nmeetings:`).replace(/\nmeetings:[\s\S]*?\n\ntasks:/, '\n\ntasks:'));
  // Monday 9 February 2026, 00:00 in Shanghai: the campaign starts then.
  h = await startHarness({ plan, now: '2026-02-08T16:00:00Z', env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  await walk('2026-02-09T00:00', '2026-02-14T18:00');
  // Saturday 14 February, 18:00: the reminder for Tuesday 24 February went out at 17:00.
  replies.wangmin = await say('ou_wangmin', '汇报\n进展：节前安全检查完成\n问题：无\n下一步：节后复工检查', '2026-02-14T18:00');
  replies.liqiang = await say('ou_liqiang', '汇报 周期 第9周上半周\n进展：节前排查完成\n问题：无\n下一步：节后开工', '2026-02-14T18:10');
  replies.holiday = await say('ou_liuyang', '汇报 周期 第8周上半周\n进展：春节值班', '2026-02-14T18:20');
  await walk('2026-02-14T20:00', '2026-03-01T00:00');
}, 240_000);
afterAll(() => h.close());

describe('a twice-weekly report through Spring Festival 2026', () => {
  it('the reminder before the holiday names the first half-week after it, due Tuesday 24 February, 10 days later', () => {
    const reminders = cards('oc_xinhe_office', /^【报送提醒】/);
    const beforeHoliday = reminders.filter((m) => String(m.content.header.subtitle.content).startsWith('第9周上半周'));
    expect(beforeHoliday).toHaveLength(1);
    expect(beforeHoliday[0]!.content.header.subtitle.content).toBe('第9周上半周（2月24日） · 截止 2月24日（周二）17:00');
    expect(flatten(beforeHoliday[0]!.content)).toContain('10天后（周二） 17:00');
  });

  it('week 8 has no period: no reminder, no chase and no lagging reason names it', () => {
    // the reply to 汇报 周期 第8周上半周 names it; what the jobs posted does not
    const all = h.fake.messages.filter((m) => !m.reply_to).map((m) => flatten(m.content)).join('\n');
    expect(all).not.toContain('第8周');
    // reminders for W07-1, W07-2, W09-1 and W09-2 only, each once in the office chat
    expect(cards('oc_xinhe_office', /^【报送提醒】/).map((m) => String(m.content.header.subtitle.content).split('（')[0])).toEqual(['第7周上半周', '第7周下半周', '第9周上半周', '第9周下半周']);
  });

  it('a report sent after that reminder files to the reminded half-week, on time', () => {
    expect(replies.wangmin).toContain('第9周上半周（2月24日）');
    expect(replies.wangmin).toContain('按时报送');
    expect(replies.wangmin).not.toContain('逾期报送');
  });

  it('汇报 周期 for the reminded half-week is accepted, not "not started"', () => {
    expect(replies.liqiang).toContain('进度专报已收到');
    expect(replies.liqiang).toContain('第9周上半周（2月24日）');
    expect(replies.liqiang).toContain('按时报送');
  });

  it('汇报 周期 for a half-week inside the holiday says no report is asked for it', () => {
    expect(replies.holiday).toContain('全部是节假日，不需要报送');
  });

  it('after the first due time after the holiday the office is chased for the units still missing', () => {
    const chase = cards('oc_xinhe_office', /^【催报】/).find((m) => String(m.content.header.title.content).includes('第9周上半周'));
    expect(chase).toBeDefined();
    const text = flatten(chase!.content);
    expect(text).toContain('新河周转房办公室');
    expect(text).not.toContain('新河街道办事处');
    expect(text).not.toContain('经开区管委会');
  });

  it('the weekly lagging list counts both halves of the week', () => {
    const weekly = cards('oc_xinhe_leaders', /^落后单位 · 本周/).map((m) => flatten(m.content).replace(/\*\*/g, ''));
    const w7 = weekly.find((t) => t.includes('第7周'))!;
    expect(w7).toContain('新河周转房办公室　6 分：未报送 2 次（第7周上半周、第7周下半周）');
    const w9 = weekly.find((t) => t.includes('第9周'))!;
    expect(w9).toContain('落后单位 · 本周 · 第9周（2月24日—28日）');
    expect(w9).toContain('新河周转房办公室　6 分：未报送 2 次（第9周上半周、第9周下半周）');
    expect(w9).toContain('新河街道办事处　3 分：未报送 1 次（第9周下半周）');
  });

  it('the month’s lagging list does not penalise anyone for the holiday week', () => {
    const month = cards('oc_xinhe_leaders', /^落后单位 · 本月/).map((m) => flatten(m.content).replace(/\*\*/g, ''));
    expect(month).toHaveLength(1);
    expect(month[0]).toContain('落后单位 · 本月 · 2026年2月');
    expect(month[0]).toContain('新河周转房办公室　12 分：未报送 4 次（第7周上半周、第7周下半周、第9周上半周、第9周下半周）');
  });
});

describe('National Day 2026, same rule', () => {
  it('a report on Tuesday evening, after the reminder for Wednesday’s due, files to the second half of week 40 on time', async () => {
    const text = await say('ou_wangmin', '汇报\n进展：节前安全检查完成\n问题：无\n下一步：节后复工检查', '2026-09-29T18:00');
    expect(text).toContain('第40周下半周（9月30日）');
    expect(text).toContain('按时报送');
  });
});
