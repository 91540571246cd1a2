// Meetings end to end: scheduling in natural Chinese, the Lark calendar event, minutes that become ledger tasks,
// standing series from the plan expanded around holidays, and the reminders the meeting-reminder job posts.
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { meetings, meetingSittings, taskEvents, tasks } from '../db/schema.js';
import { workCalendar } from '../src/core/calendar.js';
import { occurrences } from '../src/meetings/recurrence.js';
import { meetingRemindersDue } from '../src/meetings/reminders.js';
import { loadOrg } from '../src/org.js';
import { examplePlan } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { messageEvent } from './support/lark-events.js';

const OFFICE = 'oc_xinhe_office';
const WEIWEN = 'oc_xinhe_weiwen';
const P2P = 'oc_p2p_chenbo';
// The sender keeps to Lark's 5 messages a second per chat; these tests send faster than that and are not about it.
const env = { SEND_PER_CHAT_PER_SECOND: '100' };
// Tuesday 2026-11-24 00:30 in Shanghai: 明天 is Wednesday the 25th.
const TUESDAY_0030 = '2026-11-23T16:30:00Z';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: TUESDAY_0030, env });
});
afterAll(() => h.close());

const db = () => h.server.runtime.dbh.db;
const replyTo = (messageId: string) => h.fake.messages.find((m) => m.reply_to === messageId)!;
const lastMeeting = async () => (await db().select().from(meetings).orderBy(desc(meetings.id)).limit(1))[0]!;

async function schedule(text: string, from = 'ou_chenbo', chat = P2P) {
  h.clock.set(TUESDAY_0030);
  const said = await h.say({ from, chat, text });
  return { ...said, reply: replyTo(said.messageId) };
}

describe('scheduling', () => {
  it('a meeting for 明天 10:00 lands on Wednesday 10:00 in Shanghai', async () => {
    const { reply } = await schedule('会议 安排 搬迁方案协调会 时间：明天 10:00 地点：区住建委305会议室 参会：经开区管委会、新河街道办事处 类型：协调会');
    const m = await lastMeeting();
    expect(m.startsAt).toBe('2026-11-25T02:00:00.000Z');
    expect(m.kind).toBe('coordination');
    expect(m.place).toBe('区住建委305会议室');
    expect(JSON.stringify(reply.content)).toContain('11月25日（周三）10:00');
  });

  it('English words and a time like 3pm work too', async () => {
    await schedule('meeting add Pipe work sync at:tomorrow 3pm units:区公安局 kind:dispatch');
    const m = await lastMeeting();
    expect(m.startsAt).toBe('2026-11-25T07:00:00.000Z');
    expect(m.kind).toBe('dispatch');
  });

  it('a meeting scheduled in a group chat is that group’s, with its units attending', async () => {
    await schedule('会议 安排 维稳推动会 时间：明天下午3点 类型：推动会', 'ou_wangmin', WEIWEN);
    const m = await lastMeeting();
    const org = (await loadOrg(db(), m.campaignId))!;
    expect(org.group(m.groupId)?.name).toBe('维稳保障组');
    expect(m.attendeeUnitIds.map((id) => org.unit(id)!.name)).toContain('区公安局');
  });

  it('an unknown attendee unit is named, with the units to choose from', async () => {
    const before = (await lastMeeting()).id;
    const { reply } = await schedule('会议 安排 协调会 时间：明天10:00 参会：区环保局');
    expect(reply.content.text).toContain('没有找到单位「区环保局」');
    expect(reply.content.text).toContain('区公安局');
    expect((await lastMeeting()).id).toBe(before);
  });

  it('a time it cannot read shows the accepted forms', async () => {
    const { reply } = await schedule('会议 安排 协调会 时间：找个时间');
    expect(reply.content.text).toContain('看不懂会议时间');
    expect(reply.content.text).toContain('明天10:00');
  });

  it('a liaison may not schedule meetings, and is told which roles may', async () => {
    const { reply } = await schedule('会议 安排 协调会 时间：明天10:00', 'ou_zhangli');
    expect(reply.content.text).toContain('办公室');
    expect(reply.content.text).toContain('联络员');
  });

  it('the meeting list shows one-off meetings and the next sitting of standing ones', async () => {
    await schedule('会议 安排 列表测试会 时间：明天 11:00');
    const { reply } = await schedule('会议 列表');
    const text = JSON.stringify(reply.content);
    expect(text).toContain('列表测试会');
    // 维稳保障组调度会 is weekly on Monday at 15:00: next sitting Monday 30 November
    expect(text).toContain('维稳保障组调度会');
    expect(text).toContain('11月30日（周一）15:00');
  });
});

