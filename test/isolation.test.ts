// Two campaigns in one database (DESIGN.md §1: every row belongs to exactly one campaign and no command ever reads
// across campaigns). The plans share unit and group names and one person; everything only A has carries 甲, everything
// only B has carries 乙 (test/fixtures/isolation-*.plan.yaml). Reads in one campaign's chats never show the other's
// rows; writes by the other campaign's short ids touch only the chat's campaign; jobs post only into their own chats.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlanFile } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
// Wednesday 2026-11-25 10:00 in Shanghai
const WEDNESDAY = '2026-11-25T02:00:00Z';

const A = { name: '甲专项·新河周转房', office: 'ou_iso_a_office', lead: 'ou_iso_a_lead', community: 'ou_iso_a_community', chats: { weiwen: 'oc_iso_a_weiwen', office: 'oc_iso_a_office', leaders: 'oc_iso_a_leaders' }, mark: '甲', other: '乙' };
const B = { name: '乙专项·滨海路面', office: 'ou_iso_b_office', lead: 'ou_iso_b_lead', community: 'ou_iso_b_community', chats: { weiwen: 'oc_iso_b_weiwen', office: 'oc_iso_b_office', leaders: 'oc_iso_b_leaders', gongcheng: 'oc_iso_b_gongcheng' }, mark: '乙', other: '甲' };
type Side = typeof A | typeof B;
/** in A a liaison of 区公安局, in B the office */
const BOTH = 'ou_iso_both';

let h: Harness;
let reader: Database.Database;
const cid = { A: 0, B: 0 };
/** replies to messages whose own text names the other campaign's things on purpose: judged without that text */
const typedOther = new Map<string, string[]>();

type Content = { header?: { title?: { content?: string }; subtitle?: { content?: string } }; body?: { elements?: Array<{ tag: string; rows?: Array<Record<string, unknown>> }> }; text?: string };

async function say(from: string, chat: string, text: string, opts: { echo?: string[] } = {}) {
  const said = await h.say({ from, chat, text });
  if (opts.echo) typedOther.set(said.messageId, opts.echo);
  const reply = h.fake.messages.find((m) => m.reply_to === said.messageId);
  expect(reply, `no reply to ${text}`).toBeDefined();
  return { content: reply!.content as Content, text: flatten(reply!.content), messageId: said.messageId };
}

const rowsOf = (c: Content) => c.body?.elements?.find((e) => e.tag === 'table')?.rows ?? [];

function campaignId(name: string): number {
  return (reader.prepare('select id from campaigns where name = ?').get(name) as { id: number }).id;
}

/** Every row of one campaign in the domain tables, as text. */
function rowsOfCampaign(id: number): string {
  const out: Record<string, unknown> = {};
  for (const t of ['units', 'groups', 'people', 'chats', 'reporting_rules', 'reports', 'tasks', 'task_events', 'problems', 'meetings', 'job_runs']) {
    out[t] = reader.prepare(`select * from ${t} where campaign_id = ? order by rowid`).all(id);
  }
  out['report_revisions'] = reader.prepare('select * from report_revisions where report_id in (select id from reports where campaign_id = ?) order by id').all(id);
  out['outbox'] = reader.prepare('select o.dedupe_key, o.target, c.content from outbox o left join outbox_content c on c.outbox_id = o.id where o.campaign_id = ? order by o.id').all(id);
  return JSON.stringify(out);
}

/** What the bot posted into one side's chats never carries the other side's mark, in any string of the card (buttons'
 * commands too); a reply to a message that typed the other side's names is judged without those names. */
function expectOnlyOwn(side: Side) {
  let seen = 0;
  for (const chat of Object.values(side.chats)) {
    for (const m of h.fake.messagesIn(chat)) {
      let raw = JSON.stringify(m.content);
      for (const typed of (m.reply_to && typedOther.get(m.reply_to)) || []) raw = raw.split(typed).join('');
      expect(raw, `${chat}: ${flatten(m.content)}`).not.toContain(side.other);
      seen++;
    }
  }
  return seen;
}

