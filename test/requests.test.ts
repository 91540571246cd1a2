// Requests the office decides (申请延期, 销账审核) through the real path: signed chat events and card clicks in, the
// office's card, the decision and the asker's notice out at the fake Lark; the ledger and its history in the database.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import taskDecide, { decideArgs } from '../commands/task-decide.js';
import { parseArgs } from '../src/core/args.js';
import './support/fuzz-seed.js';
import { taskEvents, taskRequests, tasks } from '../db/schema.js';
import { configSchema } from '../src/config.js';
import { examplePlan } from '../src/runtime.js';
import { startServer } from '../src/server.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture } from './support/lark-events.js';

const OFFICE_CHAT = 'oc_xinhe_office';
const reviewPlan = () => {
  const dir = mkdtempSync(join(tmpdir(), 'duban-review-plan-'));
  const path = join(dir, 'plan.yaml');
  writeFileSync(path, `${readFileSync(examplePlan, 'utf8')}\nledger: { writeoff_review: true }\n`);
  return { path, dir };
};

function suite(h: () => Harness) {
  let n = 0;
  let chat = '';
  beforeEach(() => {
    chat = `oc_req_${Math.random().toString(36).slice(2, 8)}_${++n}`;
  });
  const db = () => h().server.runtime.dbh.db;
  const last = (where = chat) => flatten(h().fake.messagesIn(where).at(-1)?.content ?? '');
  const task = async (seq: number) => (await db().select().from(tasks).where(eq(tasks.seq, seq)))[0]!;
  const requests = async (taskId: number) => db().select().from(taskRequests).where(eq(taskRequests.taskId, taskId)).orderBy(taskRequests.id);

  /** The office adds a task led by 区公安局 (张丽 is its liaison), due 2026-12-20. */
  async function addTask(title = `整治消防通道${++n}`, due = '2026-12-20') {
    await h().say({ from: 'ou_chenbo', chat, text: `任务 新增 ${title} 牵头：区公安局 截止：${due}` });
    const [row] = await db().select().from(tasks).where(eq(tasks.title, title));
    expect(row, last()).toBeDefined();
    return row!;
  }

  async function click(from: string, value: Record<string, string>, formValue?: Record<string, string>, where = OFFICE_CHAT) {
    const ev = fixture('card.action.trigger');
    ev.header.event_id = `ev_req_${Math.random().toString(36).slice(2)}`;
    ev.event.operator.open_id = from;
    ev.event.action.value = value;
    if (formValue) ev.event.action.form_value = formValue;
    ev.event.context.open_chat_id = where;
    const res = await h().post(ev, { path: '/lark/cards' });
    const body = (await res.json()) as { toast: { type: string; content: string } };
    await h().settle();
    return body.toast;
  }

  /** The 同意 / 驳回 button values of the newest request card in the office chat. */
  function cardButtons() {
    const m = h().fake.messagesIn(OFFICE_CHAT).filter((x) => x.msg_type === 'interactive').at(-1)!;
    const found: Array<{ a: string; [k: string]: string }> = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.tag === 'button' && Array.isArray(o.behaviors)) found.push((o.behaviors as Array<{ value: { a: string } }>)[0]!.value as never);
        Object.values(o).forEach(walk);
      }
    };
    walk(m.content);
    return { approve: found.find((b) => b.a === 'request.approve')!, reject: found.find((b) => b.a === 'request.reject')!, text: flatten(m.content) };
  }

  return { db, last, task, requests, addTask, click, cardButtons, chat: () => chat };
}