describe('the Lark calendar', () => {
  it('scheduling creates a calendar event inviting the liaisons of the attendee units', async () => {
    await schedule('会议 安排 日程测试会 时间：明天 10:00 参会：经开区管委会、新河街道办事处');
    const m = await lastMeeting();
    const ev = h.fake.calendarEvents.find((e) => e.event_id === m.calendarEventId)!;
    expect(ev.summary).toBe('日程测试会');
    expect(ev.attendees.map((a) => a['user_id']).sort()).toEqual(['ou_liqiang', 'ou_wangmin']);
    expect((ev.start_time as { timestamp: string }).timestamp).toBe(String(Date.parse('2026-11-25T02:00:00Z') / 1000));
  });

  it('cancelling a meeting deletes its calendar event and tells the attendee chats', async () => {
    await schedule('会议 安排 取消测试会 时间：明天 10:00', 'ou_wangmin', WEIWEN);
    const m = await lastMeeting();
    expect(m.calendarEventId).toBeTruthy();
    const { reply } = await schedule(`会议 取消 M${m.seq}`);
    expect(reply.content.text).toContain('飞书日程已删除');
    expect(h.fake.calendarEvents.find((e) => e.event_id === m.calendarEventId)!.deleted).toBe(true);
    expect((await db().select().from(meetings).where(eq(meetings.id, m.id)))[0]!.status).toBe('cancelled');
    expect(h.textsIn(WEIWEN).at(-1)).toContain('会议取消');
  });
});