beforeAll(async () => {
  h = await startHarness({ plan: join(FIXTURES, 'isolation-a.plan.yaml'), now: WEDNESDAY, env: { SEND_PER_CHAT_PER_SECOND: '1000', SEND_PER_SECOND: '1000', SEND_PER_MINUTE: '100000' } });
  await applyPlanFile(h.server.runtime, join(FIXTURES, 'isolation-b.plan.yaml'));
  reader = new Database(join(h.dir, 'duban.db'), { readonly: true, fileMustExist: true });
  cid.A = campaignId(A.name);
  cid.B = campaignId(B.name);

  // Reports (with a problem each), problems, tasks and meetings in each campaign, by chat. A ends with T1–T2, M1–M2,
  // P1–P2; B with T1–T4, M1–M3, P1–P3.
  const ok = (r: { text: string }, want: string) => expect(r.text, r.text).toContain(want);
  ok(await say(A.lead, A.chats.weiwen, '汇报 进展：甲湾社区完成入户排查 问题：甲湾社区3户拒绝搬迁 下一步：甲湾社区继续做工作'), '进度专报已收到');
  ok(await say(BOTH, A.chats.weiwen, '汇报 进展：甲湾社区治安巡逻 下一步：甲湾社区继续巡逻'), '进度专报已收到 · 区公安局');
  ok(await say(A.community, A.chats.weiwen, '问题 上报 甲湾社区管线漏水'), '已上报问题');
  ok(await say(A.office, A.chats.office, '任务 新增 甲湾道路清障 牵头：区公安局 截止：2026-11-20 工作组：维稳保障组'), 'T2');
  ok(await say(A.office, A.chats.office, '会议 安排 甲湾协调会 时间：明天10:00 地点：甲湾会议室二 参会：区公安局'), 'M2');

  ok(await say(B.lead, B.chats.weiwen, '汇报 进展：乙港完成摸排 问题：乙港资金缺口 下一步：乙港继续推进'), '进度专报已收到');
  ok(await say(B.community, B.chats.weiwen, '问题 上报 乙港外墙脱落'), '已上报问题');
  ok(await say(B.community, B.chats.weiwen, '问题 上报 乙港照明损坏'), '已上报问题');
  ok(await say(BOTH, B.chats.office, '任务 新增 乙港围挡加固 牵头：区公安局 截止：2026-11-18 工作组：维稳保障组'), 'T4');
  ok(await say(B.office, B.chats.office, '会议 安排 乙港协调会 时间：明天14:00 地点：乙港会议室二 参会：乙港社区'), 'M3');
});
afterAll(async () => {
  reader?.close();
  await h?.close();
});

describe('the setup', () => {
  it('gives both campaigns the same short ids, B more of them', () => {
    const seqs = (table: string, id: number) => (reader.prepare(`select seq from ${table} where campaign_id = ? order by seq`).all(id) as Array<{ seq: number }>).map((r) => r.seq);
    expect(seqs('tasks', cid.A)).toEqual([1, 2]);
    expect(seqs('tasks', cid.B)).toEqual([1, 2, 3, 4]);
    expect(seqs('meetings', cid.A)).toEqual([1, 2]);
    expect(seqs('meetings', cid.B)).toEqual([1, 2, 3]);
    expect(seqs('problems', cid.A)).toEqual([1, 2]);
    expect(seqs('problems', cid.B)).toEqual([1, 2, 3]);
  });
});

