// User text the bot echoes back (DESIGN.md §3: "no user can forge an @all, a link, or markdown in a bot message"),
// through the real path: the message as a signed event, the card or text the real SDK delivered to the fake Open
// Platform. Each message must be valid JSON; the reader sees the text as typed (entities decoded, see `flatten`); no
// @all, no link, no formatting and no extra card element may come of it: markdown strings carry no raw tag, link or
// emphasis from the user, and the card has the same shape as the same command with harmless text. The scheduled jobs'
// cards (deadline reminder, overdue digest, meeting reminder, problem escalation) are held to the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from './fake-lark/types.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

// Monday 2026-11-23 10:00 in Shanghai
const MONDAY = '2026-11-23T02:00:00Z';
const OFFICE = 'oc_xinhe_office';
const WEIWEN = 'oc_xinhe_weiwen';
const ANQUAN = 'oc_xinhe_anquan';
const LEADERS = 'oc_xinhe_leaders';

/** What users try; each is also sent alone where a reply echoes one short argument. */
const EVIL = [
  '<at user_id="all">所有人</at>',
  '<at id=all></at>',
  '[点我](https://evil.example)',
  '**bold**',
  '"}]},{"tag":"button","text":{"tag":"plain_text","content":"点我"},"behaviors":[{"type":"open_url","default_url":"https://evil.example"}]},{"tag":"markdown","content":"x',
  '${process.env.LARK_APP_SECRET}',
  '<script>alert(1)</script>',
  "<font color='red'>红字</font>",
  '<b>粗</b><a href="https://evil.example">链接</a>',
];
/** already-escaped text must stay as typed too (cards decode entities once) */
const ENTITY = '&#60;at id=all&#62;&#60;/at&#62;';
const ALL = [...EVIL, ENTITY].join(' ');
/** The same attacks in pieces that fit a title (at most 200 characters, issue 16): every piece is sent in some title. */
const TITLES = [...EVIL, ENTITY].reduce<string[]>((acc, p) => {
  if (acc.length && [...`${acc.at(-1)!} ${p}`].length <= 200) acc[acc.length - 1] += ` ${p}`;
  else acc.push(p);
  return acc;
}, []);
const partsOf = (payload: string) => [...EVIL, ENTITY].filter((p) => payload.includes(p));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: MONDAY, env: { SEND_PER_CHAT_PER_SECOND: '1000', SEND_PER_SECOND: '1000', SEND_PER_MINUTE: '100000' } });
});
afterAll(() => h?.close());

const invisible = (s: string) => s.replace(/\u200b/g, '');

async function say(from: string, chat: string, text: string): Promise<FakeMessage> {
  const said = await h.say({ from, chat, text });
  const reply = h.fake.messages.find((m) => m.reply_to === said.messageId);
  expect(reply, `no reply to ${text}`).toBeDefined();
  return reply!;
}

type Node = Record<string, unknown>;

function walk(v: unknown, fn: (o: Node) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, fn));
  else if (v && typeof v === 'object') {
    fn(v as Node);
    for (const x of Object.values(v)) walk(x, fn);
  }
}

/** The strings of a card that Lark reads as markdown: markdown elements, lark_md texts, lark_md/markdown table cells. */
function markdownStrings(card: unknown): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    if ((o['tag'] === 'markdown' || o['tag'] === 'lark_md') && typeof o['content'] === 'string') out.push(o['content']);
    if (o['tag'] === 'table') {
      const cols = (o['columns'] as Array<{ name: string; data_type: string }>).filter((c) => c.data_type === 'lark_md' || c.data_type === 'markdown');
      for (const row of o['rows'] as Array<Record<string, unknown>>) for (const c of cols) out.push(String(row[c.name] ?? ''));
    }
  });
  return out;
}

