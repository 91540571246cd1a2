// Cards that real Lark accepts: every kind of card the bot builds passes the fake Open Platform's card JSON 2.0
// check (widths, components, tags, size, mentions), and a card refused for one unknown @ id is sent again without it,
// with the office told whose id is wrong, once per person per day.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../db/schema.js';
import { examplePlan } from '../src/runtime.js';
import { startHarness, type Harness } from './support/harness.js';

const OFFICE = 'oc_xinhe_office';
const ANQUAN = 'oc_xinhe_anquan';
const sh = (s: string) => DateTime.fromISO(s, { zone: 'Asia/Shanghai' }).toJSDate();

describe('a liaison whose open_id Lark does not know', () => {
  let h: Harness;
  const tick = async (at: string) => {
    h.clock.set(sh(at));
    await h.server.runtime.runner.tick(sh(at));
    await h.settle();
  };
  const notices = () => h.textsIn(OFFICE).filter((t) => t.includes('用户 ID'));

  beforeAll(async () => {
    // 李强, liaison of 经开区管委会, left: the id in the plan is no longer a user of the tenant
    const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'duban-plan-'));
    const plan = join(dir, 'plan.yaml');
    writeFileSync(plan, readFileSync(examplePlan, 'utf8').replaceAll('ou_liqiang', 'ou_liqiang_left'));
    h = await startHarness({ plan, now: '2026-11-26T08:00:00Z', env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  });
  afterAll(() => h.close());

  it('the reminder still reaches the chat, without that @ but with his name; the office is told whose id is wrong, once', async () => {
    await tick('2026-11-26T17:00'); // Thursday: the 1-day reminder of 工作进度专报
    // 经开区管委会 leads four groups: four chats' reminders were refused for his id, and the office was told once
    expect(h.fake.cardRefusals.filter((r) => r.msg.includes('ErrCode: 100290') && r.msg.includes('ou_liqiang_left')).length).toBeGreaterThan(1);
    const reminder = h.fake.messagesIn(ANQUAN).find((m) => String(m.content.header?.title?.content).startsWith('【报送提醒】'))!;
    expect(reminder).toBeDefined();
    expect(reminder.raw).not.toContain('ou_liqiang_left');
    expect(h.textsIn(ANQUAN).at(-1)).toContain('经开区管委会 李强');
    // the other liaisons are still @-mentioned
    expect(h.fake.messagesIn('oc_xinhe_weiwen').at(-1)!.raw).toContain('<at id=ou_wangmin></at>');
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain('李强（经开区管委会） ou_liqiang_left');
    const rows = await h.server.runtime.dbh.db.select().from(outbox);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  });

  it('the next day the office is told again', async () => {
    await tick('2026-11-27T15:00'); // Friday: the 2-hour reminder, refused and resent the same way
    expect(h.fake.messagesIn(ANQUAN).filter((m) => String(m.content.header?.title?.content).startsWith('【报送提醒】'))).toHaveLength(2);
    expect(notices()).toHaveLength(2); // Thursday's and Friday's
  });
});

describe('every card the bot builds passes the card JSON 2.0 check', () => {
  let h: Harness;
  const WEIWEN = 'oc_xinhe_weiwen';
  const say = (text: string, from = 'ou_chenbo', chat = OFFICE) => h.say({ from, chat, text });

  beforeAll(async () => {
    // Monday 30 November 2026, 09:00: the last workday of November (the monthly bulletin's day)
    h = await startHarness({ now: '2026-11-30T01:00:00Z', env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  });
  afterAll(() => h.close());

  it('reports, status, tasks, overdue, lagging, meetings, minutes, problems, bulletin, help, welcome and every job', async () => {
    const { tasks } = await import('../db/schema.js');
    // an overdue item for 逾期, the digest and the lagging list
    await h.server.runtime.dbh.db.insert(tasks).values({ campaignId: 1, seq: 90, title: '完成3号楼外墙维修', leadUnitId: 3, groupId: 2, deadline: '2026-11-20', createdAt: '2026-11-01T00:00:00Z' }).run();
    await say('帮助');
    await say('汇报\n进展：完成重点人员排查\n问题：资金不足\n下一步：继续推进', 'ou_wangmin', WEIWEN);
    await say('进度');
    await say('任务 新增 完成入户摸排 牵头：区公安局 截止：12月2日');
    await say('任务 列表');
    await say('任务 查看 T90');
    await say('逾期');
    await say('落后');
    await say('会议 安排 搬迁方案协调会 时间：明天 10:00 参会：经开区、新河街');
    await say('会议 列表');
    await say('会议 查看 M4');
    await say('会议 纪要 M4\n（一）由经开区管委会牵头，12月底前完成搬迁方案\n（二）由区环保局牵头，月底前完成');
    await say('问题 上报 3号楼管线漏水', 'ou_wangmin', WEIWEN);
    await say('问题 列表');
    await say('通报');
    const added = (await import('./support/lark-events.js')).fixture('im.chat.member.bot.added_v1');
    added.header.event_id = 'ev_cards_added';
    added.event.chat_id = WEIWEN;
    await h.post(added);
    await h.settle();
    const at = (s: string) => sh(s);
    for (const [job, when] of [
      ['report-reminder', '2026-11-26T17:00'],
      ['report-chase', '2026-11-27T17:30'],
      ['deadline-reminder', '2026-11-30T09:00'],
      ['overdue-digest', '2026-11-30T09:00'],
      ['lagging-units', '2026-11-30T17:30'],
      ['meeting-reminder', '2026-11-30T10:00'],
      ['problem-escalation', '2026-12-04T10:00'],
      ['monthly-bulletin', '2026-11-30T16:00'],
      ['calendar-notice', '2026-12-01T09:00'],
    ] as const) {
      h.clock.set(at(when));
      await h.server.runtime.runner.runNow(job, at(when));
    }
    await h.settle();

    expect(h.fake.cardRefusals.map((r) => r.msg)).toEqual([]);
    const cards = h.fake.messages.filter((m) => m.msg_type === 'interactive');
    for (const c of cards) expect(c.cardNotes, String(c.content.header?.title?.content)).toBeUndefined();
    const titles = new Set(cards.map((c) => String(c.content.header?.title?.content ?? '')));
    expect(titles.size).toBeGreaterThanOrEqual(15);
    const kinds = [/进度专报已收到/, /^进度/, /^台账/, /^T90 /, /^逾期任务/, /^落后单位/, /^已安排会议/, /^近期会议/, /^会议 M/, /^会议备忘/, /^已上报问题/, /^问题清单/, /月度通报/];
    const jobs = [/【报送提醒】/, /【催报】/, /【到期提醒】/, /^逾期任务 · /, /^落后单位 · .*本月/, /^会议提醒/, /^问题升级/, /^节假日安排/];
    for (const k of [...kinds, ...jobs]) expect([...titles].some((t) => k.test(t)), String(k)).toBe(true);
    // the welcome card in the chat the bot was added to
    expect(cards.some((c) => c.chat_id === WEIWEN && c.raw.includes('我是**督办**'))).toBe(true);
    // the kinds with tables (the 60px/70px columns of before) and the bulletin's chart were among them
    expect(cards.some((c) => c.raw.includes('"tag":"table"'))).toBe(true);
    expect(cards.some((c) => c.raw.includes('"tag":"chart"'))).toBe(true);
    const rows = await h.server.runtime.dbh.db.select().from(outbox);
    expect(rows.filter((r) => r.status !== 'sent').map((r) => r.dedupeKey)).toEqual([]);
  });
});