describe('minutes', () => {
  it('minutes with two action items create two ledger tasks linked to the meeting', async () => {
    await schedule('会议 安排 纪要测试会 时间：明天 10:00', 'ou_wangmin', WEIWEN);
    const m = await lastMeeting();
    const text = [
      `会议 纪要 M${m.seq}`,
      '会议研究了3号楼管线切改和入户摸排。',
      '- [ ] 完成3号楼入户摸排 牵头：新河周转房办公室 截止：12月10日',
      '－［ ］制定管线切改方案牵头：经开区 配合：区住建委 截止：2026-12-20',
    ].join('\n');
    const { reply } = await schedule(text);
    const rows = await db().select().from(tasks).where(eq(tasks.meetingId, m.id));
    expect(rows.map((r) => [r.title, r.deadline, r.source])).toEqual([
      ['完成3号楼入户摸排', '2026-12-10', 'meeting'],
      ['制定管线切改方案', '2026-12-20', 'meeting'],
    ]);
    for (const r of rows) expect(await db().select().from(taskEvents).where(and(eq(taskEvents.taskId, r.id), eq(taskEvents.kind, 'created')))).toHaveLength(1);
    expect(JSON.stringify(reply.content)).toContain(`T${rows[0]!.seq}`);
    // posted to the attendee chats: the group's chat and the office chat
    expect(h.textsIn(WEIWEN).at(-1)).toContain('会议研究了3号楼管线切改');
    expect(h.textsIn(OFFICE).at(-1)).toContain('会议研究了3号楼管线切改');
    expect((await db().select().from(meetings).where(eq(meetings.id, m.id)))[0]!.minutes).toContain('入户摸排');
  });

  it('a line naming an unknown unit or a bad date is listed with why; the good line still becomes a task', async () => {
    await schedule('会议 安排 纪要拒收会 时间：明天 10:00');
    const m = await lastMeeting();
    const text = [`会议 纪要 M${m.seq}`, '- [ ] 第一项 牵头：区公安局 截止：12月10日', '- [ ] 第二项 牵头：区环保局 截止：下下下周', '- [ ] 第三项 牵头：区公安局 截止：某天'].join('\n');
    const { reply } = await schedule(text);
    const shown = flatten(reply.content);
    expect(shown).toContain('第 2 行「- [ ] 第二项 牵头：区环保局 截止：下下下周」：没有找到单位「区环保局」；看不懂截止日期「下下下周」');
    expect(shown).toContain('第 3 行「- [ ] 第三项 牵头：区公安局 截止：某天」：看不懂截止日期「某天」');
    const rows = await db().select().from(tasks).where(eq(tasks.meetingId, m.id));
    expect(rows.map((r) => [r.title, r.deadline])).toEqual([['第一项', '2026-12-10']]);
    expect(shown).toContain(`第 1 行 → **T${rows[0]!.seq}** 第一项`);
    expect((await db().select().from(meetings).where(eq(meetings.id, m.id)))[0]!.minutes).toContain('第二项');
    // sent again corrected: only the missing items are added
    const fixed = [`会议 纪要 M${m.seq}`, '- [ ] 第一项 牵头：区公安局 截止：12月10日', '- [ ] 第二项 牵头：区公安局 截止：下周五', '- [ ] 第三项 牵头：区公安局 截止：12月20日'].join('\n');
    const again = flatten((await schedule(fixed)).reply.content);
    expect((await db().select().from(tasks).where(eq(tasks.meetingId, m.id))).map((r) => r.title)).toEqual(['第一项', '第二项', '第三项']);
    expect(again).toContain('第 1 行 第一项：此前已纳入台账，未重复创建');
  });

  it('minutes in the forms offices use (1. / （三） / 由X牵头 / 12月底前) become tasks; the reply lists every other item line and why', async () => {
    await schedule('会议 安排 工程建设调度会 时间：明天 10:00', 'ou_liqiang', 'oc_xinhe_gongcheng');
    const m = await lastMeeting();
    const text = [
      `会议 纪要 M${m.seq}`,
      '会议听取了各单位工作进展汇报。会议议定如下：',
      '一、关于用地手续',
      '1. 加快用地手续办理 牵头：规划资源分局 截止：12月15日',
      '（三）由经开区管委会牵头，区政务服务办配合，12月底前完成施工许可办理。',
      '（四）由区环保局牵头，本周内完成环境整治',
      '5. 由区公安局牵头，加强夜间巡查',
    ].join('\n');
    const { reply } = await schedule(text, 'ou_liqiang', 'oc_xinhe_gongcheng');
    const rows = await db().select().from(tasks).where(eq(tasks.meetingId, m.id));
    const org = (await loadOrg(db(), m.campaignId))!;
    expect(rows.map((r) => [r.title, org.unit(r.leadUnitId)?.name, r.cooperatingUnitIds.map((id) => org.unit(id)?.name), r.deadline])).toEqual([
      ['加快用地手续办理', '市规划资源局滨海新区分局', [], '2026-12-15'],
      ['完成施工许可办理', '经开区管委会', ['区政务服务办'], '2026-12-31'],
    ]);
    const shown = flatten(reply.content);
    expect(shown).toContain(`第 3 行 → **T${rows[0]!.seq}** 加快用地手续办理`);
    expect(shown).toContain(`第 4 行 → **T${rows[1]!.seq}** 完成施工许可办理`);
    expect(shown).toContain('第 5 行「（四）由区环保局牵头，本周内完成环境整治」：没有找到单位「区环保局」');
    expect(shown).toContain('第 6 行「5. 由区公安局牵头，加强夜间巡查」：没有完成时限');
    expect(shown).toContain('作为标题保留、未纳入台账：第 2 行');
    expect(shown).toContain('2 项议定事项纳入台账');
    expect(shown).toContain('2 行未能识别');
  });

  it('an item with two lead units (seed 000’s 搬迁安置组) becomes a task for each', async () => {
    await schedule('会议 安排 搬迁安置协调会 时间：明天 10:00');
    const m = await lastMeeting();
    const { reply } = await schedule(`会议 纪要 M${m.seq}\n1. 由经开区管委会、区住房建设委牵头，新河周转房办公室配合，年底前完成搬迁方案`);
    const org = (await loadOrg(db(), m.campaignId))!;
    const rows = await db().select().from(tasks).where(eq(tasks.meetingId, m.id));
    expect(rows.map((r) => [r.title, org.unit(r.leadUnitId)?.name, r.cooperatingUnitIds.map((id) => org.unit(id)?.name), r.deadline])).toEqual([
      ['完成搬迁方案', '经开区管委会', ['新河周转房办公室'], '2026-12-31'],
      ['完成搬迁方案', '区住房建设委', ['新河周转房办公室'], '2026-12-31'],
    ]);
    expect(flatten(reply.content)).toContain('2 项议定事项纳入台账');
  });

  it('minutes longer than a card may hold are kept whole and posted in parts that fit (Lark refuses cards over 30 KB)', async () => {
    await schedule('会议 安排 长纪要会 时间：明天 10:00', 'ou_wangmin', WEIWEN);
    const m = await lastMeeting();
    const before = h.fake.messages.length;
    const long = Array.from({ length: 400 }, (_, i) => `第${i + 1}段：会议听取了各单位关于入户摸排、房屋安全排查和搬迁方案的详细汇报。`).join('\n');
    await schedule(`会议 纪要 M${m.seq}\n${long}\n1. 由新河周转房办公室牵头，12月10日前完成入户摸排`);
    const parts = h.fake.messages.slice(before).filter((x) => x.msg_type === 'interactive');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(JSON.stringify(p.content))).toBeLessThan(30 * 1024);
    const all = parts.map((p) => flatten(p.content)).join('\n');
    expect(all).toContain('1 项议定事项纳入台账');
    expect(all).toContain('第1段');
    expect(h.fake.cardRefusals).toEqual([]);
    expect((await db().select().from(meetings).where(eq(meetings.id, m.id)))[0]!.minutes).toContain('第400段');
  });

  it('本周内 in the minutes of a past meeting counts from the meeting’s week, not the day they are recorded', async () => {
    await schedule('会议 安排 补记纪要会 时间：明天 10:00');
    const m = await lastMeeting();
    h.clock.set('2026-12-01T02:00:00Z'); // the next Tuesday
    const said = await h.say({ from: 'ou_chenbo', chat: P2P, text: `会议 纪要 M${m.seq}\n1. 由新河周转房办公室牵头，本周内完成入户摸排` });
    const rows = await db().select().from(tasks).where(eq(tasks.meetingId, m.id));
    expect(rows.map((r) => [r.title, r.deadline])).toEqual([['完成入户摸排', '2026-11-27']]);
    expect(flatten(replyTo(said.messageId).content)).toContain('截止：2026-11-27');
  });
});

