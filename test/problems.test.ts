// Problems end to end: raised in chat, the office's problem list with level, age and owner, who may resolve and
// escalate, and the ladder the problem-escalation job climbs (group 3 workdays → deputy 5 → office 5 → commander).
import { desc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problems } from '../db/schema.js';
import { workCalendar } from '../src/core/calendar.js';
import { escalate, problemsToEscalate } from '../src/problems/ladder.js';
import { findProblem, openProblems } from '../src/problems/store.js';
import { startHarness, type Harness } from './support/harness.js';

const WEIWEN = 'oc_xinhe_weiwen';
const LEADERS = 'oc_xinhe_leaders';
// Monday 2026-11-23 10:00 in Shanghai
const MONDAY = '2026-11-23T02:00:00Z';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: MONDAY, env: { SEND_PER_CHAT_PER_SECOND: '100' } });
});
afterAll(() => h.close());

const dbh = () => h.server.runtime.dbh;
const replyTo = (messageId: string) => h.fake.messages.find((m) => m.reply_to === messageId)!;

async function say(from: string, chat: string, text: string, at = MONDAY) {
  h.clock.set(at);
  const said = await h.say({ from, chat, text });
  return replyTo(said.messageId);
}

/** Raises a problem in the 维稳保障组 chat on Monday and answers its row. */
async function raise(text: string, from = 'ou_wangmin') {
  await say(from, WEIWEN, `问题 上报 ${text}`);
  const [p] = await dbh().db.select().from(problems).orderBy(desc(problems.id)).limit(1);
  // Free text is kept as typed: full-width punctuation stays.
  expect(p!.text).toBe(text);
  return p!;
}

describe('raising and listing', () => {
  it('anyone registered may raise a problem; in a group chat it belongs to that group', async () => {
    const p = await raise('3号楼居民反映管线漏水，需燃气公司配合', 'ou_zhangli');
    expect(p.level).toBe('group');
    expect(p.status).toBe('open');
    const [row] = await dbh().db.select().from(problems).where(eq(problems.id, p.id));
    expect(row!.groupId).not.toBeNull();
    expect(h.textsIn(WEIWEN).at(-1)).toContain(`P${p.seq}`);
  });

  it('the problem list shows each problem’s level, age in workdays and owner', async () => {
    const p = await raise('周转房外墙脱落需专项资金');
    // Wednesday: two workdays on
    const reply = await say('ou_chenbo', 'oc_p2p_chenbo', '问题 列表', '2026-11-25T03:00:00Z');
    const table = (reply.content as { body: { elements: Array<{ tag: string; rows?: Array<Record<string, string>> }> } }).body.elements.find((e) => e.tag === 'table')!;
    expect(table.rows!.find((r) => r['id'] === `P${p.seq}`)).toMatchObject({ level: '工作组', age: '2 个工作日', owner: '维稳保障组', unit: '新河街道办事处' });
  });
});

describe('who may resolve and escalate', () => {
  it('a liaison may not resolve a problem, and is told which roles may', async () => {
    const p = await raise('楼道堆物清理需城管配合');
    const reply = await say('ou_zhangli', 'oc_p2p_zhangli', `问题 解决 P${p.seq} 已清理`);
    expect(reply.content.text).toContain('办公室');
    expect((await findProblem(dbh().db, p.campaignId, p.seq))!.status).toBe('open');
  });

  it('the lead of another group may not resolve it; the lead of its group may', async () => {
    const p = await raise('夜间施工噪音投诉');
    const refused = await say('ou_liuyang', 'oc_p2p_liuyang', `问题 解决 P${p.seq} 已协调`);
    expect(refused.content.text).toContain('维稳保障组');
    expect((await findProblem(dbh().db, p.campaignId, p.seq))!.status).toBe('open');
    await say('ou_wangmin', 'oc_p2p_wangmin', `问题 解决 P${p.seq} 已与施工方约定22点后停工`);
    const done = (await findProblem(dbh().db, p.campaignId, p.seq))!;
    expect(done.status).toBe('resolved');
    expect(done.resolution).toBe('已与施工方约定22点后停工');
  });

  it('the office escalates by hand one level, and the notice reaches the leaders’ chat once', async () => {
    const p = await raise('临时安置房源不足');
    const before = h.textsIn(LEADERS).length;
    await say('ou_chenbo', 'oc_p2p_chenbo', `问题 升级 P${p.seq}`);
    expect((await findProblem(dbh().db, p.campaignId, p.seq))!.level).toBe('deputy');
    const posted = h.textsIn(LEADERS).slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('临时安置房源不足');
    expect(posted[0]).toContain('副组长');
  });
});

describe('the escalation ladder', () => {
  const cal = workCalendar('cn');
  const zone = 'Asia/Shanghai';

  /** Runs the ladder as the daily 10:00 job would, day by day, and answers the days each step was taken. */
  async function climb(seq: number, campaignId: number, days: number, stopAfter?: { day: string; resolve: true }) {
    const steps: Array<[string, string, string]> = [];
    for (let i = 1; i <= days; i++) {
      const day = DateTime.fromISO('2026-11-23T10:00', { zone }).plus({ days: i });
      const now = day.toJSDate();
      const mine = (await openProblems(dbh().db, campaignId)).filter((p) => p.seq === seq);
      for (const e of problemsToEscalate(mine, now, zone, cal)) if (await escalate(dbh(), e.problem, e.to, now)) steps.push([day.toISODate()!, e.to, e.chat]);
      if (stopAfter?.day === day.toISODate()) {
        await say('ou_chenbo', 'oc_p2p_chenbo', `问题 解决 P${seq} 已协调解决`, now.toISOString());
      }
    }
    return steps;
  }

  it('a problem raised on Monday climbs to the deputy on Thursday and to the office list five workdays later', async () => {
    const p = await raise('管线切改审批卡在规划部门');
    const steps = await climb(p.seq, p.campaignId, 20);
    expect(steps).toEqual([
      ['2026-11-26', 'deputy', 'leaders'], // Tue, Wed, Thu
      ['2026-12-03', 'office', 'office'], // Fri, Mon, Tue, Wed, Thu: the weekend does not count
      ['2026-12-10', 'commander', 'leaders'],
    ]);
  });

  it('a resolved problem stops climbing', async () => {
    const p = await raise('小区路灯损坏待维修');
    const steps = await climb(p.seq, p.campaignId, 16, { day: '2026-11-27', resolve: true });
    expect(steps).toEqual([['2026-11-26', 'deputy', 'leaders']]);
    expect((await findProblem(dbh().db, p.campaignId, p.seq))!.status).toBe('resolved');
  });

  it('a step already taken is not taken twice', async () => {
    const p = await raise('垃圾清运不及时');
    const thursday = new Date('2026-11-26T02:00:00Z');
    const [e] = problemsToEscalate([p], thursday, zone, cal);
    expect(await escalate(dbh(), e!.problem, e!.to, thursday)).toBe(true);
    expect(await escalate(dbh(), e!.problem, e!.to, thursday)).toBe(false);
  });
});