/** The card's shape: the tree of tags and keys, without the words. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, k === 'tag' || k === 'data_type' ? x : shape(x)]));
  return typeof v;
}

// Our own markup: mentions built from open_ids in our tables, and the grey note.
const OURS = [/<at id=ou_[A-Za-z0-9_]+><\/at>/g, /<font color='grey'>/g, /<\/font>/g];

/** Checks one delivered message, card or text, against every way user text could become markup. */
function expectInert(m: FakeMessage) {
  const where = `${m.chat_id} ${m.msg_type}: ${flatten(m.content).slice(0, 300)}`;
  expect(() => JSON.parse(m.raw), where).not.toThrow();
  if (m.msg_type === 'text') {
    const text = String(m.content.text);
    expect(text, where).not.toMatch(/<\/?[A-Za-z]/);
    expect(text, where).not.toContain('](');
    return;
  }
  expect(m.msg_type, where).toBe('interactive');
  expect(m.content.schema, where).toBe('2.0');
  expect(Array.isArray(m.content.body?.elements), where).toBe(true);
  walk(m.content, (o) => {
    expect(o['tag'], where).not.toBe('at');
    // our buttons call back with a command; nothing opens a URL
    for (const b of (o['behaviors'] as Array<{ type: string }> | undefined) ?? []) expect(b.type, where).toBe('callback');
    expect(o['default_url'], where).toBeUndefined();
  });
  for (const s of markdownStrings(m.content)) {
    const rest = OURS.reduce((x, re) => x.replace(re, ''), s);
    expect(rest, where).not.toMatch(/<\/?[A-Za-z!]/);
    expect(rest, where).not.toContain('](');
    expect(rest, where).not.toContain('**bold**');
    expect(rest, where).not.toContain('${');
  }
}

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));

/** What a reader sees: markdown with its entities decoded once, plain text as it is (flatten() decodes both). */
function shown(m: FakeMessage): string {
  if (m.msg_type === 'text') return invisible(String(m.content.text));
  const out: string[] = [];
  walk(m.content, (o) => {
    if ((o['tag'] === 'markdown' || o['tag'] === 'lark_md') && typeof o['content'] === 'string') out.push(decode(o['content']));
    if (o['tag'] === 'plain_text' && typeof o['content'] === 'string') out.push(o['content']);
    if (o['tag'] === 'table') {
      const cols = o['columns'] as Array<{ name: string; data_type: string }>;
      for (const row of o['rows'] as Array<Record<string, unknown>>) for (const c of cols) out.push(c.data_type === 'lark_md' || c.data_type === 'markdown' ? decode(String(row[c.name] ?? '')) : String(row[c.name] ?? ''));
    }
  });
  return out.join('\n');
}

/** The reader sees each of these, as typed. */
function expectShown(m: FakeMessage, parts: string[]) {
  const seen = shown(m);
  for (const p of parts) expect(seen, `${p}\nnot shown in\n${seen}`).toContain(p);
}

