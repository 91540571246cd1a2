// Words for time, end to end: 落后 上周 / 本周 / 上月 name the period they mean with its dates (asked on a Thursday,
// 上周 is the week before, not "本周"), and the one-day meeting reminder says the day from the real dates: 3天后（周一）
// for a Monday meeting reminded on Friday, 今天 for a meeting the same day.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatten, startHarness, type Harness } from './support/harness.js';

const ZONE = 'Asia/Shanghai';
const OFFICE = 'oc_xinhe_office';
const sh = (s: string) => DateTime.fromISO(s, { zone: ZONE }).toJSDate();
let h: Harness;

async function ask(text: string, at: string): Promise<string> {
  h.clock.set(sh(at));
  const { messageId } = await h.say({ from: 'ou_chenbo', chat: 'oc_p2p_ou_chenbo', text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return flatten(reply.content).replace(/\*\*/g, '');
}

const meetingReminders = () => h.fake.messagesIn(OFFICE).filter((m) => String(m.content.header?.title?.content).startsWith('会议提醒')).map((m) => flatten(m.content));

beforeAll(async () => {
  // Thursday 26 November 2026, 10:00 in Shanghai
  h = await startHarness({ now: '2026-11-26T02:00:00Z', env: { SEND_PER_CHAT_PER_SECOND: '100' } });
}, 60_000);
afterAll(() => h.close());

describe('本周 / 上周 / 本月 / 上月 name the period they mean', () => {
  it('落后 上周 on a Thursday answers the previous week, by its number and dates', async () => {
    const text = await ask('落后 上周', '2026-11-26T10:00');
    expect(text).toContain('落后单位 · 上周 · 第47周（11月16日—20日）');
    expect(text).not.toContain('本周');
  });

  it('落后 本周 on a Thursday names this week with its dates', async () => {
    expect(await ask('落后 本周', '2026-11-26T10:05')).toContain('落后单位 · 本周 · 第48周（11月23日—27日）');
  });

  it('落后 alone on a Thursday, before this week’s report is due, answers last week and says so', async () => {
    expect(await ask('落后', '2026-11-26T10:10')).toContain('落后单位 · 上周 · 第47周（11月16日—20日）');
  });

  it('落后 上月 names the month, 落后 第46周 the week', async () => {
    expect(await ask('落后 上月', '2026-11-26T10:15')).toContain('落后单位 · 上月 · 2026年10月');
    expect(await ask('落后 第46周', '2026-11-26T10:20')).toContain('落后单位 · 第46周（11月9日—13日）');
  });
});

describe('meeting reminders say the day from the real dates', () => {
  it('a meeting the same day, reminded when the bot starts, is 今天开会', async () => {
    await ask('会议 安排 临时协调会 时间：今天16:00 地点：区住建委305会议室 参会：经开区管委会', '2026-11-27T09:00');
    h.clock.set(sh('2026-11-27T10:00'));
    // The first tick after start looks back for missed occasions: yesterday 16:00's one-day reminder is still useful.
    await h.server.runtime.runner.tick(sh('2026-11-27T10:00'));
    await h.settle();
    const same = meetingReminders().filter((t) => t.includes('临时协调会'));
    expect(same).toHaveLength(1);
    expect(same[0]).toContain('今天开会');
    expect(same[0]).not.toContain('明天开会');
  });

  it('the Monday dispatch meeting, reminded on Friday, is 3天后（周一）', async () => {
    h.clock.set(sh('2026-11-27T15:00'));
    await h.server.runtime.runner.tick(sh('2026-11-27T15:00'));
    await h.settle();
    const monday = meetingReminders().filter((t) => t.includes('维稳保障组调度会'));
    expect(monday).toHaveLength(1);
    expect(monday[0]).toContain('3天后（周一）开会');
  });
});