describe('standing meetings', () => {
  const cn = workCalendar('cn');
  const zone = 'Asia/Shanghai';
  const dates = (rule: string, from: string, to: string) => occurrences(rule, new Date(from), new Date(to), zone, cn).map((d) => d.toFormat('yyyy-MM-dd HH:mm'));

  it('a weekly meeting skips the National Day holiday week', () => {
    expect(dates('weekly mon 15:00', '2026-09-27T00:00:00+08:00', '2026-10-20T00:00:00+08:00')).toEqual(['2026-09-28 15:00', '2026-10-12 15:00', '2026-10-19 15:00']);
  });

  it('weekly on two days, monthly on the last Thursday and on a day of the month', () => {
    expect(dates('weekly mon,thu 15:00', '2026-11-23T00:00:00+08:00', '2026-11-30T00:00:00+08:00')).toEqual(['2026-11-23 15:00', '2026-11-26 15:00']);
    expect(dates('monthly last-thu 15:00', '2026-11-01T00:00:00+08:00', '2027-02-01T00:00:00+08:00')).toEqual(['2026-11-26 15:00', '2026-12-31 15:00', '2027-01-28 15:00']);
    expect(dates('monthly 5 09:00', '2026-09-01T00:00:00+08:00', '2026-12-01T00:00:00+08:00')).toEqual(['2026-09-05 09:00', '2026-11-05 09:00']);
  });
});