describe('cards that echo what users typed', () => {
  // Each command twice: with harmless text and with the attack, in the same situation; the cards must have one shape.
  // A title takes at most 200 characters, so titled commands get the attacks in pieces (TITLES), one message each.
  const pairs: Array<{ name: string; from: string; chat: string; text: (p: string) => string; shown: 'all' | 'none'; titled?: boolean }> = [
    { name: 'report sections', from: 'ou_liqiang', chat: ANQUAN, text: (p) => `汇报\n进展：完成排查 ${p}\n问题：${p}\n下一步：继续推进 ${p}`, shown: 'all' },
    { name: 'task title and target', from: 'ou_chenbo', chat: OFFICE, text: (p) => `任务 新增 ${p} 牵头：区公安局 截止：2026-11-20 工作组：维稳保障组 目标：${p}`, shown: 'all', titled: true },
    { name: 'problem text', from: 'ou_wangmin', chat: WEIWEN, text: (p) => `问题 上报 ${p}`, shown: 'all' },
    { name: 'meeting title and place', from: 'ou_wangmin', chat: WEIWEN, text: (p) => `会议 安排 ${p} 时间：明天10:00 地点：${p}`, shown: 'all', titled: true },
  ];

  it.each(pairs.map((p) => [p.name, p] as const))('%s', async (_, pair) => {
    const harmless = await say(pair.from === 'ou_liqiang' ? 'ou_wangmin' : pair.from, pair.from === 'ou_liqiang' ? WEIWEN : pair.chat, pair.text('一切正常'));
    for (const payload of pair.titled ? TITLES : [ALL]) {
      const evil = await say(pair.from, pair.chat, pair.text(payload));
      expectInert(evil);
      expectShown(evil, partsOf(payload));
      expect(shape(evil.content)).toEqual(shape(harmless.content));
    }
  });

  it('report metrics named with markup', async () => {
    // A metric's name is the word before `=`: markdown marks stay in it; tags and links are split off by the parser and
    // kept, as typed, under 未能归类的内容. Either way nothing becomes markup.
    const keys = ['**bold**', '`code`', '~~删除~~', '#标题', '[点我]'];
    const m = await say('ou_chenbo', OFFICE, `汇报 代 区网信办\n进展：完成\n指标：${keys.map((k, i) => `${k}=${i + 1}`).join('，')}，<script>alert(1)</script>=9，[点我](https://evil.example)=8，<at id=all></at>=7`);
    expectInert(m);
    expectShown(m, keys.map((k, i) => `${k}：${i + 1}`));
  });

  it('task notes, extensions and write-offs in the history; the task shown, listed and overdue', async () => {
    const added = async (title: string, due = '2026-11-20') => {
      const r = await say('ou_chenbo', OFFICE, `任务 新增 ${title} 牵头：区公安局 截止：${due} 工作组：维稳保障组`);
      return /T\d+/.exec(flatten(r.content))![0];
    };
    const plain = await added('普通任务');
    const evil = await added(TITLES[0]!);
    const note = (t: string, p: string) => say('ou_chenbo', OFFICE, `任务 进展 ${t} ${p}`);
    const a = await note(plain, '一切正常');
    // the history shows each note's first 200 characters: the attacks go in pieces that fit
    for (const piece of TITLES) {
      const b = await note(evil, piece);
      expectInert(b);
      expectShown(b, partsOf(piece));
      expect(shape(b.content)).toEqual(shape(a.content));
    }

    const extended = await say('ou_chenbo', OFFICE, `任务 延期 ${evil} 截止：2026-11-21 原因：${ALL}`);
    expectInert(extended);
    expectShown(extended, [...EVIL, ENTITY]);
    for (const text of [`任务 查看 ${evil}`, '任务 列表', '任务 列表 全部', '逾期', '逾期 区公安局']) {
      const m = await say('ou_zhangli', WEIWEN, text);
      expectInert(m);
      expectShown(m, [EVIL[0]!]);
    }
    const doneOne = await added(TITLES[1]!, '2026-12-31');
    const done = await say('ou_chenbo', OFFICE, `任务 销账 ${doneOne} ${TITLES[2]}`);
    expectInert(done);
    expectShown(done, partsOf(`${TITLES[1]} ${TITLES[2]}`));
  });

  it('problems listed and resolved', async () => {
    const raised = await say('ou_wangmin', WEIWEN, `问题 上报 ${ALL}`);
    const p = /P\d+/.exec(flatten(raised.content))![0];
    const resolved = await say('ou_chenbo', OFFICE, `问题 解决 ${p} ${ALL}`);
    expectInert(resolved);
    expectShown(resolved, [...EVIL, ENTITY]);
    for (const text of ['问题 列表', '问题 列表 全部']) {
      const m = await say('ou_chenbo', OFFICE, text);
      expectInert(m);
      expectShown(m, [EVIL[0]!]);
    }
  });

  it('meetings listed, shown, minuted (with an action item) and cancelled', async () => {
    const added = await say('ou_wangmin', WEIWEN, `会议 安排 ${TITLES[0]} 时间：明天15:00 地点：${ALL}`);
    const ref = /M\d+/.exec(flatten(added.content))![0];
    const minutes = await say('ou_wangmin', WEIWEN, `会议 纪要 ${ref} ${ALL}\n- [ ] ${EVIL.slice(0, 4).join(' ')} 牵头：区公安局 截止：12月31日`);
    expectInert(minutes);
    expectShown(minutes, [...EVIL, ENTITY]);
    // the minutes also go to the other attendee chats, and the action item is a task
    expect(flatten(minutes.content)).toMatch(/纳入台账：T\d+/);
    for (const text of ['会议 列表', `会议 查看 ${ref}`]) {
      const m = await say('ou_zhangli', WEIWEN, text);
      expectInert(m);
      expectShown(m, text === '会议 列表' ? [EVIL[0]!] : [...EVIL, ENTITY]);
    }
    const other = /M\d+/.exec(flatten((await say('ou_chenbo', OFFICE, `会议 安排 ${TITLES[0]} 时间：明天16:00 工作组：维稳保障组`)).content))![0];
    const cancelled = await say('ou_chenbo', OFFICE, `会议 取消 ${other}`);
    expectInert(cancelled);
    expectShown(cancelled, partsOf(TITLES[0]!));
    // the notice in the group's chat
    const notice = h.fake.messagesIn(WEIWEN).filter((m) => String(m.content.header?.title?.content ?? '').startsWith(`会议取消 ${other}`));
    expect(notice).toHaveLength(1);
    expectInert(notice[0]!);
  });
});

