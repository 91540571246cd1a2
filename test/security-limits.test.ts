// Issue 16, finding 5: user texts have limits that the reply names (zh and en), and no card the bot sends goes over
// Lark's 30 KB card limit (230025): lists clip long titles, and a card that would be too big is split.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, tasks } from '../db/schema.js';
import { addTask } from '../src/ledger/tasks.js';
import { loadOrg } from '../src/org.js';
import { startHarness, type Harness } from './support/harness.js';

const LARK_CARD_LIMIT = 30 * 1024;
let h: Harness;
let campaignId: number;

beforeAll(async () => {
  h = await startHarness({ now: '2026-11-23T01:00:00Z' });
  const [c] = await h.server.runtime.dbh.db.select().from(campaigns);
  campaignId = c!.id;
});
afterAll(() => h.close());

const taskCount = async () => (await h.server.runtime.dbh.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.campaignId, campaignId))).length;
const lastText = (chat: string) => h.textsIn(chat).at(-1) ?? '';
const cardsIn = (chat: string) => h.fake.messagesIn(chat).filter((m) => m.msg_type === 'interactive');
const bytes = (content: unknown) => Buffer.byteLength(JSON.stringify(content), 'utf8');

/** Tasks written before limits existed (or by a path without them): rows in the ledger as they are. */
async function legacyTasks(n: number, title: (i: number) => string, deadline: string) {
  const org = (await loadOrg(h.server.runtime.dbh.db, campaignId))!;
  const lead = org.units.find((u) => u.name === '新河周转房办公室')!;
  for (let i = 0; i < n; i++) {
    await addTask(h.server.runtime.dbh, campaignId, { title: title(i), target: '', leadUnitId: lead.id, cooperatingUnitIds: [], groupId: null, deadline, source: 'import' }, { by: null, at: new Date(h.clock.now().getTime() + i) });
  }
}

describe('limits on user text', () => {
  it('an 80,000-character task title is refused with the limit named, and nothing is stored', async () => {
    const before = await taskCount();
    await h.say({ from: 'ou_chenbo', chat: 'oc_lim_zh', text: `任务 新增 ${'长A'.repeat(40_000)} 牵头：区公安局 截止：2026-12-31` });
    const reply = lastText('oc_lim_zh');
    expect(reply).toContain('任务标题最多 200 字');
    expect(reply).toContain('80,000');
    expect(reply.length).toBeLessThan(500);
    expect(await taskCount()).toBe(before);
  });

  it('in English the refusal names the limit in English', async () => {
    await h.say({ from: 'ou_chenbo', chat: 'oc_lim_en', text: `task add ${'x'.repeat(201)} lead:区公安局 due:2026-12-31` });
    expect(lastText('oc_lim_en')).toContain('A task title may be at most 200 characters; this one has 201');
  });

  it('a 200-character title is accepted', async () => {
    const before = await taskCount();
    await h.say({ from: 'ou_chenbo', chat: 'oc_lim_ok', text: `任务 新增 ${'整'.repeat(200)} 牵头：区公安局 截止：2026-12-31` });
    expect(await taskCount()).toBe(before + 1);
  });

  it('a progress note over 2,000, a report section over 5,000 and minutes over 20,000 characters are refused by name', async () => {
    await h.say({ from: 'ou_zhangli', chat: 'oc_lim_note', text: `任务 进展 T1 ${'进'.repeat(2001)}` });
    expect(lastText('oc_lim_note')).toContain('进展说明最多 2,000 字');
    await h.say({ from: 'ou_wangmin', chat: 'oc_lim_report', text: `汇报\n进展：${'完'.repeat(5001)}\n问题：无\n下一步：继续` });
    expect(lastText('oc_lim_report')).toContain('「进展」部分最多 5,000 字');
    await h.say({ from: 'ou_chenbo', chat: 'oc_lim_minutes', text: `会议 纪要 M1 ${'议'.repeat(20_001)}` });
    expect(lastText('oc_lim_minutes')).toContain('会议备忘最多 20,000 字');
  });
});

describe('cards stay under Lark’s 30 KB', () => {
  it('任务 列表 with tasks whose titles are 80,000 characters still delivers, titles clipped', async () => {
    await legacyTasks(12, (i) => `${i}号`.padEnd(80_000, '超'), '2026-12-30');
    const r = await h.say({ from: 'ou_chenbo', chat: 'oc_lim_list', text: '任务 列表 全部' });
    expect(r.status).toBe(200);
    const cards = cardsIn('oc_lim_list');
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) expect(bytes(c.content)).toBeLessThanOrEqual(LARK_CARD_LIMIT);
    expect(lastText('oc_lim_list')).toContain('超…');
  });

  it('the daily deadline reminder with 300 long-titled tasks is split into cards that all arrive, every task named', async () => {
    await legacyTasks(300, (i) => `到期任务${i}：`.padEnd(200, '整'), '2026-11-24');
    const before = new Set(h.fake.messages.map((m) => m.message_id));
    const results = await h.server.runtime.runner.runNow('deadline-reminder', new Date('2026-11-23T09:00:00+08:00'));
    expect(results.map((x) => x.outcome)).toContain('sent');
    await h.settle();
    const sent = h.fake.messages.filter((m) => !before.has(m.message_id) && m.msg_type === 'interactive');
    expect(sent.length).toBeGreaterThan(1);
    for (const m of sent) expect(bytes(m.content)).toBeLessThanOrEqual(LARK_CARD_LIMIT);
    const text = sent.map((m) => JSON.stringify(m.content)).join('\n');
    const first = (await h.server.runtime.dbh.db.select({ seq: tasks.seq }).from(tasks).where(eq(tasks.deadline, '2026-11-24'))).map((t) => t.seq);
    expect(first.length).toBe(300);
    for (const seq of first) expect(text).toContain(`T${seq}**`);
    expect(text).toContain('(1/');
    expect(await h.server.runtime.sender.pendingCount()).toBe(0);
  });
});