describe('reminders', () => {
  it('a meeting is reminded exactly one day and 30 minutes before, once each', async () => {
    await schedule('会议 安排 提醒测试会 时间：明天 10:00', 'ou_wangmin', WEIWEN);
    const m = await lastMeeting();
    const org = (await loadOrg(db(), m.campaignId))!;
    const due = async (iso: string) => (await meetingRemindersDue(db(), org.campaign, org, new Date(iso))).filter((r) => r.meeting.id === m.id).map((r) => r.offset);
    expect(await due('2026-11-24T01:59:59Z')).toEqual([]);
    expect(await due('2026-11-24T02:00:00Z')).toEqual(['1d']);
    expect(await due('2026-11-24T02:00:59Z')).toEqual(['1d']);
    expect(await due('2026-11-24T02:01:00Z')).toEqual([]);
    expect(await due('2026-11-25T01:30:00Z')).toEqual(['30m']);
    expect(await due('2026-11-25T01:31:00Z')).toEqual([]);
    const [r] = (await meetingRemindersDue(db(), org.campaign, org, new Date('2026-11-25T01:30:00Z'))).filter((x) => x.meeting.id === m.id);
    expect(r!.chats).toEqual([WEIWEN, OFFICE]);
    expect(r!.key).toBe(`meeting:${m.id}:2026-11-25T10:00:00.000+08:00:30m`);
  });

  it('a standing meeting from the plan is reminded the day before each sitting', async () => {
    const org = (await loadOrg(db(), (await lastMeeting()).campaignId))!;
    // 维稳保障组调度会, weekly mon 15:00: Sunday 29 November 15:00 in Shanghai
    const list = await meetingRemindersDue(db(), org.campaign, org, new Date('2026-11-29T07:00:00Z'));
    const r = list.find((x) => x.meeting.title === '维稳保障组调度会')!;
    expect(r.offset).toBe('1d');
    expect(r.chats).toEqual([WEIWEN, OFFICE]);
    expect(JSON.stringify(r.card)).toContain('<at id=ou_wangmin></at>');
  });
});

