// 督办单 (supervision notices) through the real path: the office issues D<n> to a unit by a signed chat event, the card
// reaches the unit's working-group chats @-mentioning its liaison and the liaison privately; the unit replies (by text
// or the card's form), the issuer and the office hear it; the issuer closes it. Refusals by role and bad inputs.
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeEvents, notices } from '../db/schema.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture } from './support/lark-events.js';

const OFFICE = 'oc_xinhe_office';
const WEIWEN = 'oc_xinhe_weiwen';
const ANQUAN = 'oc_xinhe_anquan';
const ZONGHE = 'oc_xinhe_zonghe';
// Monday 2026-11-23 10:00 in Shanghai
const MONDAY = '2026-11-23T02:00:00Z';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: MONDAY, env: { SEND_PER_CHAT_PER_SECOND: '100' } });
});
afterAll(() => h.close());

const db = () => h.server.runtime.dbh.db;
const replyTo = (messageId: string) => h.fake.messages.find((m) => m.reply_to === messageId)!;

/** Says `text` as `from` in a chat (a private one by default) and answers the bot's reply, flattened. */
async function say(from: string, text: string, o: { chat?: string; at?: string } = {}) {
  h.clock.set(o.at ?? MONDAY);
  const said = await h.say({ from, chat: o.chat ?? `oc_p2p_${from}`, text });
  const r = replyTo(said.messageId);
  return { text: flatten(r.content), content: r.content as any };
}

const latest = async () => (await db().select().from(notices).orderBy(desc(notices.id)).limit(1))[0];
const noticeRow = async (id: number) => (await db().select().from(notices).where(eq(notices.id, id)))[0]!;
const eventsOf = async (id: number) => db().select().from(noticeEvents).where(eq(noticeEvents.noticeId, id));

/** The office issues a notice to 区公安局 and answers its row. */
async function issue(matter: string, rest = '截止：2026-12-04', unit = '区公安局') {
  const before = await latest();
  const r = await say('ou_chenbo', `督办 ${unit} ${matter} ${rest}`);
  const n = await latest();
  expect(n && n.id !== before?.id, r.text).toBe(true);
  return { n: n!, reply: r.text };
}

async function click(from: string, chat: string, value: Record<string, string>, formValue?: Record<string, string>) {
  const ev = fixture('card.action.trigger');
  ev.header.event_id = `ev_card_${Math.random().toString(36).slice(2)}`;
  ev.event.operator.open_id = from;
  ev.event.action.value = value;
  if (formValue) ev.event.action.form_value = formValue;
  ev.event.context.open_chat_id = chat;
  const res = await h.post(ev, { path: '/lark/cards' });
  const body = (await res.json()) as { toast: { type: string; content: string } };
  await h.settle();
  return body.toast;
}

