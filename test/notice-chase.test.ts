// The notice-chase job and the lagging weight of unanswered notices: a notice past its deadline without a reply is
// chased once on each workday after it (never on a public holiday, never twice a day) in its unit's group chats with
// an @ of the liaison, and the office hears; it stops once the unit replies. Such a notice weighs 2 in the lagging
// score (src/reports/scoring.ts, README).
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeEvents, notices } from '../db/schema.js';
import { workCalendar } from '../src/core/calendar.js';
import { readPlan } from '../src/plan/apply.js';
import { POINTS, scoreUnits } from '../src/reports/scoring.js';
import { examplePlan } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const ZONE = 'Asia/Shanghai';
const sh = (s: string) => DateTime.fromISO(s, { zone: ZONE }).toJSDate();
const OFFICE = 'oc_xinhe_office';
const UNIT_CHATS = ['oc_xinhe_weiwen', 'oc_xinhe_anquan', 'oc_xinhe_zonghe'];

const db = (h: Harness) => h.server.runtime.dbh.db;

async function say(h: Harness, from: string, text: string, at: string) {
  h.clock.set(sh(at));
  const said = await h.say({ from, chat: `oc_p2p_${from}`, text });
  return flatten(h.fake.messages.find((m) => m.reply_to === said.messageId)!.content);
}

const chasesIn = (h: Harness, chat: string) => h.textsIn(chat).filter((t) => t.includes('【督办催办】'));

describe('the notice-chase job', () => {
  let h: Harness;
  beforeAll(async () => {
    // Monday 28 September 2026; 1–7 October is the National Day holiday, Saturday 10 October an adjusted workday.
    h = await startHarness({ now: sh('2026-09-28T10:00').toISOString(), env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  });
  afterAll(() => h.close());

  const tick = async (at: string) => {
    h.clock.set(sh(at));
    await h.server.runtime.runner.tick(sh(at));
    await h.settle();
  };

  it('chases an unanswered notice on each workday after its deadline, once a day, not on holidays, until the unit replies', async () => {
    await say(h, 'ou_chenbo', '督办 区公安局 排查节前安全隐患 截止：2026-09-30', '2026-09-28T10:00');
    await say(h, 'ou_chenbo', '督办 泰达城发集团 清理楼道堆物 截止：2026-09-30', '2026-09-28T10:05');
    const [police, taida] = await db(h).select().from(notices).orderBy(notices.seq);
    // 泰达城发集团 answers in time: it is never chased.
    await say(h, 'ou_zhaojing', `督办 回复 D${taida!.seq} 已清理完毕`, '2026-09-29T15:00');

    await tick('2026-09-30T12:00'); // due today: not yet overdue
    expect(chasesIn(h, OFFICE)).toHaveLength(0);
    for (let d = 1; d <= 7; d++) await tick(`2026-10-0${d}T12:00`); // the holiday week
    expect(chasesIn(h, OFFICE)).toHaveLength(0);

    await tick('2026-10-08T12:00'); // first workday after the deadline
    await tick('2026-10-08T18:00');
    const res = await h.server.runtime.runner.runNow('notice-chase', sh('2026-10-08T19:00'));
    expect(res.map((r) => r.outcome)).toEqual(['already']);
    for (const chat of UNIT_CHATS) {
      const chases = h.fake.messagesIn(chat).filter((m) => flatten(m.content).includes('【督办催办】'));
      expect(chases, chat).toHaveLength(1);
      expect(chases[0]!.raw).toContain('<at id=ou_zhangli></at>');
      expect(flatten(chases[0]!.content)).toContain(`D${police!.seq}`);
    }
    const office = chasesIn(h, OFFICE);
    expect(office).toHaveLength(1);
    expect(office[0]).toContain(`D${police!.seq}`);
    expect(office[0]).not.toContain(`D${taida!.seq}`);

    await tick('2026-10-09T12:00'); // the next workday: chased again
    expect(chasesIn(h, OFFICE)).toHaveLength(2);
    await say(h, 'ou_zhangli', `督办 回复 D${police!.seq} 已排查完毕，隐患已整改`, '2026-10-09T16:00');
    await tick('2026-10-10T12:00'); // an adjusted workday, but the unit has replied
    await tick('2026-10-12T12:00');
    expect(chasesIn(h, OFFICE)).toHaveLength(2);

    const chased = await db(h).select().from(noticeEvents).where(eq(noticeEvents.noticeId, police!.id));
    expect(chased.filter((e) => e.kind === 'chased').map((e) => e.note)).toEqual(['2026-10-08', '2026-10-09']);
  });
});

describe('unanswered notices in the lagging score', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { SEND_PER_CHAT_PER_SECOND: '100' } }); // Monday 23 November 2026, 10:00
  });
  afterAll(() => h.close());

  it('a unit with unanswered overdue notices is lagging, 2 points each, worst first; a unit that replied is not', async () => {
    const monday = '2026-11-23T10:00';
    await say(h, 'ou_chenbo', '督办 泰达城发集团 清理楼道堆物 截止：2026-11-24', monday);
    await say(h, 'ou_chenbo', '督办 泰达城发集团 修复路灯 截止：2026-11-24', monday);
    await say(h, 'ou_chenbo', '督办 区公安局 排查治安隐患 截止：2026-11-24', monday);
    await say(h, 'ou_chenbo', '督办 新河街道办事处 走访安置户 截止：2026-11-24', monday);
    const xinhe = (await db(h).select().from(notices)).find((n) => n.text === '走访安置户')!;
    await say(h, 'ou_wangmin', `督办 回复 D${xinhe.seq} 已走访32户`, '2026-11-24T11:00');

    // Tuesday, the deadline: nobody is lagging yet.
    expect(await say(h, 'ou_zhangli', '落后', '2026-11-24T17:00')).toContain('本期没有落后单位');
    // Wednesday: 泰达城发集团 4 points, 区公安局 2; 新河街道办事处 replied.
    const text = await say(h, 'ou_zhangli', '落后', '2026-11-25T10:00');
    expect(text).toMatch(/1\. \*\*泰达城发集团\*\*\s*4 分：督办单逾期未回复 2 件/);
    expect(text).toMatch(/2\. \*\*区公安局\*\*\s*2 分：督办单逾期未回复 1 件/);
    expect(text).not.toContain('新河街道办事处');
    expect(text).toContain(`督办单逾期未回复每件 ${POINTS.notice} 分`);
  });

  it('weighs more than an overdue task and less than a missed report', () => {
    const got = scoreUnits(
      [
        { unitId: 1, name: 'task', order: 0, missed: [], late: [], overdueDeadlines: ['2026-11-20'] },
        { unitId: 2, name: 'notice', order: 1, missed: [], late: [], overdueDeadlines: [], unansweredNotices: 1 },
        { unitId: 3, name: 'missed', order: 2, missed: ['W47'], late: [], overdueDeadlines: [] },
      ],
      workCalendar('cn'),
      '2026-11-25',
    );
    expect(got.map((l) => [l.name, l.score])).toEqual([
      ['missed', 3],
      ['notice', 2],
      ['task', 1],
    ]);
  });
});

describe('the chase in the plan', () => {
  const reference = readFileSync(examplePlan, 'utf8');
  it('its time of day is a plan setting like the other timed jobs; anything else under it is a problem', () => {
    const ok = readPlan(`${reference}\njobs:\n  notice-chase: { time: "10:00" }\n`);
    expect(ok.ok).toBe(true);
    const bad = readPlan(`${reference}\njobs:\n  notice-chase: { every: daily }\n`);
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toContain('jobs.notice-chase');
  });
});
