// Builds the bench database: a campaign of 200 units in 20 groups with 5,000 tasks and two years (104 weeks) of weekly
// reports, and a fan-out campaign of 1,000 group chats, through the real plan loader plus bulk inserts.
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DbHandle } from '../db/client.js';
import { reports, tasks } from '../db/schema.js';
import { ManualClock } from '../src/core/clock.js';
import { applyPlanText } from '../src/plan/apply.js';

export const BENCH_CAMPAIGN = '滨海新区基础设施建设指挥部（压测）';
export const FANOUT_CAMPAIGN = '千群提醒（压测）';

export function benchPlan(units = 200, groups = 20) {
  const unitNames = Array.from({ length: units }, (_, i) => `单位${String(i + 1).padStart(3, '0')}`);
  return {
    campaign: { name: BENCH_CAMPAIGN, timezone: 'Asia/Shanghai', office_unit: unitNames[0], office_chat: 'oc_bench_office', leaders_chat: 'oc_bench_leaders' },
    units: unitNames.map((name) => ({ name })),
    people: [
      { name: '办公室', open_id: 'ou_bench_office', unit: unitNames[0], roles: ['office'] },
      { name: '指挥长', open_id: 'ou_bench_commander', unit: unitNames[0], roles: ['commander'] },
      ...unitNames.map((u, i) => ({ name: `联络员${i + 1}`, open_id: `ou_bench_${i + 1}`, unit: u, roles: ['liaison'] })),
    ],
    groups: Array.from({ length: groups }, (_, g) => ({
      name: `协调推动组${g + 1}`,
      lead: unitNames[g * (units / groups)],
      units: unitNames.slice(g * (units / groups), (g + 1) * (units / groups)),
      chat_id: `oc_bench_group_${g + 1}`,
    })),
    reporting: [{ name: '周报', cadence: 'weekly', due: { weekday: 'fri', time: '17:00' }, who: 'all_units', remind_before: ['1d'], chats: ['groups', 'office'] }],
  };
}

export function fanoutPlan(chats = 1000, units = 200) {
  const unitNames = Array.from({ length: units }, (_, i) => `责任单位${String(i + 1).padStart(3, '0')}`);
  return {
    campaign: { name: FANOUT_CAMPAIGN, timezone: 'Asia/Shanghai', office_chat: 'oc_fan_office' },
    units: unitNames.map((name) => ({ name })),
    people: unitNames.map((u, i) => ({ name: `联络员${i + 1}`, open_id: `ou_fan_${i + 1}`, unit: u, roles: ['liaison'] })),
    groups: Array.from({ length: chats }, (_, g) => ({ name: `工作组${g + 1}`, lead: unitNames[g % units], units: [], chat_id: `oc_fan_${g + 1}` })),
    reporting: [{ name: '工作进度专报', cadence: 'weekly', due: { weekday: 'fri', time: '17:00' }, who: 'group_leads', remind_before: ['1d'], chats: ['groups', 'office'] }],
  };
}

/** Applies both plans and fills the ledger and two years of reports. `now` is the bench's campaign time. */
export async function seed(dbh: DbHandle, now: Date): Promise<{ campaignId: number }> {
  const clock = new ManualClock(now);
  const a = await applyPlanText(dbh, JSON.stringify(benchPlan()), clock);
  if (!a.ok) throw new Error(JSON.stringify(a.problems));
  const b = await applyPlanText(dbh, JSON.stringify(fanoutPlan()), clock);
  if (!b.ok) throw new Error(JSON.stringify(b.problems));
  const cid = a.campaignId;
  const unitIds = (await dbh.db.all<{ id: number }>(sql`select id from units where campaign_id = ${cid} order by id`)).map((r) => r.id);
  const groupIds = (await dbh.db.all<{ id: number }>(sql`select id from groups where campaign_id = ${cid} order by id`)).map((r) => r.id);
  const [rule] = await dbh.db.all<{ id: number }>(sql`select id from reporting_rules where campaign_id = ${cid}`);
  const today = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' }).startOf('day');

  const taskRows = Array.from({ length: 5000 }, (_, i) => ({
    campaignId: cid,
    seq: i + 1,
    title: `重点工作事项${i + 1}`,
    target: '按期完成',
    groupId: groupIds[i % groupIds.length]!,
    leadUnitId: unitIds[i % unitIds.length]!,
    cooperatingUnitIds: [unitIds[(i + 7) % unitIds.length]!],
    // spread deadlines over ±200 days: about half are past
    deadline: today.plus({ days: (i % 400) - 200 }).toISODate()!,
    status: (i % 3 === 0 ? 'done' : 'open') as 'done' | 'open',
    source: 'bench',
    createdAt: now.toISOString(),
  }));
  const reportRows = [];
  for (let w = 1; w <= 104; w++) {
    const week = today.minus({ weeks: w });
    const period = `${week.weekYear}-W${String(week.weekNumber).padStart(2, '0')}`;
    for (const [k, unitId] of unitIds.entries()) {
      if ((k + w) % 10 === 0) continue; // one unit in ten misses a week
      reportRows.push({
        campaignId: cid,
        ruleId: rule!.id,
        unitId,
        period,
        progress: '按计划推进',
        problems: '无',
        nextSteps: '继续推进',
        metrics: { 拆除: k % 5 },
        submittedBy: 1,
        submittedAt: week.toISO()!,
        late: (k + w) % 7 === 0,
      });
    }
  }
  const chunk = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
  await dbh.atomic([
    ...chunk(taskRows, 500).map((c) => dbh.db.insert(tasks).values(c)),
    ...chunk(reportRows, 500).map((c) => dbh.db.insert(reports).values(c)),
  ]);
  return { campaignId: cid };
}