describe('standing meetings on the Lark calendar', () => {
  // Wednesday 30 September 2026, 00:00 in Shanghai: the National Day holiday (1–7 October) is inside the next two weeks.
  const SEP30 = '2026-09-29T16:00:00Z';
  const ADMIN = 'admin-token-for-tests-0123456789abcdef';
  let h3: Harness;
  const db3 = () => h3.server.runtime.dbh.db;
  const live = (title: string) => h3.fake.calendarEvents.filter((e) => e.summary === title && !e.deleted);
  const startsOf = (title: string) => live(title).map((e) => new Date(Number(e.start_time.timestamp) * 1000).toISOString()).sort();
  const creates = () => h3.fake.calls.filter((c) => c.method === 'POST' && /\/calendars\/[^/]+\/events$/.test(c.path)).length;
  const tick = async (iso: string) => {
    h3.clock.set(iso);
    await h3.server.runtime.runner.tick(new Date(iso));
  };
  const seq = async (title: string) => (await db3().select().from(meetings).where(eq(meetings.title, title)))[0]!.seq;

  beforeAll(async () => {
    h3 = await startHarness({ now: SEP30, env: { ...env, ADMIN_TOKEN: ADMIN } });
  });
  afterAll(() => h3.close());

  it('each sitting in the next two weeks gets its own event with the group’s liaisons; the holiday week has none', async () => {
    await tick(SEP30);
    // weekly Monday 15:00 and Tuesday 09:30: 5 and 6 October are National Day holidays, 12 and 13 October are held
    expect(startsOf('维稳保障组调度会')).toEqual(['2026-10-12T07:00:00.000Z']);
    expect(startsOf('工程建设组调度会')).toEqual(['2026-10-13T01:30:00.000Z']);
    expect(live('领导小组办公室专题会')).toHaveLength(0); // last Thursday: 29 October is beyond two weeks
    const [ev] = live('维稳保障组调度会');
    expect(ev!.attendees.map((a) => a['user_id'])).toContain('ou_wangmin');
    expect(ev!.idempotency_key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await db3().select().from(meetingSittings)).toHaveLength(2);
  });

  it('the next tick changes nothing; a week later the new sittings are added', async () => {
    const before = creates();
    await tick('2026-09-29T16:01:00Z');
    expect(creates()).toBe(before);
    await tick('2026-10-06T16:00:00Z'); // Wednesday 7 October 00:00
    expect(startsOf('维稳保障组调度会')).toEqual(['2026-10-12T07:00:00.000Z', '2026-10-19T07:00:00.000Z']);
    expect(startsOf('工程建设组调度会')).toEqual(['2026-10-13T01:30:00.000Z', '2026-10-20T01:30:00.000Z']);
  });

  it('a crash between creating an event and recording it makes no second event (the idempotency key)', async () => {
    const events = h3.fake.calendarEvents.length;
    const before = creates();
    await db3().delete(meetingSittings).run();
    await tick('2026-10-06T16:02:00Z');
    expect(creates()).toBe(before + 4);
    expect(h3.fake.calendarEvents.length).toBe(events);
    expect(await db3().select().from(meetingSittings)).toHaveLength(4);
  });

  it('meeting show lists the sittings on the calendar', async () => {
    h3.clock.set('2026-10-06T16:03:00Z');
    const { messageId } = await h3.say({ from: 'ou_chenbo', chat: P2P, text: `会议 查看 M${await seq('维稳保障组调度会')}` });
    const reply = h3.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(JSON.stringify(reply.content)).toContain('飞书日历已排入此后 2 次：10/12 15:00、10/19 15:00');
  });

  it('a new plan that moves a series replaces the events of the sittings no longer held', async () => {
    const plan = readFileSync(examplePlan, 'utf8').replace('recurrence: "weekly tue 09:30"', 'recurrence: "weekly wed 09:30"');
    const res = await fetch(`${h3.url}/admin/plan`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'text/yaml' }, body: plan });
    expect(res.status).toBe(200);
    await tick('2026-10-06T16:04:00Z');
    // Wednesday 14 October is inside the two weeks; 21 October 09:30 is not yet
    expect(startsOf('工程建设组调度会')).toEqual(['2026-10-14T01:30:00.000Z']);
    expect(h3.fake.calendarEvents.filter((e) => e.summary === '工程建设组调度会' && e.deleted)).toHaveLength(2);
  });

  it('cancelling a series deletes the events of its sittings ahead at once, and the job adds no more', async () => {
    // one of them was already deleted by hand in Lark: Lark answers "not found", which counts as done
    live('维稳保障组调度会')[0]!.deleted = true;
    h3.clock.set('2026-10-06T16:05:00Z');
    const { messageId } = await h3.say({ from: 'ou_chenbo', chat: P2P, text: `会议 取消 M${await seq('维稳保障组调度会')}` });
    const reply = h3.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(reply.content.text).toContain('已删除飞书日历中此后 2 次会议的日程');
    expect(live('维稳保障组调度会')).toHaveLength(0);
    expect((await db3().select().from(meetingSittings)).filter((r) => r.startsAt.endsWith('T07:00:00.000Z'))).toHaveLength(0);
    await tick('2026-10-13T16:00:00Z');
    expect(live('维稳保障组调度会')).toHaveLength(0);
    expect(startsOf('工程建设组调度会')).toEqual(['2026-10-14T01:30:00.000Z', '2026-10-21T01:30:00.000Z']);
  });

  it('while Lark is down nothing is recorded; the next tick after it returns creates the events', async () => {
    h3.fake.setFaults({ down: true });
    await tick('2026-10-20T16:00:00Z'); // Wednesday 21 October 00:00: 28 and 29 October come within two weeks
    expect(live('领导小组办公室专题会')).toHaveLength(0);
    expect((await db3().select().from(meetingSittings)).map((r) => r.startsAt)).not.toContain('2026-10-29T07:00:00.000Z');
    h3.fake.setFaults({});
    await tick('2026-10-20T16:01:00Z');
    expect(startsOf('领导小组办公室专题会')).toEqual(['2026-10-29T07:00:00.000Z']);
    // the sittings already held keep their events
    expect(startsOf('工程建设组调度会')).toEqual(['2026-10-14T01:30:00.000Z', '2026-10-21T01:30:00.000Z', '2026-10-28T01:30:00.000Z']);
  });

  it('cancelling a series while Lark is down says the removal will be retried; the next tick removes the events', async () => {
    h3.clock.set('2026-10-20T16:02:00Z');
    h3.fake.setFaults({ down: true });
    const ev = messageEvent({ from: 'ou_chenbo', chat: P2P, text: `会议 取消 M${await seq('工程建设组调度会')}` });
    h3.fake.seedMessage(ev.event.message.message_id, P2P);
    expect((await h3.post(ev)).status).toBe(200);
    await h3.server.runtime.settled();
    h3.fake.setFaults({});
    await h3.settle();
    const reply = h3.fake.messages.find((m) => m.reply_to === ev.event.message.message_id)!;
    expect(reply.content.text).toContain('此后各次会议的日程将自动重试删除');
    expect(startsOf('工程建设组调度会')).toContain('2026-10-28T01:30:00.000Z');
    await tick('2026-10-20T16:03:00Z');
    expect(startsOf('工程建设组调度会')).toEqual(['2026-10-14T01:30:00.000Z']);
  });
});