describe('reads', () => {
  const READS = ['帮助', '进度', '进度 维稳保障组', '进度 区公安局', '逾期', '逾期 区公安局', '落后', '落后 本月', '任务 列表 全部', '任务 列表 区公安局 全部', '任务 查看 T1', '任务 查看 T2', '问题 列表 全部', '会议 列表', '会议 查看 M1', '会议 查看 M2', '通报', '导出 台账'];

  it.each([A, B].map((s) => [s.mark, s] as const))('every read in %s’s chats shows only its own rows', async (_, side) => {
    for (const text of READS) await say(side.office, side.chats.office, text);
    for (const text of ['进度', '逾期', '任务 列表', '问题 列表', '会议 列表']) await say(side.lead, side.chats.weiwen, text);
    expect(expectOnlyOwn(side)).toBeGreaterThanOrEqual(READS.length + 5);
  });

  it('lists show only the campaign’s own short ids and titles', async () => {
    // in the order the lists keep (by deadline, by number), sorted here
    const ids = async (side: Side, text: string, key: string) => rowsOf((await say(side.office, side.chats.office, text)).content).map((r) => String(r[key])).sort();
    expect(await ids(A, '任务 列表 全部', 'code')).toEqual(['T1', 'T2']);
    expect(await ids(B, '任务 列表 全部', 'code')).toEqual(['T1', 'T2', 'T3', 'T4']);
    expect(await ids(A, '任务 列表 全部', 'title')).toEqual(['甲湾社区消防通道整治', '甲湾道路清障']);
    expect(await ids(A, '问题 列表 全部', 'id')).toEqual(['P1', 'P2']);
    expect(await ids(B, '问题 列表 全部', 'id')).toEqual(['P1', 'P2', 'P3']);
    expect(await ids(A, '会议 列表', 'id')).toEqual(['M1', 'M2']);
    expect(await ids(B, '会议 列表', 'id')).toEqual(['M1', 'M2', 'M3']);
    // the same-named unit: B's 区公安局 leads T1 and T4 in B; A's leads T1 and T2 in A
    expect(await ids(A, '逾期 区公安局', 'code')).toEqual(['T1', 'T2']);
    expect(await ids(B, '逾期 区公安局', 'code')).toEqual(['T1', 'T4']);
    // T1 is a different task in each campaign
    expect((await say(A.office, A.chats.office, '任务 查看 T1')).text).toContain('甲湾社区消防通道整治');
    expect((await say(B.office, B.chats.office, '任务 查看 T1')).text).toContain('乙港路面修缮');
    expect((await say(A.office, A.chats.office, '会议 查看 M1')).text).toContain('甲湾社区调度会');
    expect((await say(B.office, B.chats.office, '会议 查看 M1')).text).toContain('乙港调度会');
  });

  it('ids only the other campaign has are not found', async () => {
    for (const text of ['任务 查看 T3', '任务 查看 T4', '会议 查看 M3']) {
      const r = await say(A.office, A.chats.office, text);
      expect(r.text, text).toMatch(/没有/);
    }
    expectOnlyOwn(A);
  });

  it('status counts each campaign’s own reports, even for units of the same name', async () => {
    // 区公安局 reported in A (by the person in both), not in B; 新河街道办事处 reported in both
    const status = async (side: Side) => (await say(side.office, side.chats.office, '进度')).text;
    const line = (text: string, label: string) => text.split('\n').find((l) => l.replace(/^\**/, '').startsWith(label)) ?? '';
    const a = await status(A);
    const b = await status(B);
    expect(line(a, '按时报送')).toContain('区公安局');
    expect(line(a, '按时报送')).toContain('新河街道办事处');
    expect(line(a, '未报送')).toContain('甲湾社区');
    expect(line(b, '未报送')).toContain('区公安局');
    expect(line(b, '按时报送')).toContain('新河街道办事处');
    expect(line(b, '按时报送')).not.toContain('区公安局');
  });

  it('the bulletin and the export count only the campaign’s own rows', async () => {
    const bulletin = (await say(A.office, A.chats.office, '通报')).text;
    // A: T1, T2 open (both overdue); problems P1 (from the report) and P2 raised this month
    expect(bulletin).toMatch(/在办 2，其中逾期 2/);
    expect(bulletin).toMatch(/本月上报 2/);
    expect((await say(B.office, B.chats.office, '通报')).text).toMatch(/在办 4，其中逾期 3/);
    expect((await say(A.office, A.chats.office, '导出 台账')).text).toContain('共 2 项');
    expect((await say(B.office, B.chats.office, '导出 台账')).text).toContain('共 4 项');
    const names = h.fake.files.map((f) => f.file_name);
    expect(names.some((n) => n.includes(A.name))).toBe(true);
    expect(names.some((n) => n.includes(B.name))).toBe(true);
  });
});

