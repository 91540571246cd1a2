// The task ledger (台账) through the real path: signed chat events and card clicks in, cards out at the fake Lark.
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { campaigns, tasks } from '../db/schema.js';
import { overdueCard } from '../src/ledger/cards.js';
import { overdueTasks } from '../src/ledger/overdue.js';
import { addTask, addTaskStatements } from '../src/ledger/tasks.js';
import { actorOf, loadOrg } from '../src/org.js';
import { applyPlanText } from '../src/plan/apply.js';
import { examplePlan } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture } from './support/lark-events.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-11-27T01:00:00Z' }); // Friday 09:00 in Shanghai
});
afterAll(() => h.close());

const db = () => h.server.runtime.dbh.db;
let n = 0;
const unique = (s: string) => `${s}${++n}`;
// Each test talks in a chat of its own: Lark allows 5 messages a second per chat, and the sender keeps to that.
let chat = '';
beforeEach(() => {
  chat = `oc_ledger_${++n}`;
});

async function taskByTitle(title: string) {
  const [row] = await db().select().from(tasks).where(eq(tasks.title, title));
  return row;
}

/** The last message in a chat: its flattened text and its raw content. */
function last(where?: string) {
  const m = h.fake.messagesIn(where ?? chat).at(-1)!;
  return { text: flatten(m.content), content: m.content, raw: m };
}

/** Rows of the first table element of a card. */
function tableRows(content: any): Array<Record<string, string | number>> {
  return content.body.elements.find((e: any) => e.tag === 'table')?.rows ?? [];
}

async function officeAdds(title: string, rest = '牵头：区公安局 配合：新河街道办事处、区城市管理委 截止：2026-11-20 工作组：综合管理组') {
  await h.say({ from: 'ou_chenbo', chat, text: `任务 新增 ${title} ${rest}` });
  const t = await taskByTitle(title);
  expect(t, last().text).toBeDefined();
  return t!;
}

async function click(from: string, value: Record<string, string>, formValue?: Record<string, string>) {
  const ev = fixture('card.action.trigger');
  ev.header.event_id = `ev_card_${unique('x')}`;
  ev.event.operator.open_id = from;
  ev.event.action.value = value;
  if (formValue) ev.event.action.form_value = formValue;
  ev.event.context.open_chat_id = chat;
  const res = await h.post(ev, { path: '/lark/cards' });
  const body = (await res.json()) as { toast: { type: string; content: string } };
  await h.settle();
  return body.toast;
}

describe('adding and overdue', () => {
  it('the office adds a task with a past deadline and 逾期 lists it with days overdue', async () => {
    const t = await officeAdds(unique('整治周转房消防通道'));
    expect(t.deadline).toBe('2026-11-20');
    expect(last().text).toContain(`T${t.seq}`);
    await h.say({ from: 'ou_zhangli', chat, text: '逾期' });
    const row = tableRows(last().content).find((r) => r.code === `T${t.seq}`);
    // 11-20 (Fri) → 11-27 (Fri): 7 calendar days, 5 workdays
    expect(row).toMatchObject({ lead: '区公安局', deadline: '2026-11-20', days: 7, workdays: 5 });
  });

  it('逾期 for a unit lists only that unit’s items, oldest first', async () => {
    const a = await officeAdds(unique('司法所排查'), '牵头：区司法局 截止：2026-11-10');
    const b = await officeAdds(unique('司法宣传'), '牵头：区司法局 截止：2026-11-02');
    await h.say({ from: 'ou_chenbo', chat, text: '逾期 区司法局' });
    expect(tableRows(last().content).map((r) => r.code)).toEqual([`T${b.seq}`, `T${a.seq}`]);
  });

  it('a liaison of another unit cannot add a task, and the refusal names the role', async () => {
    const title = unique('越权新增');
    await h.say({ from: 'ou_zhaojing', chat, text: `任务 新增 ${title} 牵头：区公安局 截止：12月31日` });
    expect(last().text).toContain('办公室');
    expect(last().text).toContain('联络员');
    expect(await taskByTitle(title)).toBeUndefined();
  });

  it('a group lead adds only into the groups they lead', async () => {
    const other = unique('维稳排查');
    await h.say({ from: 'ou_liuyang', chat, text: `任务 新增 ${other} 牵头：新河周转房办公室 截止：12月31日 工作组：维稳保障组` });
    expect(last().text).toContain('工作组组长');
    expect(await taskByTitle(other)).toBeUndefined();
    const mine = unique('补充登记');
    await h.say({ from: 'ou_liuyang', chat, text: `任务 新增 ${mine} 牵头：新河周转房办公室 截止：12月31日 工作组：基础数据摸排组` });
    expect((await taskByTitle(mine))?.groupId).toBeTruthy();
  });

  it('an unknown unit is named, with the closest units', async () => {
    await h.say({ from: 'ou_chenbo', chat, text: `任务 新增 ${unique('某事')} 牵头：公安 截止：12月31日` });
    expect(last().text).toContain('没有找到单位「公安」');
    expect(last().text).toContain('区公安局');
  });

  it('dates like 12月31日, 下周五 and 2026/12/31 are read in the campaign’s timezone', async () => {
    const a = await officeAdds(unique('甲'), '牵头：区公安局 截止：12月31日');
    const b = await officeAdds(unique('乙'), '牵头：区公安局 截止：下周五');
    const c = await officeAdds(unique('丙'), '牵头：区公安局 截止：2026/12/31');
    expect([a.deadline, b.deadline, c.deadline]).toEqual(['2026-12-31', '2026-12-04', '2026-12-31']);
  });

  it('a bad date shows the accepted forms and stores nothing', async () => {
    const title = unique('日期不对');
    await h.say({ from: 'ou_chenbo', chat, text: `任务 新增 ${title} 牵头：区公安局 截止：过几天吧` });
    expect(last().text).toContain('无法识别日期「过几天吧」');
    expect(last().text).toContain('2026/12/31');
    expect(await taskByTitle(title)).toBeUndefined();
  });
});