describe('申请延期: the lead unit asks, the office decides', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: '2026-11-27T01:00:00Z' }); // Friday 09:00 in Shanghai
  });
  afterAll(() => h.close());
  const s = suite(() => h);

  it('a liaison of the lead unit asks: the request waits, the office chat gets a card with 同意 and 驳回, the asker is told', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：住户外出务工，需补登记` });
    expect(s.last()).toContain('已送办公室审批');
    const [req] = await s.requests(t.id);
    expect(req).toMatchObject({ kind: 'extension', status: 'pending', toDeadline: '2026-12-31', reason: '住户外出务工，需补登记' });
    const card = s.cardButtons();
    expect(card.text).toContain(`延期申请 · T${t.seq}`);
    expect(card.text).toContain('2026-12-31');
    expect(card.text).toContain('住户外出务工，需补登记');
    expect(card.text).toContain('张丽（区公安局）');
    expect(card.approve).toEqual({ a: 'request.approve', id: `T${t.seq}`, r: String(req!.id) });
    expect(card.reject).toEqual({ a: 'request.reject', id: `T${t.seq}`, r: String(req!.id) });
    expect((await s.task(t.seq)).deadline).toBe('2026-12-20');
  });

  it('the lead unit’s 任务 查看 carries a 申请延期 form; once asked, the card says the request waits for the office', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    const before = JSON.stringify(h.fake.messagesIn(s.chat()).at(-1)!.content);
    expect(before).toContain('"a":"task.request-extension"');
    expect(before).not.toContain('"a":"task.extend"');
    await s.click('ou_zhangli', { a: 'task.request-extension', id: `T${t.seq}` }, { due: '2026-12-31', reason: '补登记' }, s.chat());
    expect((await s.requests(t.id))[0]).toMatchObject({ status: 'pending', toDeadline: '2026-12-31', reason: '补登记' });
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    const after = h.fake.messagesIn(s.chat()).at(-1)!;
    expect(flatten(after.content)).toContain('待办公室审批');
    expect(JSON.stringify(after.content)).not.toContain('"a":"task.request-extension"');
  });

  it('the office approves by text: the deadline moves as 任务 延期 would, the history says who asked and who decided, the asker is told', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：需补登记` });
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 同意 抓紧办理` });
    expect(s.last()).toContain('已同意');
    expect((await s.task(t.seq)).deadline).toBe('2026-12-31');
    const [req] = await s.requests(t.id);
    expect(req).toMatchObject({ status: 'approved', decisionNote: '抓紧办理' });
    const [ext] = await s.db().select().from(taskEvents).where(and(eq(taskEvents.taskId, t.id), eq(taskEvents.kind, 'extend')));
    expect(ext).toMatchObject({ fromDeadline: '2026-12-20', toDeadline: '2026-12-31', note: '需补登记' });
    expect(s.last('ou_zhangli')).toContain(`T${t.seq}`);
    expect(s.last('ou_zhangli')).toContain('已同意，完成时限延至 2026-12-31');
    expect(s.last('ou_zhangli')).toContain('抓紧办理');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    const history = s.last();
    expect(history).toMatch(/张丽（区公安局） \*\*申请延期至 2026-12-31\*\*：原因：需补登记/);
    expect(history).toMatch(/陈波（区住房建设委） \*\*同意延期申请\*\*：意见：抓紧办理/);
    expect(history).toMatch(/陈波（区住房建设委） \*\*延期 2026-12-20 → 2026-12-31\*\*/);
  });

  it('the office rejects with the card’s 驳回 and a note; a second click on the old card is refused and changes nothing', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2027-01-15 原因：资金未到位` });
    const { approve, reject } = s.cardButtons();
    const toast = await s.click('ou_chenbo', reject, { note: '请先落实资金计划' });
    expect(toast.type).toBe('success');
    const [req] = await s.requests(t.id);
    expect(req).toMatchObject({ status: 'rejected', decisionNote: '请先落实资金计划' });
    expect((await s.task(t.seq)).deadline).toBe('2026-12-20');
    expect(s.last('ou_zhangli')).toContain('未同意，完成时限仍为 2026-12-20');
    expect(s.last('ou_zhangli')).toContain('请先落实资金计划');
    const again = await s.click('ou_dailei', approve);
    expect(again.type).toBe('error');
    expect(s.last(OFFICE_CHAT)).toMatch(/已于 2026-11-27 09:00 由 陈波（区住房建设委） 驳回/);
    expect((await s.requests(t.id))[0]!.status).toBe('rejected');
    expect((await s.task(t.seq)).deadline).toBe('2026-12-20');
  });

  it('once decided, the office chat’s card shows the decision in place of its buttons', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2027-01-15 原因：资金未到位` });
    const cardMessage = h.fake.messagesIn(OFFICE_CHAT).filter((m) => flatten(m.content).includes(`延期申请 · T${t.seq}`)).at(-1)!;
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 同意 请按期完成` });
    const patched = h.fake.messagesIn(OFFICE_CHAT).find((m) => m.message_id === cardMessage.message_id)!;
    expect(patched.patched).toBe(1);
    const text = flatten(patched.content);
    expect(text).toContain('已同意');
    expect(text).toContain('陈波（区住房建设委）');
    expect(text).toContain('请按期完成');
    expect(JSON.stringify(patched.content)).not.toContain('request.approve');
  });

  it('an old card’s 同意 never decides the newer request of the same task', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2027-01-15 原因：第一次` });
    const old = s.cardButtons();
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 驳回` });
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2027-01-10 原因：第二次` });
    expect((await s.click('ou_chenbo', old.approve)).type).toBe('error');
    const reqs = await s.requests(t.id);
    expect(reqs.map((r) => r.status)).toEqual(['rejected', 'pending']);
    expect((await s.task(t.seq)).deadline).toBe('2026-12-20');
    // the newer card decides the newer request
    expect((await s.click('ou_chenbo', s.cardButtons().approve)).type).toBe('success');
    expect((await s.task(t.seq)).deadline).toBe('2027-01-10');
  });

  it('a date in the past, or not after the current deadline, is refused and nothing is stored', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-11-20 原因：来不及` });
    expect(s.last()).toContain('已经过去');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-12-10 原因：来不及` });
    expect(s.last()).toContain('须在此之后');
    expect(await s.requests(t.id)).toEqual([]);
  });

  it('a second pending extension request is refused; the same request sent again is the one already waiting', async () => {
    const t = await s.addTask();
    const ask = `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：补登记`;
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: ask });
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: ask });
    expect(s.last()).toContain('已送办公室审批');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2027-01-31 原因：再延一些` });
    expect(s.last()).toContain('已有一份延期申请');
    expect(await s.requests(t.id)).toHaveLength(1);
    expect(h.fake.messagesIn(OFFICE_CHAT).filter((m) => flatten(m.content).includes(`延期申请 · T${t.seq}`))).toHaveLength(1);
  });

  it('a request on a closed task is refused', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 销账 T${t.seq} 已完成` });
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：补登记` });
    expect(s.last()).toContain('已销账，不能申请延期');
    expect(await s.requests(t.id)).toEqual([]);
  });

  it('a unit that is not the lead cannot ask, and a liaison cannot decide', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhaojing', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：补登记` });
    expect(s.last()).toContain('只能由主责（牵头）单位「区公安局」的人员申请延期');
    expect(await s.requests(t.id)).toEqual([]);
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：补登记` });
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 审批 T${t.seq} 同意` });
    expect(s.last()).toContain('需要以下角色之一');
    const { approve } = s.cardButtons();
    expect((await s.click('ou_wangmin', approve)).type).toBe('error');
    expect((await s.requests(t.id))[0]!.status).toBe('pending');
    expect((await s.task(t.seq)).deadline).toBe('2026-12-20');
  });

  it('deciding with no pending request, or a request already decided, says so', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 同意` });
    expect(s.last()).toContain(`T${t.seq} 没有待审批的申请`);
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：补登记` });
    await h.say({ from: 'ou_dailei', chat: s.chat(), text: `任务 审批 T${t.seq} 同意` });
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 驳回` });
    expect(s.last()).toContain('没有待审批的申请');
    expect(s.last()).toContain('由 戴雷（区住房建设委） 同意');
    expect((await s.requests(t.id))[0]!.status).toBe('approved');
  });

  it('what the asker and the office typed is shown as typed and never becomes markup (card, history, notice)', async () => {
    const evil = '<at id=all></at> [点我](https://evil.example) **bold**';
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：${evil}` });
    const card = h.fake.messagesIn(OFFICE_CHAT).at(-1)!;
    const markdown: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.tag === 'markdown' && typeof o.content === 'string') markdown.push(o.content);
        Object.values(o).forEach(walk);
      }
    };
    walk(card.content);
    for (const m of markdown) {
      const rest = m.replace(/<font color='grey'>|<\/font>/g, '');
      expect(rest).not.toMatch(/<\/?[A-Za-z]/);
      expect(rest).not.toContain('](');
      expect(rest).not.toContain('**bold**');
    }
    expect(flatten(card.content)).toContain(evil);
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 驳回 ${evil}` });
    const notice = h.fake.messagesIn('ou_zhangli').at(-1)!;
    expect(String(notice.content.text)).not.toMatch(/<\/?[A-Za-z]/);
    expect(String(notice.content.text)).not.toContain('](');
    expect(String(notice.content.text).replace(/\u200b/g, '')).toContain(evil);
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toContain(evil);
    expect(JSON.stringify(h.fake.messagesIn(s.chat()).at(-1)!.content)).not.toContain('<at id=all>');
  });

  it('English: task request-extension and task decide', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `task request-extension T${t.seq} due:2026-12-31 reason:more households` });
    expect(s.last()).toContain('went to the office');
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `task decide T${t.seq} approve` });
    expect(s.last()).toContain('Approved the extension');
    expect((await s.task(t.seq)).deadline).toBe('2026-12-31');
  });
});

describe('销账审核 (ledger.writeoff_review): a unit’s write-off waits for the office', () => {
  let h: Harness;
  let planDir = '';
  beforeAll(async () => {
    const p = reviewPlan();
    planDir = p.dir;
    h = await startHarness({ now: '2026-11-27T01:00:00Z', plan: p.path });
  });
  afterAll(async () => {
    await h.close();
    rmSync(planDir, { recursive: true, force: true });
  });
  const s = suite(() => h);

  it('a unit’s 销账 is pending review: the task stays open and shows 待审核; the office approves and it is done, with who and when', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 销账 T${t.seq} 已全部整改` });
    expect(s.last()).toContain('已送办公室审核');
    expect((await s.task(t.seq)).status).toBe('open');
    expect(s.cardButtons().text).toContain(`销账审核 · T${t.seq}`);
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toContain('待审核');
    expect(JSON.stringify(h.fake.messagesIn(s.chat()).at(-1)!.content)).not.toContain('"a":"task.done"');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: '任务 列表 区公安局' });
    expect(s.last()).toContain('（待审核）');
    h.clock.set(new Date('2026-11-27T03:30:00Z'));
    expect((await s.click('ou_chenbo', s.cardButtons().approve)).type).toBe('success');
    const done = await s.task(t.seq);
    expect(done.status).toBe('done');
    expect(done.closedAt).toBe('2026-11-27T03:30:00.000Z');
    const [ev] = await s.db().select().from(taskEvents).where(and(eq(taskEvents.taskId, t.id), eq(taskEvents.kind, 'done'))).orderBy(desc(taskEvents.id));
    expect(ev!.note).toBe('已全部整改');
    expect(s.last('ou_zhangli')).toContain('审核同意，任务已销账');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toMatch(/11:30 陈波（区住房建设委） \*\*审核同意销账\*\*/);
  });

  it('rejected, the task stays open with the office’s note in its history', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 销账 T${t.seq} 已完成` });
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 驳回 现场仍有堆放物` });
    expect((await s.task(t.seq)).status).toBe('open');
    expect(s.last('ou_zhangli')).toContain('现场仍有堆放物');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toContain('驳回销账申请');
    expect(s.last()).toContain('现场仍有堆放物');
    expect(s.last()).not.toContain('（销账待审核）');
  });

  it('a second write-off request while one waits is refused', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toContain('申请销账');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 销账 T${t.seq} 已完成` });
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 销账 T${t.seq} 已完成并复查` });
    expect(s.last()).toContain('已有一份销账申请');
    expect(await s.requests(t.id)).toHaveLength(1);
  });

  it('the office’s own 销账 is done at once', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 销账 T${t.seq} 办公室核实完成` });
    expect((await s.task(t.seq)).status).toBe('done');
    expect(await s.requests(t.id)).toEqual([]);
  });
});

describe('the sandbox shows the request card', () => {
  it('a request sent in the sandbox appears in the office chat with 同意 and 驳回 drawn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-sandbox-req-'));
    const config = configSchema.parse({ PORT: '0', DATABASE_PATH: join(dir, 'duban.db'), LOG_LEVEL: 'silent' });
    const server = await startServer({ config, scheduler: false, sandboxStart: '2026-11-23T09:00:00+08:00' });
    try {
      const call = async (path: string, body?: unknown) => {
        const r = await fetch(`${server.url}/sandbox${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return (await r.json()) as any;
      };
      // T1 is led by 新河周转房办公室, whose liaison is 刘洋
      await call('/api/send', { from: 'ou_liuyang', chat: 'oc_xinhe_mopai', text: '任务 申请延期 T1 截止：2027-01-31 原因：部分住户外出' });
      const msgs = (await call(`/api/messages?chat=${encodeURIComponent(OFFICE_CHAT)}`)).messages as Array<{ html: string }>;
      const html = msgs.at(-1)!.html;
      expect(html).toContain('延期申请 · T1');
      expect(html).toMatch(/<button[^>]*>同意<\/button>/);
      expect(html).toMatch(/<button[^>]*>驳回<\/button>/);
      expect(html).toMatch(/<input type="text" name="note"/);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reading 任务 审批 (a corpus and a property)', () => {
  const read = (text: string) => {
    const { text: rest, named } = parseArgs(text, taskDecide.keys ?? {});
    const r = decideArgs.safeParse({ text: rest, ...named });
    return r.success ? r.data : undefined;
  };
  const cases = parseYaml(readFileSync(join(import.meta.dirname, 'fixtures', 'decisions.yaml'), 'utf8')) as Array<Record<string, unknown>>;
  it.each(cases.map((c) => [c.text as string, c] as const))('%s', (text, c) => {
    const got = read(text);
    if (c.refused) return expect(got).toBeUndefined();
    expect(got).toEqual({ seq: c.seq, approve: c.approve, kind: c.kind, note: c.note, request: c.request });
  });

  it('whatever follows the verb, 驳回 never reads as approval and 同意 never as rejection; nothing else decides at all', () => {
    const verb = fc.constantFrom('同意', '批准', '驳回', '不同意', '退回', 'approve', 'reject', '好', '行', '同意吧', '');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), verb, fc.string({ maxLength: 60 }), (seq, v, note) => {
        const got = read(`T${seq} ${v} ${note}`);
        if (!got) return;
        expect(got.seq).toBe(seq);
        if (/^(驳回|不同意|退回|reject)$/.test(v)) expect(got.approve).toBe(false);
        else if (/^(同意|批准|approve)$/.test(v)) expect(got.approve).toBe(true);
        else expect(v === '' && /^\s*(同意|批准|通过|准予|approve[ds]?|yes|驳回|不同意|不予同意|退回|reject(ed)?|no)(\s|$)/i.test(note)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('an English campaign', () => {
  let h: Harness;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-en-requests-'));
    writeFileSync(join(dir, 'plan.yaml'), readFileSync(examplePlan, 'utf8').replace('locale: zh', 'locale: en'));
    h = await startHarness({ now: '2026-11-27T01:00:00Z', plan: join(dir, 'plan.yaml') });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the office card, the decision and the asker’s notice speak English', async () => {
    const chat = 'oc_en_requests';
    await h.say({ from: 'ou_chenbo', chat, text: 'task add Clear the fire lane lead:区公安局 due:2026-12-20' });
    const [t] = await h.server.runtime.dbh.db.select().from(tasks).where(eq(tasks.title, 'Clear the fire lane'));
    await h.say({ from: 'ou_zhangli', chat, text: `task request-extension T${t!.seq} due:2026-12-31 reason:residents away` });
    const card = flatten(h.fake.messagesIn(OFFICE_CHAT).at(-1)!.content);
    expect(card).toContain(`Extension request · T${t!.seq}`);
    expect(card).toContain('Approve');
    expect(card).toContain('Reject');
    await h.say({ from: 'ou_chenbo', chat, text: `task decide T${t!.seq} reject finish the register first` });
    expect(flatten(h.fake.messagesIn('ou_zhangli').at(-1)!.content)).toContain('rejected: the deadline stays 2026-12-20');
  });
});
