// The jobs over a whole month of the reference plan, with the National Day holiday week, a restart and two outages:
// every expected message reaches its chat once, none on holidays or weekends, none twice.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../db/schema.js';
import { workCalendar } from '../src/core/calendar.js';
import { startHarness, type Harness } from './support/harness.js';

const ZONE = 'Asia/Shanghai';
const cal = workCalendar('cn');
const sh = (s: string) => DateTime.fromISO(s, { zone: ZONE }).toJSDate();
let h: Harness;
const logs: string[] = [];

/** Ticks the runner every 30 minutes from `from` to `to` (campaign time), as the scheduler would every minute. */
async function walk(from: string, to: string) {
  for (let t = sh(from).getTime(); t <= sh(to).getTime(); t += 30 * 60_000) {
    h.clock.set(t);
    await h.server.runtime.runner.tick(new Date(t));
  }
}

const titlesIn = (chat: string) => h.fake.messagesIn(chat).map((m) => String(m.content.header?.title?.content ?? ''));

beforeAll(async () => {
  h = await startHarness({ now: '2026-09-27T16:00:00Z', logLines: logs });
  // A task due on Friday 9 October, right after the holiday week, for the deadline reminders.
  await h.say({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
  const { tasks } = await import('../db/schema.js');
  await h.server.runtime.dbh.db.insert(tasks).values({ campaignId: 1, seq: 99, title: '完成节后复工安全检查', leadUnitId: 6, groupId: 2, deadline: '2026-10-09', createdAt: '2026-09-27T00:00:00Z' }).run();

  // First tick at start: 3 days of look-back, nothing due yet in that span except W39's reminders, which are stale.
  h.clock.set(sh('2026-09-28T00:00'));
  await h.server.runtime.runner.tick(sh('2026-09-28T00:00'));
  await walk('2026-09-28T00:30', '2026-10-15T12:00');
  // A restart in the middle: the new runner looks back 3 days and finds everything already in the ledger.
  await h.restart();
  await h.server.runtime.runner.tick(sh('2026-10-15T12:30'));
  // 新河街道办事处 reports week 42 on Thursday morning: its chats get no 2-hour reminder and no chase that week.
  const { reports } = await import('../db/schema.js');
  await h.server.runtime.dbh.db.insert(reports).values({ campaignId: 1, ruleId: 1, unitId: 17, period: '2026-W42', progress: '完成', submittedBy: 4, submittedAt: '2026-10-15T02:00:00Z' }).run();
  await walk('2026-10-15T13:00', '2026-10-22T16:00');
  // Outage 1: down from Thursday 16:00 to Friday 16:00; both reminders of W43 are still before the due time.
  await h.restart();
  h.clock.set(sh('2026-10-23T16:00'));
  await h.server.runtime.runner.tick(sh('2026-10-23T16:00'));
  await walk('2026-10-23T16:30', '2026-10-29T16:00');
  // Outage 2: down from Thursday 16:00 to Friday 18:00, after W44's due time: reminders are stale, the chase is not.
  await h.restart();
  h.clock.set(sh('2026-10-30T18:00'));
  await h.server.runtime.runner.tick(sh('2026-10-30T18:00'));
  await walk('2026-10-30T18:30', '2026-10-31T23:30');
  await h.settle();
}, 120_000);
afterAll(() => h.close());

describe('a month of jobs for the reference plan', () => {
  it('nothing is posted on a weekend or a public holiday', async () => {
    const rows = await h.server.runtime.dbh.db.select({ at: outbox.createdAt, key: outbox.dedupeKey }).from(outbox);
    const jobRows = rows.filter((r) => r.key.startsWith('job:'));
    expect(jobRows.length).toBeGreaterThan(20);
    for (const r of jobRows) {
      const d = DateTime.fromISO(r.at, { zone: ZONE });
      // chinese-days: 1–7 October are holidays, Saturday 10 October is an adjusted workday (调休)
      expect(cal.isWorkday(d.toISODate()!), `${r.key} at ${r.at}`).toBe(true);
      expect(d.toISODate()! >= '2026-10-01' && d.toISODate()! <= '2026-10-07', `${r.key} on a holiday`).toBe(false);
    }
  });

  it('the due date on National Day moves to Wednesday 30 September, and its reminders with it', () => {
    const titles = titlesIn('oc_xinhe_anquan');
    expect(titles.filter((t) => t === '【报送提醒】工作进度专报')).toHaveLength(2 + 2 + 2 + 2 + 0);
    const w40 = h.fake.messagesIn('oc_xinhe_anquan').filter((m) => String(m.content.header?.subtitle?.content).startsWith('第40周'));
    expect(w40.map((m) => m.content.header.subtitle.content)).toEqual(['第40周（9月28日—30日） · 截止 9月30日（周三）17:00', '第40周（9月28日—30日） · 截止 9月30日（周三）17:00']);
  });

  it('each queued message reached Lark exactly once, even across a restart and catch-up', async () => {
    const rows = await h.server.runtime.dbh.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const accepted = new Map<string, number>();
    for (const c of h.fake.calls) if (c.method === 'POST' && c.path.endsWith('/im/v1/messages') && c.status === 200) accepted.set(c.body.uuid, (accepted.get(c.body.uuid) ?? 0) + 1);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(accepted.size).toBe(rows.filter((r) => r.kind === 'send').length);
  });

  it('a unit that reported gets no further reminder and no chase', () => {
    const about = (chat: string, period: string) =>
      h.fake.messagesIn(chat).filter((m) => /^【(报送提醒|催报)】/.test(String(m.content.header?.title?.content)) && JSON.stringify(m.content).includes(period));
    const w42 = about('oc_xinhe_weiwen', '第42周');
    // the 1-day reminder (Thursday 17:00) came after the report (Thursday 10:00): nothing at all for W42
    expect(w42).toHaveLength(0);
    expect(about('oc_xinhe_anquan', '第42周')).toHaveLength(3);
  });

  it('the office is chased after each due time, and the chase names the units and @mentions their liaisons', () => {
    const chases = h.fake.messagesIn('oc_xinhe_office').filter((m) => String(m.content.header?.title?.content).startsWith('【催报】'));
    expect(chases.map((m) => m.content.header.title.content)).toEqual(['【催报】工作进度专报 第40周（9月28日—30日）', '【催报】工作进度专报 第41周（10月8日—10日）', '【催报】工作进度专报 第42周（10月12日—16日）', '【催报】工作进度专报 第43周（10月19日—23日）', '【催报】工作进度专报 第44周（10月26日—30日）']);
    const text = JSON.stringify(chases[0]!.content);
    expect(text).toContain('经开区管委会');
    expect(text).toContain('<at id=ou_liqiang></at>');
  });

  it('after an outage, reminders still inside their window are caught up once; stale ones are skipped with a log line', () => {
    const about = (period: string) => h.fake.messagesIn('oc_xinhe_anquan').filter((m) => /^【(报送提醒|催报)】/.test(String(m.content.header?.title?.content)) && JSON.stringify(m.content).includes(period));
    const w43 = about('第43周');
    expect(w43.filter((m) => m.content.header.title.content === '【报送提醒】工作进度专报')).toHaveLength(2);
    const w44 = about('第44周');
    expect(w44.map((m) => m.content.header.title.content)).toEqual(['【催报】工作进度专报 第44周（10月26日—30日）']);
    expect(logs.some((l) => l.includes('missed job occasion skipped') && l.includes('2026-W44:1d'))).toBe(true);
  });

  it('the deadline reminder runs on workdays only, for a task due within 3 workdays', () => {
    const reminders = h.fake.messagesIn('oc_xinhe_anquan').filter((m) => m.content.header?.title?.content === '【到期提醒】以下任务即将到期');
    // Sep 29 (Sep 30, Oct 8, Oct 9 are the next 3 workdays), Sep 30, Oct 8 and Oct 9; nothing in the holiday week
    expect(reminders).toHaveLength(4);
    expect(JSON.stringify(reminders[0]!.content)).toContain('T99');
  });

  it('running a job again for the same occasion sends nothing (the ledger)', async () => {
    const before = h.fake.messages.length;
    const res = await h.server.runtime.runner.runNow('report-chase', sh('2026-10-31T12:00'));
    await h.settle();
    expect(res[0]!.outcome).toBe('already');
    expect(h.fake.messages.length).toBe(before);
  });
});

describe('digests, the lagging list and the bulletin over the same month', () => {
  const titles = (chat: string) => h.fake.messagesIn(chat).map((m) => String(m.content.header?.title?.content ?? ''));

  it('the overdue digest goes out on the week’s first workday, with the task yellow before it is overdue', () => {
    const digests = h.fake.messagesIn('oc_xinhe_anquan').filter((m) => String(m.content.header?.title?.content).startsWith('逾期任务'));
    // T99 (due Friday 9 October) is 🟡 on Thursday 8 October (the first workday after the holiday week), and overdue
    // from Saturday 10 October: Mondays 12, 19 and 26 October
    expect(digests).toHaveLength(4);
    expect(JSON.stringify(digests[0]!.content)).toContain('🟡 黄灯预警（1 项）');
    expect(JSON.stringify(digests[1]!.content)).toContain('🔴 逾期 1');
    expect(JSON.stringify(digests[1]!.content)).toContain('T99');
    expect(titles('oc_xinhe_office').filter((t) => t === '逾期任务')).toHaveLength(4);
  });

  it('the lagging list goes to the leaders on the last workday of each week and month, with its chart', () => {
    const lists = h.fake.messagesIn('oc_xinhe_leaders').filter((m) => String(m.content.header?.title?.content).startsWith('落后单位'));
    const labels = lists.map((m) => String(m.content.header.title.content));
    // weeks 40–44 (week 40 ends on Wednesday 30 September, week 41 on the adjusted-workday Saturday 10 October), and
    // the months of September and October
    expect(labels.filter((l) => l.includes('本周'))).toHaveLength(5);
    expect(labels.filter((l) => l.includes('本月'))).toHaveLength(2);
    expect(JSON.stringify(lists[0]!.content)).toContain('"tag":"chart"');
    expect(JSON.stringify(lists[0]!.content)).toContain('经开区管委会');
  });

  it('the monthly bulletin reaches the leaders and the office on the last workday of the month', () => {
    for (const chat of ['oc_xinhe_leaders', 'oc_xinhe_office']) {
      const b = h.fake.messagesIn(chat).filter((m) => String(m.content.header?.title?.content).includes('月度通报'));
      expect(b.map((m) => m.content.header.title.content)).toEqual(['新河周转房居住环境改善 · 2026年9月月度通报', '新河周转房居住环境改善 · 2026年10月月度通报']);
    }
  });
});

describe('problem escalation, as a job', () => {
  let p: Harness;
  beforeAll(async () => {
    p = await startHarness({ now: '2026-11-23T01:00:00Z', env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  });
  afterAll(() => p.close());

  it('a problem raised on Monday reaches the leaders on Thursday 10:00 and the office five workdays later, once each', async () => {
    await p.say({ from: 'ou_wangmin', chat: 'oc_xinhe_weiwen', text: '问题 上报 3号楼管线漏水，需燃气公司配合' });
    const tick = async (iso: string) => {
      p.clock.set(sh(iso));
      await p.server.runtime.runner.tick(sh(iso));
      await p.settle();
    };
    const escalations = (chat: string) => p.fake.messagesIn(chat).filter((m) => String(m.content.header?.title?.content).startsWith('问题升级'));
    await tick('2026-11-23T10:00');
    for (const day of ['24', '25']) await tick(`2026-11-${day}T10:00`);
    expect(escalations('oc_xinhe_leaders')).toHaveLength(0);
    await tick('2026-11-26T09:59');
    await tick('2026-11-26T10:00');
    await tick('2026-11-26T10:30');
    expect(escalations('oc_xinhe_leaders')).toHaveLength(1);
    // a restart does not repeat the step
    await p.restart();
    await tick('2026-11-27T10:00');
    for (const day of ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']) await tick(`${day}T10:00`);
    expect(escalations('oc_xinhe_leaders')).toHaveLength(1);
    expect(escalations('oc_xinhe_office')).toHaveLength(1);
    expect(JSON.stringify(escalations('oc_xinhe_office')[0]!.content)).toContain('3号楼管线漏水，需燃气公司配合');
  });
});