describe('text replies that echo an argument', () => {
  // A text message parses <at>, <b>/<i>/<u>/<s> and [text](url): each arrives with a zero-width space that keeps it text.
  const forms: Array<[string, (p: string) => string, (p: string) => string]> = [
    // the unknown command's first 20 characters
    ['an unknown command', (p) => p, (p) => p.slice(0, 20)],
    ['bind to an unknown group', (p) => `绑定 ${p}`, (p) => p],
    ['help for an unknown command', (p) => `帮助 ${p}`, (p) => p],
    ['task add with an unknown lead unit', (p) => `任务 新增 清障 牵头：${p} 截止：12月31日`, (p) => p],
    ['status of an unknown unit', (p) => `进度 ${p}`, (p) => p],
    // 代 takes one word: up to a space, a colon or a comma (half- or full-width)
    ['report for an unknown unit (代)', (p) => `汇报 代 ${p} 进展：完成`, (p) => /^[^\s:：,，;；]+/.exec(p)![0]],
  ];

  it.each(forms)('%s', async (_, text, echoed) => {
    for (const p of EVIL) {
      const m = await say('ou_chenbo', OFFICE, text(p));
      expect(m.msg_type).toBe('text');
      expectInert(m);
      expectShown(m, [echoed(p)]);
    }
  });
});

describe('the jobs’ cards', () => {
  it('deadline reminder, overdue digest, meeting reminder and problem escalation show the text and stay inert', async () => {
    // due within three workdays, overdue, a meeting tomorrow 11:00, and a problem that will wait three workdays
    await say('ou_chenbo', OFFICE, `任务 新增 ${TITLES[0]} 牵头：新河街道办事处 截止：2026-11-25 工作组：维稳保障组`);
    await say('ou_chenbo', OFFICE, `任务 新增 ${TITLES[0]} 牵头：新河街道办事处 截止：2026-11-19 工作组：维稳保障组`);
    await say('ou_wangmin', WEIWEN, `会议 安排 ${TITLES[0]} 时间：明天11:00 地点：${ALL}`);
    await say('ou_wangmin', WEIWEN, `问题 上报 ${ALL}`);
    const before = new Set(h.fake.messages.map((m) => m.message_id));
    for (const at of ['2026-11-23T11:01', '2026-11-26T10:01']) {
      const when = new Date(`${at}:00+08:00`);
      h.clock.set(when);
      await h.server.runtime.runner.tick(when);
    }
    await h.settle();
    const posted = h.fake.messages.filter((m) => !before.has(m.message_id));
    const titled = (chat: string, prefix: string) => posted.filter((m) => m.chat_id === chat && String(m.content.header?.title?.content ?? '').startsWith(prefix));
    const cards = {
      deadline: titled(WEIWEN, '【到期提醒】'),
      overdue: titled(WEIWEN, '逾期任务'),
      meeting: titled(WEIWEN, '会议提醒'),
      escalation: titled(LEADERS, '问题升级'),
    };
    for (const [name, list] of Object.entries(cards)) expect(list.length, name).toBeGreaterThan(0);
    // a list: titles clipped to their first characters (issue 16), the first attack among them
    expectShown(cards.deadline[0]!, [EVIL[0]!]);
    expectShown(cards.overdue[0]!, [EVIL[0]!]);
    expectShown(cards.meeting.find((m) => flatten(m.content).includes('11:00'))!, [...EVIL, ENTITY]);
    expectShown(cards.escalation.find((m) => invisible(flatten(m.content)).includes(ALL))!, [...EVIL, ENTITY]);
    for (const m of posted) expectInert(m);
  });

  it('every message the bot sent in this file is inert', () => {
    expect(h.fake.messages.length).toBeGreaterThan(50);
    for (const m of h.fake.messages) expectInert(m);
  });
});