describe('write-off, extension and history', () => {
  it('a liaison of another unit cannot write off, and the refusal names the role', async () => {
    const t = await officeAdds(unique('越权销账'));
    await h.say({ from: 'ou_zhaojing', chat, text: `任务 销账 T${t.seq}` });
    expect(last().text).toContain('办公室');
    expect(last().text).toContain('主责');
    expect(last().text).toContain('联络员');
    expect((await taskByTitle(t.title))!.status).toBe('open');
  });

  it('the lead unit writes it off: it leaves 逾期, and its history shows who and when', async () => {
    const t = await officeAdds(unique('消防通道清障'));
    await h.say({ from: 'ou_zhangli', chat, text: `任务 销账 T${t.seq} 已清理完毕` });
    expect((await taskByTitle(t.title))!.status).toBe('done');
    await h.say({ from: 'ou_chenbo', chat, text: '逾期' });
    expect(tableRows(last().content).map((r) => r.code)).not.toContain(`T${t.seq}`);
    await h.say({ from: 'ou_chenbo', chat, text: `任务 查看 T${t.seq}` });
    expect(last().text).toContain('2026-11-27 09:00 张丽（区公安局） **销账**：已清理完毕');
  });

  it('an extension needs a reason, then moves the deadline and keeps the reason', async () => {
    const t = await officeAdds(unique('延期事项'));
    await h.say({ from: 'ou_dailei', chat, text: `任务 延期 T${t.seq} 截止：12月31日` });
    expect(last().text).toContain('原因');
    expect((await taskByTitle(t.title))!.deadline).toBe('2026-11-20');
    await h.say({ from: 'ou_dailei', chat, text: `任务 延期 T${t.seq} 截止：12月31日 原因：住户外出务工` });
    expect((await taskByTitle(t.title))!.deadline).toBe('2026-12-31');
    expect(last().text).toContain('延期 2026-11-20 → 2026-12-31');
    expect(last().text).toContain('住户外出务工');
  });

  it('a cooperating unit adds a progress note; the office cancels and reopens', async () => {
    const t = await officeAdds(unique('进展事项'));
    await h.say({ from: 'ou_wangmin', chat, text: `任务 进展 T${t.seq} 已完成一半` });
    expect(last().text).toContain('王敏（新河街道办事处） **进展**：已完成一半');
    await h.say({ from: 'ou_chenbo', chat, text: `任务 取消 T${t.seq} 并入其他任务` });
    expect((await taskByTitle(t.title))!.status).toBe('cancelled');
    await h.say({ from: 'ou_chenbo', chat, text: `任务 重开 T${t.seq}` });
    expect((await taskByTitle(t.title))!.status).toBe('open');
  });
});