describe('writes', () => {
  it('by ids and names only the other campaign has: nothing of theirs changes, and the answer lists only our own', async () => {
    const before = rowsOfCampaign(cid.B);
    const notFound: Array<[string, RegExp]> = [
      ['任务 销账 T3 已完成', /没有 T3/],
      ['任务 延期 T4 截止：2027-01-31 原因：天气', /没有 T4/],
      ['任务 取消 T4 重复', /没有 T4/],
      ['任务 进展 T3 推进中', /没有 T3/],
      ['会议 取消 M3', /没有会议 M3/],
      ['会议 纪要 M3 研究了工作', /没有会议 M3/],
      ['问题 解决 P3 已解决', /没有问题 P3/],
      ['问题 升级 P3', /没有问题 P3/],
    ];
    for (const [text, want] of notFound) expect((await say(A.office, A.chats.office, text)).text, text).toMatch(want);
    // B's names: unknown here, and the candidates offered are A's
    const named: Array<[string, string[]]> = [
      ['汇报 代 乙港社区 进展：完成', ['乙港社区']],
      ['任务 新增 清障 牵头：乙区建投集团 截止：12月31日', ['乙区建投集团']],
      ['任务 新增 清障 牵头：区公安局 截止：12月31日 工作组：乙港工程组', ['乙港工程组']],
      ['绑定 乙港工程组', ['乙港工程组']],
      ['逾期 乙港社区', ['乙港社区']],
      ['会议 安排 协调会 时间：明天16:00 参会：乙港社区', ['乙港社区']],
    ];
    for (const [text, echo] of named) {
      const r = await say(A.office, A.chats.office, text, { echo });
      expect(r.text, text).toMatch(/没有/);
    }
    expect(rowsOfCampaign(cid.B)).toBe(before);
    expectOnlyOwn(A);
  });

  it('by the same short id: only the chat’s campaign changes', async () => {
    const beforeB = rowsOfCampaign(cid.B);
    const task = (id: number, seq: number) => reader.prepare('select status, deadline from tasks where campaign_id = ? and seq = ?').get(id, seq) as { status: string; deadline: string };
    const meeting = (id: number, seq: number) => reader.prepare('select status, minutes from meetings where campaign_id = ? and seq = ?').get(id, seq) as { status: string; minutes: string | null };
    const problem = (id: number, seq: number) => reader.prepare('select status, level from problems where campaign_id = ? and seq = ?').get(id, seq) as { status: string; level: string };

    await say(A.office, A.chats.office, '任务 销账 T1 甲湾社区通道已畅通');
    await say(A.office, A.chats.office, '任务 延期 T2 截止：2026-11-23 原因：甲湾社区雨天');
    await say(A.lead, A.chats.weiwen, '会议 纪要 M1 甲湾社区调度会研究了排查进度');
    await say(A.office, A.chats.office, '会议 取消 M2');
    await say(A.office, A.chats.office, '问题 解决 P2 甲湾社区管线已修复');
    await say(A.office, A.chats.office, '问题 升级 P1');
    expect(task(cid.A, 1).status).toBe('done');
    expect(task(cid.A, 2).deadline).toBe('2026-11-23');
    expect(meeting(cid.A, 1).minutes).toContain('甲湾社区调度会研究了排查进度');
    expect(meeting(cid.A, 2).status).toBe('cancelled');
    expect(problem(cid.A, 2).status).toBe('resolved');
    expect(problem(cid.A, 1).level).toBe('deputy');

    expect(rowsOfCampaign(cid.B)).toBe(beforeB);
    expect(task(cid.B, 1).status).toBe('open');
    expect(task(cid.B, 2).deadline).toBe('2026-11-12');
    expect(meeting(cid.B, 1).minutes).toBeNull();
    expect(meeting(cid.B, 2).status).toBe('scheduled');
    expect(problem(cid.B, 2)).toEqual({ status: 'open', level: 'group' });
    expect(problem(cid.B, 1).level).toBe('group');
    expectOnlyOwn(A);
    expectOnlyOwn(B);
  });

  it('a person in both campaigns acts in the campaign of the chat, with that campaign’s roles; in private they are asked which', async () => {
    // in A only a liaison: no binding there
    const refused = await say(BOTH, A.chats.weiwen, '绑定 维稳保障组');
    expect(refused.text).toContain('需要以下角色之一：办公室');
    // in B the office: the same command in B's chat is theirs to use (nothing changes: it is bound there already)
    expect((await say(BOTH, B.chats.weiwen, '绑定 维稳保障组')).text).toContain('已将本群绑定为「维稳保障组」');
    const p2p = await say(BOTH, 'oc_p2p_iso_both', '进度');
    expect(p2p.text).toContain(A.name);
    expect(p2p.text).toContain(B.name);
    expect(reader.prepare("select count(*) as n from chats where chat_id = 'oc_p2p_iso_both'").get()).toEqual({ n: 0 });
    // chats stayed with their campaigns
    const bound = reader.prepare('select chat_id, campaign_id from chats order by chat_id').all() as Array<{ chat_id: string; campaign_id: number }>;
    for (const c of bound) expect(c.campaign_id, c.chat_id).toBe(c.chat_id.startsWith('oc_iso_a_') ? cid.A : cid.B);
  });
});