describe('without the calendar scope', () => {
  let h2: Harness;
  beforeAll(async () => {
    h2 = await startHarness({ now: TUESDAY_0030, env });
    h2.fake.scopes.delete('calendar:calendar');
  });
  afterAll(() => h2.close());

  it('the meeting is still scheduled and the reply says the calendar was skipped', async () => {
    const { messageId } = await h2.say({ from: 'ou_chenbo', chat: OFFICE, text: '会议 安排 无日历会 时间：明天 10:00 参会：区公安局' });
    const reply = h2.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(JSON.stringify(reply.content)).toContain('未创建飞书日程');
    const [m] = await h2.server.runtime.dbh.db.select().from(meetings).where(eq(meetings.title, '无日历会'));
    expect(m!.startsAt).toBe('2026-11-25T02:00:00.000Z');
    expect(m!.calendarEventId).toBeNull();
    expect(h2.fake.calendarEvents).toHaveLength(0);
  });

  it('the job puts no standing meeting on the calendar and asks Lark for the calendar only once', async () => {
    await h2.server.runtime.runner.tick(new Date('2026-11-23T16:31:00Z'));
    await h2.server.runtime.runner.tick(new Date('2026-11-23T16:32:00Z'));
    expect(h2.fake.calendarEvents).toHaveLength(0);
    expect(h2.fake.calls.filter((c) => c.path.startsWith('/open-apis/calendar/')).length).toBe(1);
  });
});
