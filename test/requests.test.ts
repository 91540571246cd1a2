// Requests the office decides (申请延期) through the real path: signed chat events and card clicks in, the office's
// card, the decision and the asker's notice out at the fake Lark; the ledger and its history in the database. The
// reading of 任务 审批 is proven on a corpus and a property. 销账审核 and the sandbox: requests-review.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import taskDecide, { decideArgs } from '../commands/task-decide.js';
import { people, taskEvents } from '../db/schema.js';
import { decide } from '../src/ledger/requests.js';
import { getTask } from '../src/ledger/tasks.js';
import { parseArgs } from '../src/core/args.js';
import './support/fuzz-seed.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture } from './support/lark-events.js';
import { OFFICE_CHAT, suite } from './support/requests.js';

describe('申请延期: the lead unit asks, the office decides', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: '2026-11-27T01:00:00Z' }); // Friday 09:00 in Shanghai
  });
  afterAll(() => h.close());
  const s = suite(() => h);
  const toldIn = s.told;
  /** 维稳保障组's chat: bound by the plan, so the bot's membership of it is known */
  const WEIWEN = 'oc_xinhe_weiwen';

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
    await h.say({ from: 'ou_zhangli', chat: WEIWEN, text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：需补登记` });
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 同意 抓紧办理` });
    expect(s.last()).toContain('已同意');
    expect((await s.task(t.seq)).deadline).toBe('2026-12-31');
    const [req] = await s.requests(t.id);
    expect(req).toMatchObject({ status: 'approved', decisionNote: '抓紧办理' });
    const [ext] = await s.db().select().from(taskEvents).where(and(eq(taskEvents.taskId, t.id), eq(taskEvents.kind, 'extend')));
    expect(ext).toMatchObject({ fromDeadline: '2026-12-20', toDeadline: '2026-12-31', note: '需补登记' });
    // told in the (bound) group chat it was asked in, with an @ of the asker, and not privately as well
    const [told, ...more] = toldIn(WEIWEN).filter((x) => x.includes(`T${t.seq}「`));
    expect(more).toEqual([]);
    expect(told).toMatch(new RegExp(`^<at user_id="ou_zhangli">张丽</at> 您提交的 T${t.seq}「`));
    expect(told).toContain('已同意，完成时限延至 2026-12-31');
    expect(told).toContain('抓紧办理');
    expect(toldIn('ou_zhangli')).toEqual([]);
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
    expect(toldIn('ou_zhangli').at(-1)).toContain('未同意，完成时限仍为 2026-12-20');
    expect(toldIn('ou_zhangli').at(-1)).toContain('请先落实资金计划');
    const again = await s.click('ou_dailei', approve);
    expect(again.type).toBe('error');
    expect(s.last(OFFICE_CHAT)).toMatch(/已于 2026-11-27 09:00 由 陈波（区住房建设委） 驳回/);
    expect((await s.requests(t.id))[0]!.status).toBe('rejected');
    expect((await s.task(t.seq)).deadline).toBe('2026-12-20');
  });

  it('two office members click 同意 at the same moment: one decides, the deadline moves once, one history line', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2027-01-15 原因：资金未到位` });
    const { approve } = s.cardButtons();
    const toasts = await Promise.all([s.click('ou_chenbo', approve), s.click('ou_dailei', approve)]);
    expect(toasts.map((x) => x.type).sort()).toEqual(['error', 'success']);
    expect((await s.requests(t.id))[0]).toMatchObject({ status: 'approved' });
    expect((await s.task(t.seq)).deadline).toBe('2027-01-15');
    const extends_ = await s.db().select().from(taskEvents).where(and(eq(taskEvents.taskId, t.id), eq(taskEvents.kind, 'extend')));
    expect(extends_).toHaveLength(1);
  });

  it('two decisions on the same pending request, both read before either wrote (as two Workers could): one decides, one history line', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${t.seq} 截止：2027-01-20 原因：资金未到位` });
    const [req] = await s.requests(t.id);
    const task = (await getTask(s.db(), t.id))!;
    const idOf = async (openId: string) => (await s.db().select().from(people).where(eq(people.openId, openId)))[0]!.id;
    const at = new Date('2026-11-27T02:00:00Z');
    const dbh = h.server.runtime.dbh;
    const first = await decide(dbh, task, req!, { approve: true, by: await idOf('ou_chenbo'), at, note: '' });
    const second = await decide(dbh, task, req!, { approve: true, by: await idOf('ou_dailei'), at, note: '' });
    expect([first.decided, second.decided]).toEqual([true, false]);
    expect(second.request.decidedBy).toBe(await idOf('ou_chenbo'));
    expect((await s.task(t.seq)).deadline).toBe('2027-01-20');
    const lines = await s.db().select().from(taskEvents).where(and(eq(taskEvents.taskId, t.id), eq(taskEvents.kind, 'extend')));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ byPersonId: await idOf('ou_chenbo'), fromDeadline: '2026-12-20', toDeadline: '2027-01-20' });
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
    await h.say({ from: 'ou_zhangli', chat: WEIWEN, text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：${evil}` });
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
    // the one @ is the asker's, put there by the bot; what people typed stays text
    const notice = toldIn(WEIWEN).at(-1)!;
    expect(notice.startsWith('<at user_id="ou_zhangli">张丽</at> ')).toBe(true);
    const typed = notice.slice('<at user_id="ou_zhangli">张丽</at> '.length);
    expect(typed).not.toMatch(/<\/?[A-Za-z]/);
    expect(typed).not.toContain('](');
    expect(typed.replace(/\u200b/g, '')).toContain(evil);
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toContain(evil);
    expect(JSON.stringify(h.fake.messagesIn(s.chat()).at(-1)!.content)).not.toContain('<at id=all>');
  });

  it('asked privately, in a group not bound to the campaign, or in a chat the bot has since left: told privately', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: 'oc_p2p_zhangli', chatType: 'p2p', text: `任务 申请延期 T${t.seq} 截止：2026-12-31 原因：私聊申请` });
    expect((await s.requests(t.id))[0]!.askedInChat).toBeNull();
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 同意` });
    expect(toldIn('ou_zhangli').at(-1)).toMatch(new RegExp(`^您提交的 T${t.seq}「.*已同意，完成时限延至 2026-12-31`));
    expect(toldIn(s.chat())).toEqual([]);

    // a group the plan does not bind: whether the bot is still in it is not known, so the decision goes privately
    const v = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 申请延期 T${v.seq} 截止：2026-12-30 原因：临时群` });
    expect((await s.requests(v.id))[0]!.askedInChat).toBe(s.chat());
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${v.seq} 同意` });
    expect(toldIn(s.chat())).toEqual([]);
    expect(toldIn('ou_zhangli').at(-1)).toMatch(new RegExp(`^您提交的 T${v.seq}「`));

    // 维稳保障组's chat is bound by the plan; the bot is removed from it after the request, before the decision
    const group = WEIWEN;
    const u = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: group, text: `任务 申请延期 T${u.seq} 截止：2027-01-08 原因：群里申请` });
    expect((await s.requests(u.id))[0]!.askedInChat).toBe(group);
    const removed = fixture('im.chat.member.bot.deleted_v1');
    removed.header.event_id = `ev_req_removed_${u.seq}`;
    removed.event.chat_id = group;
    expect((await h.post(removed)).status).toBe(200);
    await h.settle();
    const before = toldIn(group).length;
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${u.seq} 驳回 请按期完成` });
    expect(toldIn(group)).toHaveLength(before);
    expect(toldIn('ou_zhangli').at(-1)).toMatch(new RegExp(`^您提交的 T${u.seq}「.*未同意.*请按期完成`));
    // the bot is added back, as the tests after this one expect
    const added = fixture('im.chat.member.bot.added_v1');
    added.header.event_id = `ev_req_added_${u.seq}`;
    added.event.chat_id = group;
    expect((await h.post(added)).status).toBe(200);
    await h.settle();
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