describe('issue → reply → close', () => {
  it('the office issues D<n>: the card reaches the unit’s group chats with an @ of its liaison, the liaison privately, and the office', async () => {
    const before = { weiwen: h.fake.messagesIn(WEIWEN).length, dm: h.fake.messagesIn('ou_zhangli').length, office: h.fake.messagesIn(OFFICE).length };
    const { n, reply } = await issue('排查周转房周边治安隐患');
    expect(n).toMatchObject({ text: '排查周转房周边治安隐患', due: '2026-12-04', status: 'open' });
    expect(reply).toContain(`督办单 D${n.seq}`);
    expect(reply).toContain('张丽');
    // 区公安局 is in three groups with bound chats: 维稳保障组, 安全保障组, 综合管理组.
    for (const chat of [WEIWEN, ANQUAN, ZONGHE]) {
      const card = h.fake.messagesIn(chat).at(-1)!;
      expect(flatten(card.content)).toContain(`督办单 D${n.seq}`);
      expect(card.raw).toContain('<at id=ou_zhangli></at>');
    }
    expect(h.fake.messagesIn(WEIWEN).length).toBe(before.weiwen + 1);
    const dm = h.fake.messagesIn('ou_zhangli');
    expect(dm.length).toBe(before.dm + 1);
    expect(dm.at(-1)!.receive_id_type).toBe('open_id');
    expect(flatten(dm.at(-1)!.content)).toContain('排查周转房周边治安隐患');
    expect(h.fake.messagesIn(OFFICE).length).toBe(before.office + 1);
    expect((await eventsOf(n.id)).map((e) => e.kind)).toEqual(['issued']);
  });

  it('the liaison replies, the issuer and the office chat are told; a second reply is kept beside the first; the issuer closes it', async () => {
    const { n } = await issue('核查群租房消防隐患');
    const office = h.fake.messagesIn(OFFICE).length;
    const issuerDm = h.fake.messagesIn('ou_chenbo').length;
    const r1 = await say('ou_zhangli', `督办 回复 D${n.seq} 已完成第一轮排查，发现隐患4处`);
    expect(r1.text).toContain(`D${n.seq}`);
    expect((await noticeRow(n.id)).status).toBe('replied');
    expect(flatten(h.fake.messagesIn(OFFICE).at(-1)!.content)).toContain('已完成第一轮排查，发现隐患4处');
    expect(h.fake.messagesIn(OFFICE).length).toBe(office + 1);
    expect(h.fake.messagesIn('ou_chenbo').length).toBe(issuerDm + 1);
    await say('ou_zhangli', `督办 回复 D${n.seq} 4处隐患已全部整改`);
    const replies = (await eventsOf(n.id)).filter((e) => e.kind === 'reply').map((e) => e.note);
    expect(replies).toEqual(['已完成第一轮排查，发现隐患4处', '4处隐患已全部整改']);
    const closed = await say('ou_chenbo', `督办 办结 D${n.seq} 整改到位`);
    expect(closed.text).toContain('已办结');
    const row = await noticeRow(n.id);
    expect(row.status).toBe('closed');
    expect((await eventsOf(n.id)).map((e) => e.kind)).toEqual(['issued', 'reply', 'reply', 'closed']);
  });

  it('the list shows each notice with its state: 待回复, 已回复, 已逾期, 已办结', async () => {
    const open = (await issue('待回复的事项', '截止：2026-11-24')).n;
    const replied = (await issue('已回复的事项')).n;
    await say('ou_zhangli', `督办 回复 D${replied.seq} 已办理`);
    const closed = (await issue('已办结的事项')).n;
    await say('ou_chenbo', `督办 办结 D${closed.seq}`);
    // Wednesday: D(open) was due Tuesday and nobody answered.
    const list = await say('ou_zhangli', '督办 列表 区公安局', { at: '2026-11-25T02:00:00Z' });
    const rows = (list.content.body.elements.find((e: any) => e.tag === 'table').rows as Array<Record<string, string>>);
    const state = (seq: number) => rows.find((r) => r.code === `D${seq}`)?.state;
    expect(state(open.seq)).toBe('已逾期');
    expect(state(replied.seq)).toBe('已回复');
    expect(state(closed.seq)).toBe('已办结');
    expect(rows.every((r) => r.unit === '区公安局')).toBe(true);
  });
});

