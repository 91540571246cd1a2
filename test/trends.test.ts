// Numbers over time through the real path: six months of monthly reports sent at set clock times (some late, some
// missed); the bulletin then shows each unit's on-time rate per month as a line chart and a table, and each metric's
// sum for the month and since the campaign began; 进度 <单位> shows the unit's last periods and metric values.
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'trends.plan.yaml');
const sh = (s: string) => DateTime.fromISO(s, { zone: 'Asia/Shanghai' }).toJSDate();
let h: Harness;

async function say(from: string, text: string, at: string) {
  h.clock.set(sh(at));
  const { messageId } = await h.say({ from, chat: `oc_p2p_${from}`, text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return reply.content as any;
}

const report = (metrics: string, period = '') => `汇报${period ? ` 周期 ${period}` : ''}\n进展：拆违工作推进中\n问题：无\n下一步：继续推进\n指标：${metrics}`;
const elementsOf = (card: any, tag: string) => card.body.elements.filter((e: any) => e.tag === tag);
const rowsOf = (tableEl: any) => tableEl.rows.map((r: any) => tableEl.columns.map((c: any) => r[c.name]));

beforeAll(async () => {
  h = await startHarness({ plan: PLAN, now: '2026-06-01T01:00:00Z' });
  // Due on the last workday of each month at 17:00: 30 Jun, 31 Jul, 31 Aug, 30 Sep, 30 Oct (31st is a Saturday), 30 Nov.
  // 北塘街道: on time but August (late) and October (missed).
  await say('ou_malan', report('拆除=5，面积=100'), '2026-06-25T10:00');
  await say('ou_malan', report('拆除=3，面积=60'), '2026-07-28T10:00');
  await say('ou_malan', report('拆除=4', '2026-08'), '2026-09-02T10:00');
  await say('ou_malan', report('拆除=2，面积=40'), '2026-09-29T10:00');
  await say('ou_malan', report('拆除=6，面积=150'), '2026-11-27T10:00');
  // 新港街道: every month on time.
  for (const m of ['06', '07', '08', '09', '10']) await say('ou_linhai', report('拆除=1'), `2026-${m}-20T10:00`);
  await say('ou_linhai', report('拆除=2，面积=30'), '2026-11-20T10:00');
  // 胡家园街道: June missed, July late, August to October on time, November missed.
  await say('ou_songjia', report('拆除=7', '2026-07'), '2026-08-03T10:00');
  await say('ou_songjia', report('拆除=0'), '2026-08-20T10:00');
  await say('ou_songjia', report('拆除=1'), '2026-09-21T10:00');
  await say('ou_songjia', report('拆除=2'), '2026-10-20T10:00');
}, 120_000);
afterAll(() => h.close());

describe('the monthly bulletin over six months', () => {
  it('shows each unit’s on-time rate per month, in a line chart and a table, to the number', async () => {
    const card = await say('ou_zhouping', '通报 2026-11', '2026-12-01T09:00');
    const [chart] = elementsOf(card, 'chart').filter((c: any) => c.chart_spec.type === 'line');
    expect(chart.chart_spec.seriesField).toBe('series');
    const byUnit = (unit: string) => chart.chart_spec.data.values.filter((v: any) => v.series === unit).map((v: any) => `${v.x}:${v.y}`);
    expect(byUnit('北塘街道')).toEqual(['6月:100', '7月:100', '8月:0', '9月:100', '10月:0', '11月:100']);
    expect(byUnit('新港街道')).toEqual(['6月:100', '7月:100', '8月:100', '9月:100', '10月:100', '11月:100']);
    expect(byUnit('胡家园街道')).toEqual(['6月:0', '7月:0', '8月:100', '9月:100', '10月:100', '11月:0']);
    const [rates] = elementsOf(card, 'table');
    expect(rates.columns.map((c: any) => c.display_name)).toEqual(['单位', '6月', '7月', '8月', '9月', '10月', '11月']);
    expect(rowsOf(rates)).toEqual([
      ['北塘街道', '100%', '100%', '0%', '100%', '0%', '100%'],
      ['新港街道', '100%', '100%', '100%', '100%', '100%', '100%'],
      ['胡家园街道', '0%', '0%', '100%', '100%', '100%', '0%'],
    ]);
  });

  it('shows each metric’s sum for the month and since the campaign began', async () => {
    const card = await say('ou_zhouping', '通报 2026-11', '2026-12-01T09:05');
    const metrics = elementsOf(card, 'table').at(-1);
    expect(metrics.columns.map((c: any) => c.display_name)).toEqual(['指标', '本月', '专项开始以来累计']);
    expect(rowsOf(metrics)).toEqual([
      ['拆除', '8', '37'],
      ['面积', '180', '380'],
    ]);
    // October: only 新港街道 (1) and 胡家园街道 (2) reported; the total counts what was due by the end of October.
    const oct = elementsOf(await say('ou_zhouping', '通报 2026-10', '2026-12-01T09:10'), 'table').at(-1);
    expect(rowsOf(oct)).toEqual([
      ['拆除', '3', '29'],
      ['面积', '0', '200'],
    ]);
  });

  it('the month-end job posts the bulletin with its trend chart to the leaders’ and the office chats', async () => {
    h.clock.set(sh('2026-11-30T16:00'));
    await h.server.runtime.runner.runNow('monthly-bulletin', sh('2026-11-30T16:00'));
    await h.settle();
    for (const chat of ['oc_wj_leaders', 'oc_wj_office']) {
      const [posted] = h.fake.messagesIn(chat);
      expect(posted, chat).toBeDefined();
      expect(elementsOf(posted!.content, 'chart').some((c: any) => c.chart_spec.type === 'line')).toBe(true);
    }
    // At 16:00 November is not yet due: its rates are not in; its numbers already are.
    const rates = elementsOf(h.fake.messagesIn('oc_wj_office')[0]!.content, 'table')[0];
    expect(rowsOf(rates)[0]).toEqual(['北塘街道', '100%', '100%', '0%', '100%', '0%', '—']);
  });
});

describe('进度 <单位>', () => {
  it('shows the unit’s last six periods: on time or not, and each metric per period', async () => {
    const card = await say('ou_zhouping', '进度 北塘街道', '2026-12-01T09:20');
    const text = JSON.stringify(card);
    expect(text).toContain('近6期 · 月度进展**　按时报送 3/6');
    const trend = elementsOf(card, 'table').at(-1);
    expect(trend.columns.map((c: any) => c.display_name)).toEqual(['项目', '7月', '8月', '9月', '10月', '11月', '12月']);
    expect(rowsOf(trend)).toEqual([
      ['专报', '按时', '逾期', '按时', '未报', '按时', '未报'],
      ['拆除', '3', '4', '2', '—', '6', '—'],
      ['面积', '60', '—', '40', '—', '150', '—'],
    ]);
    const [chart] = elementsOf(card, 'chart');
    expect(chart.chart_spec.type).toBe('line');
    expect(chart.chart_spec.data.values.filter((v: any) => v.series === '拆除').map((v: any) => v.y)).toEqual([3, 4, 2, 6]);
  });
});

describe('sums after a revision', () => {
  it('a revised report changes the sums at once (the sums kept between bulletins are dropped when a report changes)', async () => {
    // 北塘街道 revises November's report: 拆除 6 → 10, 面积 unchanged
    await say('ou_malan', report('拆除=10，面积=150', '2026-11'), '2026-12-01T09:20');
    const card = await say('ou_zhouping', '通报 2026-11', '2026-12-01T09:25');
    expect(rowsOf(elementsOf(card, 'table').at(-1))).toEqual([
      ['拆除', '12', '41'],
      ['面积', '180', '380'],
    ]);
  });
});
