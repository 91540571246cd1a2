// 红黄绿灯 on ledger items: the rule's boundaries with the clock set (exactly N workdays, a holiday in between, extended,
// overdue by a day), and the light on every surface through the webhook: 任务 列表, 任务 查看, 进度, 逾期, the overdue
// digest, the monthly bulletin and the ledger export.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tasks } from '../db/schema.js';
import { lightRule } from '../src/ledger/light.js';
import { readSheet } from '../src/ledger/sheet.js';
import { examplePlan } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const MONDAY = '2026-11-23T01:00:00Z'; // Monday 23 November 2026, 09:00 in Shanghai

describe('the rule, with the clock set', () => {
  const campaign = { timezone: 'Asia/Shanghai', workdayCalendar: 'cn', settings: {} };
  const open = (deadline: string) => ({ status: 'open' as const, deadline });
  const at = (iso: string) => lightRule(campaign, new Date(iso));

  it('is yellow up to exactly 3 workdays ahead by default, green from the 4th', () => {
    const r = at(MONDAY);
    expect(r.within).toBe(3);
    expect(r.of(open('2026-11-23'), false)).toBe('yellow'); // due today
    expect(r.of(open('2026-11-26'), false)).toBe('yellow'); // Thursday: exactly 3 workdays
    expect(r.of(open('2026-11-27'), false)).toBe('green'); // Friday: 4 workdays
  });

  it('counts workdays across a holiday: 30 September sees the National Day week as no workdays', () => {
    const r = at('2026-09-30T01:00:00Z'); // Wednesday before the 1–7 October holiday
    expect(r.of(open('2026-10-07'), false)).toBe('yellow'); // a week ahead but no workday in between
    expect(r.of(open('2026-10-10'), false)).toBe('yellow'); // Saturday 10 October is an adjusted workday: the 3rd
    expect(r.of(open('2026-10-11'), false)).toBe('yellow'); // Sunday after the 3rd workday: still 3 workdays
    expect(r.of(open('2026-10-12'), false)).toBe('green'); // the 4th workday
  });

  it('is yellow when extended however far the deadline, red when overdue by a day, none when closed', () => {
    const r = at(MONDAY);
    expect(r.of(open('2027-03-31'), true)).toBe('yellow');
    expect(r.why(open('2027-03-31'), true)).toBe('extended');
    expect(r.of(open('2026-11-22'), false)).toBe('red');
    expect(r.of(open('2026-11-22'), true)).toBe('red');
    expect(r.of({ status: 'done', deadline: '2026-11-01' }, false)).toBeUndefined();
    expect(r.of({ status: 'cancelled', deadline: '2026-11-30' }, true)).toBeUndefined();
  });

  it('takes yellow_within from the plan (kept in the campaign settings)', () => {
    const r = lightRule({ ...campaign, settings: { ledger: { yellow_within: 1 } } }, new Date(MONDAY));
    expect(r.of(open('2026-11-24'), false)).toBe('yellow');
    expect(r.of(open('2026-11-25'), false)).toBe('green');
  });
});

let h: Harness;
beforeAll(async () => {
  // The reference plan with the 🟡 window narrowed to 2 workdays.
  const plan = join(mkdtempSync(join(tmpdir(), 'duban-lights-')), 'plan.yaml');
  writeFileSync(plan, readFileSync(examplePlan, 'utf8').replace('ledger: { yellow_within: 3 }', 'ledger: { yellow_within: 2 }'));
  h = await startHarness({ plan, now: MONDAY, env: { SEND_PER_CHAT_PER_SECOND: '100' } });
  // 区司法局's items, added on Monday 23 November: due Wednesday (2 workdays), Thursday (3), last Friday, yesterday.
  const add = (title: string, due: string, group = '综合管理组') => h.say({ from: 'ou_chenbo', chat: 'oc_lights_setup', text: `任务 新增 ${title} 牵头：区司法局 截止：${due} 工作组：${group}` });
  await add('普法宣传进小区', '2026-11-25');
  await add('调解室挂牌', '2026-11-26');
  await add('矛盾纠纷排查', '2026-11-20');
  await add('法律援助站设点', '2026-11-22');
  await add('社区矫正对象走访', '2026-12-31');
  await h.say({ from: 'ou_chenbo', chat: 'oc_lights_setup', text: `任务 延期 T${await seqOf('社区矫正对象走访')} 截止：2027-01-31 原因：对象外出务工` });
  await h.say({ from: 'ou_chenbo', chat: 'oc_lights_setup', text: `任务 新增 人民调解员培训 牵头：区司法局 截止：2026-11-24` });
  await h.say({ from: 'ou_chenbo', chat: 'oc_lights_setup', text: `任务 销账 T${await seqOf('人民调解员培训')} 已培训` });
}, 60_000);
afterAll(() => h.close());

let chat = '';
let n = 0;
beforeEach(() => {
  chat = `oc_lights_${++n}`;
  h.clock.set(MONDAY);
});

async function seqOf(title: string): Promise<number> {
  const [row] = await h.server.runtime.dbh.db.select().from(tasks).where(eq(tasks.title, title));
  return row!.seq;
}
const last = (where = chat) => h.fake.messagesIn(where).at(-1)!.content;
const tables = (content: any): any[] => content.body.elements.filter((e: any) => e.tag === 'table');