describe('who may', () => {
  it('a liaison cannot issue a notice', async () => {
    const before = await latest();
    const r = await say('ou_zhangli', '督办 泰达城发集团 清理楼道堆物 截止：2026-12-04');
    expect(r.text).toContain('办公室');
    expect((await latest())?.id).toBe(before?.id);
  });

  it('a person of another unit cannot reply, nor can the office answer for the unit', async () => {
    const { n } = await issue('统计外来人口');
    const other = await say('ou_zhaojing', `督办 回复 D${n.seq} 已统计`);
    expect(other.text).toContain('区公安局');
    const office = await say('ou_chenbo', `督办 回复 D${n.seq} 已统计`);
    expect(office.text).toContain('只有责任单位');
    expect((await noticeRow(n.id)).status).toBe('open');
    expect((await eventsOf(n.id)).some((e) => e.kind === 'reply')).toBe(false);
  });

  it('a member who did not issue it cannot close it; the commander can', async () => {
    const { n } = await issue('夜间巡逻加密');
    const liaison = await say('ou_zhangli', `督办 办结 D${n.seq}`);
    expect(liaison.text).toContain('陈波');
    const lead = await say('ou_wangmin', `督办 办结 D${n.seq}`);
    expect(lead.text).toContain('只有督办人');
    expect((await noticeRow(n.id)).status).toBe('open');
    await say('ou_dailei', `督办 办结 D${n.seq}`);
    expect((await noticeRow(n.id)).status).toBe('closed');
  });
});

describe('the bot’s name', () => {
  it('督办 before a command word is the bot addressed, not a notice', async () => {
    const before = await latest();
    const r = await say('ou_zhangli', '督办 逾期');
    expect(r.text).not.toContain('需要以下角色');
    expect(r.text).toContain('逾期');
    expect((await say('ou_chenbo', '督办 督办 区公安局 复查 截止：2026-12-04')).text).toContain('已下发督办单');
    expect((await latest())!.text).toBe('复查');
    expect((await latest())!.id).not.toBe(before?.id);
  });
});

describe('bad inputs', () => {
  it('an unknown notice id and a malformed one are answered, nothing recorded', async () => {
    expect((await say('ou_zhangli', '督办 回复 D9999 已办理')).text).toContain('没有督办单 D9999');
    expect((await say('ou_chenbo', '督办 办结 D9999')).text).toContain('没有督办单 D9999');
    expect((await say('ou_chenbo', '督办 办结 abc')).text).toContain('不是督办单编号');
  });

  it('a due date in the past is refused', async () => {
    const before = await latest();
    const r = await say('ou_chenbo', '督办 区公安局 排查隐患 截止：2026-11-20');
    expect(r.text).toContain('已经过去');
    expect((await latest())?.id).toBe(before?.id);
  });

  it('an unknown unit is refused with the nearest names; a missing matter or deadline is asked for', async () => {
    const before = await latest();
    const typo = await say('ou_chenbo', '督办 区公按局 排查隐患 截止：2026-12-04');
    expect(typo.text).toContain('没有找到单位「区公按局」');
    expect(typo.text).toContain('区公安局');
    expect((await say('ou_chenbo', '督办 区公安局 截止：2026-12-04')).text).toContain('请写明督办「区公安局」办理的事项');
    expect((await say('ou_chenbo', '督办 区公安局 排查隐患')).text).toContain('请写明办理时限');
    expect((await latest())?.id).toBe(before?.id);
  });

  it('a matter over 2,000 characters is refused with the limit named, and nothing is stored', async () => {
    const before = await latest();
    const r = await say('ou_chenbo', `督办 区公安局 ${'排查'.repeat(1001)} 截止：2026-12-04`);
    expect(r.text).toContain('督办事项最多 2,000 字');
    expect((await latest())?.id).toBe(before?.id);
  });

  it('closing twice and replying to a closed notice are answered plainly', async () => {
    const { n } = await issue('复查消防通道');
    await say('ou_chenbo', `督办 办结 D${n.seq}`);
    expect((await say('ou_chenbo', `督办 办结 D${n.seq}`)).text).toContain('已经办结');
    expect((await say('ou_zhangli', `督办 回复 D${n.seq} 已复查`)).text).toContain('已办结');
    expect((await eventsOf(n.id)).map((e) => e.kind)).toEqual(['issued', 'closed']);
  });
});