describe('jobs', () => {
  // Shanghai times from Thursday's 1-day reminder to Monday's bulletin (30 November is the month's last workday).
  const TICKS = ['2026-11-26T17:01', '2026-11-27T15:01', '2026-11-27T17:01', '2026-11-27T17:31', '2026-11-29T15:01', '2026-11-30T09:01', '2026-11-30T10:01', '2026-11-30T14:31', '2026-11-30T16:01'];

  it('each campaign’s jobs post only its own rows, and only into its own chats', async () => {
    const chatsOf = (id: number) => new Set((reader.prepare('select chat_id from chats where campaign_id = ?').all(id) as Array<{ chat_id: string }>).map((r) => r.chat_id));
    const own = { [cid.A]: chatsOf(cid.A), [cid.B]: chatsOf(cid.B) };
    const before = h.fake.messages.length;
    for (const at of TICKS) {
      const when = new Date(`${at}:00+08:00`);
      h.clock.set(when);
      await h.server.runtime.runner.tick(when);
    }
    await h.settle();
    const rows = reader.prepare("select campaign_id, target, dedupe_key from outbox where dedupe_key like 'job:%'").all() as Array<{ campaign_id: number; target: string; dedupe_key: string }>;
    const ran = new Set(rows.map((r) => `${r.campaign_id}:${r.dedupe_key.split(':')[1]}`));
    // not vacuous: the digests, chases and lists went out in both campaigns
    for (const id of [cid.A, cid.B]) for (const job of ['report-reminder', 'report-chase', 'lagging-units', 'overdue-digest', 'monthly-bulletin']) expect(ran.has(`${id}:${job}`), `${job} in campaign ${id}`).toBe(true);
    for (const r of rows) expect(own[r.campaign_id]!.has(r.target), `${r.dedupe_key} → ${r.target}`).toBe(true);
    expect(h.fake.messages.length).toBeGreaterThan(before + 10);
    expectOnlyOwn(A);
    expectOnlyOwn(B);
    // the office digests name each campaign's own overdue items
    const digest = (side: Side) => h.fake.messagesIn(side.chats.office).filter((m) => String(m.content.header?.title?.content).startsWith('逾期任务')).map((m) => rowsOf(m.content).map((r) => `${r['code']} ${r['title']}`));
    expect(digest(A).at(-1)).toEqual(['T2 甲湾道路清障']);
    expect(digest(B).at(-1)).toEqual(['T1 乙港路面修缮', 'T2 乙港排水改造', 'T4 乙港围挡加固']);
  });
});