describe('through the webhook', () => {
  it('任务 列表 shows each open item’s light: 2 workdays yellow, 3 green, overdue by a day red', async () => {
    await h.say({ from: 'ou_zhangli', chat, text: '任务 列表 区司法局' });
    const rows = tables(last())[0].rows as Array<{ title: string; light: string }>;
    const light = (title: string) => rows.find((r) => r.title === title)?.light;
    expect(light('普法宣传进小区')).toBe('🟡');
    expect(light('调解室挂牌')).toBe('🟢');
    expect(light('法律援助站设点')).toBe('🔴');
    expect(light('矛盾纠纷排查')).toBe('🔴');
    expect(light('社区矫正对象走访')).toBe('🟡');
    expect(flatten(last())).toContain('🟡 2个工作日内到期或已延期');
  });

  it('a closed item shows its status and no light in 任务 列表 全部', async () => {
    await h.say({ from: 'ou_zhangli', chat, text: '任务 列表 区司法局 全部' });
    const row = tables(last())[0].rows.find((r: any) => r.title === '人民调解员培训');
    expect(row).toMatchObject({ status: '已销账', light: '—' });
  });

  it('任务 查看 names the light and why', async () => {
    await h.say({ from: 'ou_zhangli', chat, text: `任务 查看 T${await seqOf('普法宣传进小区')}` });
    expect(flatten(last())).toContain('🟡 黄灯（2个工作日内到期）');
    await h.say({ from: 'ou_zhangli', chat, text: `任务 查看 T${await seqOf('社区矫正对象走访')}` });
    expect(flatten(last())).toContain('🟡 黄灯（已延期）');
    await h.say({ from: 'ou_zhangli', chat, text: `任务 查看 T${await seqOf('调解室挂牌')}` });
    expect(flatten(last())).toContain('🟢 绿灯（正常推进）');
    await h.say({ from: 'ou_zhangli', chat, text: `任务 查看 T${await seqOf('人民调解员培训')}` });
    expect(flatten(last())).not.toMatch(/[🟢🟡🔴]/u);
  });

  it('the light follows the clock: on Tuesday the Thursday item turns yellow, on Thursday morning the Wednesday one is red', async () => {
    h.clock.set('2026-11-24T01:00:00Z');
    await h.say({ from: 'ou_zhangli', chat, text: `任务 查看 T${await seqOf('调解室挂牌')}` });
    expect(flatten(last())).toContain('🟡 黄灯（2个工作日内到期）');
    h.clock.set('2026-11-26T01:00:00Z');
    await h.say({ from: 'ou_zhangli', chat, text: `任务 查看 T${await seqOf('普法宣传进小区')}` });
    expect(flatten(last())).toContain('🔴 红灯（已逾期）');
  });

  it('进度 counts each unit’s yellow and red items', async () => {
    await h.say({ from: 'ou_zhangli', chat, text: '进度 区司法局' });
    const row = tables(last())[0].rows.find((r: any) => r.unit === '区司法局');
    expect(row).toMatchObject({ open: 5, yellow: 2, overdue: 2 });
  });

  it('逾期 lists the red items and then the yellow ones with why', async () => {
    await h.say({ from: 'ou_zhangli', chat, text: '逾期 区司法局' });
    const [red, yellow] = tables(last());
    expect(red.rows.map((r: any) => r.title)).toEqual(['矛盾纠纷排查', '法律援助站设点']);
    expect(yellow.rows.map((r: any) => [r.title, r.why])).toEqual([
      ['普法宣传进小区', '2个工作日内到期'],
      ['社区矫正对象走访', '已延期'],
    ]);
    expect(flatten(last())).toContain('🟡 黄灯预警（2 项）');
  });

  it('the overdue digest carries the yellow items to the group chat and the office', async () => {
    await h.server.runtime.runner.runNow('overdue-digest', new Date(MONDAY));
    await h.settle();
    for (const where of ['oc_xinhe_zonghe', 'oc_xinhe_office']) {
      const text = flatten(last(where));
      expect(text).toContain('🔴 逾期');
      expect(text).toContain('🟡 黄灯预警');
      expect(text).toContain('普法宣传进小区');
      expect(text).toContain('社区矫正对象走访');
    }
  });

  it('通报 counts green, yellow and red per lead unit as of now', async () => {
    await h.say({ from: 'ou_chenbo', chat, text: '通报 本月' });
    const row = tables(last())[0].rows.find((r: any) => r.unit === '区司法局');
    expect(row).toEqual({ unit: '区司法局', green: 1, yellow: 2, red: 2 });
    expect(flatten(last())).toContain('红黄绿灯');
  });

  it('the monthly bulletin job counts them as of the month’s last workday', async () => {
    await h.server.runtime.runner.runNow('monthly-bulletin', new Date('2026-11-30T08:00:00Z'));
    await h.settle();
    const bulletin = h.fake.messagesIn('oc_xinhe_leaders').at(-1)!.content;
    const row = tables(bulletin)[0].rows.find((r: any) => r.unit === '区司法局');
    // By Monday 30 November the four November items are overdue; the extended one is still yellow.
    expect(row).toEqual({ unit: '区司法局', green: 0, yellow: 1, red: 4 });
  });

  it('the ledger export has a 预警 column', async () => {
    await h.say({ from: 'ou_chenbo', chat, text: '导出 台账' });
    const sheet = await readSheet(Buffer.from(h.fake.files.at(-1)!.data!));
    const col = sheet[0]!.indexOf('预警');
    const cell = (title: string) => sheet.find((r) => r[2] === title)![col];
    expect(cell('普法宣传进小区')).toBe('🟡 黄灯');
    expect(cell('调解室挂牌')).toBe('🟢 绿灯');
    expect(cell('法律援助站设点')).toBe('🔴 红灯');
    expect(cell('人民调解员培训')).toBe('');
  });
});