describe('card buttons', () => {
  it('the 回复 form on the card files the reply; 办结 closes it; a clicker without the right is refused', async () => {
    const { n } = await issue('排查电动车违规充电');
    const card = h.fake.messagesIn('ou_zhangli').at(-1)!.content as any;
    const form = card.body.elements.find((e: any) => e.tag === 'form');
    expect(form.elements.filter((e: any) => e.tag === 'input').map((e: any) => e.name)).toEqual(['reply']);
    const submit = form.elements.find((e: any) => e.form_action_type === 'submit');
    expect(submit.behaviors[0].value).toEqual({ a: 'notice.reply', id: `D${n.seq}` });
    const ok = await click('ou_zhangli', 'oc_p2p_ou_zhangli', submit.behaviors[0].value, { reply: '已排查12栋楼' });
    expect(ok.type).toBe('success');
    expect((await noticeRow(n.id)).status).toBe('replied');
    expect((await eventsOf(n.id)).find((e) => e.kind === 'reply')?.note).toBe('已排查12栋楼');
    const refused = await click('ou_zhangli', 'oc_p2p_ou_zhangli', { a: 'notice.close', id: `D${n.seq}` });
    expect(refused.type).toBe('error');
    expect((await noticeRow(n.id)).status).toBe('replied');
    const closed = await click('ou_chenbo', OFFICE, { a: 'notice.close', id: `D${n.seq}` });
    expect(closed.type).toBe('success');
    expect((await noticeRow(n.id)).status).toBe('closed');
  });
});

describe('cards already sent follow the notice', () => {
  it('a reply and then the close redraw every card sent (unit chat, liaison, office): the reply shows, and once closed no button is left', async () => {
    const { n } = await issue('核查群租房消防隐患');
    const code = `D${n.seq}`;
    const sent = h.fake.messages.filter((m) => m.msg_type === 'interactive' && String((m.content as any).header?.title?.content ?? '').startsWith(`督办单 ${code} `));
    expect(sent.map((m) => m.chat_id).sort()).toEqual(expect.arrayContaining([OFFICE, 'ou_zhangli']));
    const ids = sent.map((m) => m.message_id);
    const now = () => h.fake.messages.filter((m) => ids.includes(m.message_id));
    await say('ou_zhangli', `督办 回复 ${code} 已排查3处，正在整改`);
    for (const m of now()) {
      expect(m.patched, m.chat_id).toBe(1);
      expect(flatten(m.content)).toContain('已排查3处，正在整改');
      expect(JSON.stringify(m.content)).toContain('notice.close');
    }
    await say('ou_chenbo', `督办 办结 ${code} 整改到位`);
    for (const m of now()) {
      expect(m.patched, m.chat_id).toBe(2);
      expect(flatten(m.content)).toContain('已办结');
      expect(JSON.stringify(m.content)).not.toMatch(/notice\.(reply|close)/);
    }
    expect(h.fake.cardRefusals.map((r) => r.msg)).toEqual([]);
  });
});

describe('English', () => {
  it('English words give English answers', async () => {
    const r = await say('ou_chenbo', 'notice 区公安局 check the fire exits due:2026-12-04');
    expect(r.text).toMatch(/^Notice D\d+ issued to 区公安局/);
    const n = (await latest())!;
    expect((await say('ou_zhangli', `notice reply D${n.seq} checked`)).text).toContain(`reply to notice D${n.seq}`);
    expect((await say('ou_chenbo', 'notice close D9999')).text).toBe('There is no notice D9999. Send "notice list" to see the notices.');
  });
});

describe('the cards', () => {
  it('every notice card was accepted by the Open Platform as sent, without warnings', () => {
    expect(h.fake.cardRefusals.map((r) => r.msg)).toEqual([]);
    const cards = h.fake.messages.filter((m) => m.msg_type === 'interactive' && /督办|Notice|notice/.test(String((m.content as any).header?.title?.content ?? '')));
    expect(cards.length).toBeGreaterThan(10);
    for (const c of cards) expect(c.cardNotes, String((c.content as any).header.title.content)).toBeUndefined();
  });
});