describe('card buttons', () => {
  it('the write-off button does what the command does', async () => {
    const t = await officeAdds(unique('按钮销账'));
    await h.say({ from: 'ou_zhangli', chat, text: `任务 查看 T${t.seq}` });
    expect(JSON.stringify(last().content)).toContain(`{"a":"task.done","id":"T${t.seq}"}`);
    const toast = await click('ou_zhangli', { a: 'task.done', id: `T${t.seq}` });
    expect(toast.type).toBe('success');
    expect((await taskByTitle(t.title))!.status).toBe('done');
  });

  it('the write-off button is refused for a clicker without the role', async () => {
    const t = await officeAdds(unique('按钮越权'));
    const toast = await click('ou_zhaojing', { a: 'task.done', id: `T${t.seq}` });
    expect(toast.type).toBe('error');
    expect(toast.content).toContain('办公室');
    expect((await taskByTitle(t.title))!.status).toBe('open');
  });

  it('the extend form fills the command from what was typed', async () => {
    const t = await officeAdds(unique('表单延期'));
    await h.say({ from: 'ou_dailei', chat, text: `任务 查看 T${t.seq}` });
    const form = last().content.body.elements.find((e: any) => e.tag === 'form' && e.name === `extend_T${t.seq}`);
    const submit = form.elements.find((e: any) => e.form_action_type === 'submit');
    expect(form.elements.filter((e: any) => e.tag === 'input').map((e: any) => e.name)).toEqual(['due', 'reason']);
    const toast = await click('ou_dailei', submit.behaviors[0].value, { due: '2027/01/15', reason: '等待资金拨付' });
    expect(toast.type).toBe('success');
    expect((await taskByTitle(t.title))!.deadline).toBe('2027-01-15');
  });
});

describe('English and listing', () => {
  it('English words work and the reply is in English', async () => {
    const title = unique('Fix stair lights');
    await h.say({ from: 'ou_chenbo', chat, text: `task add ${title} lead:区公安局 with:新河街 due:next friday group:综合管理组` });
    const t = (await taskByTitle(title))!;
    expect(t.deadline).toBe('2026-12-04');
    expect(last().text).toContain('Lead unit');
    await h.say({ from: 'ou_zhangli', chat, text: `task done T${t.seq} fixed` });
    expect((await taskByTitle(title))!.status).toBe('done');
    await h.say({ from: 'ou_zhangli', chat, text: 'overdue' });
    expect(last().text).toContain('Overdue');
  });

  it('the list filters by unit and pages long lists', async () => {
    const org = (await loadOrg(db(), 1))!;
    const unit = org.units.find((u) => u.name === '区民政局')!;
    for (let i = 0; i < 12; i++) await addTask(h.server.runtime.dbh, 1, { title: unique('民政事项'), leadUnitId: unit.id, deadline: '2026-12-31' }, { by: null, at: h.clock.now() });
    await h.say({ from: 'ou_chenbo', chat, text: '任务 列表 区民政局' });
    expect(last().text).toContain('共 12 项进行中 · 第 1/2 页');
    expect(tableRows(last().content)).toHaveLength(10);
    await h.say({ from: 'ou_chenbo', chat, text: '任务 列表 区民政局 第2页' });
    expect(last().text).toContain('第 2/2 页');
    expect(tableRows(last().content)).toHaveLength(2);
  });
});

describe('speed', () => {
  it('overdue lists every overdue item of a campaign of 5,000 tasks (its speed is measured by npm run bench)', async () => {
    const plan = readFileSync(examplePlan, 'utf8')
      .replace('name: 新河周转房居住环境改善', 'name: 新河台账压测')
      .replaceAll('oc_xinhe', 'oc_bench')
      .replaceAll('ou_', 'ou_bench_')
      .replace(/\ntasks:[\s\S]*$/, '\n');
    const applied = await applyPlanText(h.server.runtime.dbh, plan, h.clock);
    expect(applied.ok).toBe(true);
    const [c] = await db().select().from(campaigns).where(eq(campaigns.name, '新河台账压测'));
    const org = (await loadOrg(db(), c!.id))!;
    const dbh = h.server.runtime.dbh;
    const statements = [];
    for (let i = 0; i < 5000; i++) {
      // deadlines over two years, a third of them done
      const deadline = new Date(Date.UTC(2025, 0, 1) + (i % 730) * 86_400_000).toISOString().slice(0, 10);
      const unit = org.units[i % org.units.length]!;
      statements.push(...addTaskStatements(dbh, c!.id, { title: `事项${i}`, leadUnitId: unit.id, deadline, status: i % 3 === 0 ? 'done' : 'open' }, { by: null, at: h.clock.now() }));
    }
    await dbh.atomic(statements);
    const viewer = actorOf(org, org.people.find((p) => p.roles.includes('office'))!);
    const view = { t: (zh: string) => zh, lang: 'zh' as const, org, actor: viewer, campaign: org.campaign };
    // Open tasks whose deadline passed before today (the clock's date): two thirds of them are open.
    const { today, items } = await overdueTasks(db(), org.campaign, h.clock.now());
    const expected = Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 3 !== 0 && new Date(Date.UTC(2025, 0, 1) + (i % 730) * 86_400_000).toISOString().slice(0, 10) < today).length;
    expect(items).toHaveLength(expected);
    expect(JSON.stringify(overdueCard(view, items, { today }))).toContain(String(expected));
    // through HTTP, the inbox, the router and the fake's delivery
    await h.say({ from: 'ou_bench_chenbo', chat: 'oc_bench_office', text: '逾期' });
    expect(last('oc_bench_office').text).toContain(`共 ${expected} 项逾期`);
  });
});
