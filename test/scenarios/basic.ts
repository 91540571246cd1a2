// Scenarios run against both targets — the Node server (test/scenarios.test.ts) and the Worker under wrangler dev
// (test/workers/worker.test.ts) — through a small driver, so the two targets cannot drift apart.
import { expect, it } from 'vitest';
import type { FakeLark } from '../fake-lark/server.js';
import type { MessageSpec } from '../support/lark-events.js';

export interface Driver {
  fake: FakeLark;
  /** posts a payload to /lark/events as Lark does: encrypted with the app's key and signed */
  post(payload: unknown, opts?: { sign?: boolean }): Promise<Response>;
  /** sends a chat message event; resolves when it was handled and every reply it queued reached the fake */
  say(spec: MessageSpec): Promise<{ status: number; messageId: string }>;
  /** the flattened text of every message the fake received in a chat */
  textsIn(chatId: string): string[];
  /** one Cron Trigger (Node: one scheduler tick) as if the clock read `at`; resolves when its sends were delivered */
  scheduled(at: Date): Promise<void>;
  /** an admin route with the admin token */
  admin(method: 'GET' | 'POST', path: string): Promise<Response>;
}

/** Waits until `cond` holds on what the fake received, failing after `ms` (the bound the scenario promises). */
async function within(ms: number, what: string, cond: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const OFFICE = 'oc_xinhe_office';
const WEIWEN = 'oc_xinhe_weiwen';
const REMINDER = '【报送提醒】工作进度专报';

/** url_verification with the verification token is answered with the challenge. */
export async function challengeAnswered(d: Driver, token: string): Promise<void> {
  const res = await d.post({ challenge: 'chal-42', token, type: 'url_verification' });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ challenge: 'chal-42' });
}

/** A signed, encrypted 帮助 with an @mention is answered in the chat, as a reply, with the campaign's commands. */
export async function helpAnswered(d: Driver): Promise<void> {
  const before = d.fake.messagesIn(OFFICE).length;
  const { status, messageId } = await d.say({ from: 'ou_chenbo', chat: OFFICE, text: '帮助' });
  expect(status).toBe(200);
  const got = d.fake.messagesIn(OFFICE).slice(before);
  expect(got).toHaveLength(1);
  expect(got[0]!.reply_to).toBe(messageId);
  const text = d.textsIn(OFFICE).at(-1)!;
  expect(text).toContain('新河周转房居住环境改善');
  expect(text).toContain('绑定');
}

/** A group lead's 汇报 is stored (acknowledged) and 进度 then counts the unit as having reported. */
export async function reportSeenByStatus(d: Driver): Promise<void> {
  await d.say({ from: 'ou_wangmin', chat: WEIWEN, text: '汇报\n进展：完成维稳排查\n问题：无\n下一步：继续值守' });
  const ack = d.textsIn(WEIWEN).at(-1)!;
  expect(ack).toContain('进度专报已收到 · 新河街道办事处');
  await d.say({ from: 'ou_dailei', chat: OFFICE, text: '进度' });
  const status = d.textsIn(OFFICE).at(-1)!;
  expect(status).toContain('工作进度专报');
  const lines = status.split('\n').filter((l) => l.includes('新河街道办事处'));
  // on time or late depends on the day the target's clock reads; either way the unit has reported
  expect(lines.some((l) => /(按时|逾期)报送（[1-9]\d*）\*\*：/.test(l))).toBe(true);
  expect(lines.some((l) => l.includes('未报送'))).toBe(false);
}

/**
 * The weekly rule is due Friday 17:00 Shanghai with remind_before [1d, 2h]: the 1-day reminder for week 48 of 2026 is
 * Thursday 26 November 17:00 Shanghai (09:00 UTC). Two triggers at that minute send it to the office chat once.
 */
export async function reminderSentOnce(d: Driver): Promise<void> {
  const at = new Date('2026-11-26T09:00:00Z');
  const reminders = () => d.fake.messagesIn(OFFICE).filter((m) => m.content?.header?.title?.content === REMINDER && JSON.stringify(m.content).includes('第48周（11月23日—27日）'));
  expect(reminders()).toHaveLength(0);
  await d.scheduled(at);
  await d.scheduled(at);
  expect(reminders()).toHaveLength(1);
  expect(JSON.stringify(reminders()[0]!.content)).toContain('以下单位尚未报送');
}

/** 导出 台账 builds the xlsx and uploads it through the messenger: the file reaches the chat as a file message. */
export async function ledgerExported(d: Driver): Promise<void> {
  const filesBefore = d.fake.files.length;
  await d.say({ from: 'ou_chenbo', chat: OFFICE, text: '导出 台账' });
  await d.fake.waitFor((ms) => ms.some((m) => m.chat_id === OFFICE && m.msg_type === 'file' && m.content?.file_key === d.fake.files.at(-1)?.file_key), 10_000);
  const file = d.fake.files.at(-1)!;
  expect(d.fake.files.length).toBe(filesBefore + 1);
  expect(file.file_name).toMatch(/^台账-.+\.xlsx$/);
  expect(file.size).toBeGreaterThan(1000);
  expect(d.textsIn(OFFICE).some((t) => t.includes('台账已导出'))).toBe(true);
}

const LEADERS = 'oc_xinhe_leaders';
const titleOf = (m: { content?: { header?: { title?: { content?: string } } } }) => String(m.content?.header?.title?.content ?? '');

/**
 * Chat first, then an admin job run: the lagging list the run queues is delivered without any further request
 * (on Workers, in the admin request's waitUntil; on Node, by the long-lived sender).
 */
export async function adminRunDelivered(d: Driver): Promise<void> {
  await d.say({ from: 'ou_chenbo', chat: OFFICE, text: '帮助' });
  await d.say({ from: 'ou_dailei', chat: OFFICE, text: '进度' });
  const lagging = () => d.fake.messagesIn(LEADERS).filter((m) => titleOf(m).startsWith('落后单位') && titleOf(m).includes('第48周'));
  const before = lagging().length;
  const res = await d.admin('POST', `/admin/jobs/lagging-units/run?at=${encodeURIComponent('2026-11-27T17:30:00+08:00')}`);
  const body = (await res.json()) as { ok: boolean; results: Array<{ outcome: string; posts: number }> };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.results.some((r) => r.outcome === 'sent' && r.posts > 0), JSON.stringify(body)).toBe(true);
  await within(15_000, 'the lagging list from an admin job run', () => lagging().length === before + 1);
}

/** Chat events, then a Cron Trigger at the 2-hour reminder (Friday 15:00 Shanghai): its posts arrive within 5 s. */
export async function cronAfterEventsDelivered(d: Driver): Promise<void> {
  await d.say({ from: 'ou_chenbo', chat: OFFICE, text: '逾期' });
  await d.say({ from: 'ou_dailei', chat: OFFICE, text: '进度' });
  const twoHour = () => d.fake.messagesIn(OFFICE).filter((m) => titleOf(m) === REMINDER && JSON.stringify(m.content).includes('17:00')).length;
  const before = twoHour();
  const tick = d.scheduled(new Date('2026-11-27T07:00:00Z'));
  await within(5_000, 'the 2-hour report reminder after a cron tick', () => twoHour() > before);
  await tick;
}

/** Two Cron Triggers at the same minute (the chase, Friday 17:01 Shanghai), at once: each chat gets one copy. */
export async function twoTicksOneCopy(d: Driver): Promise<void> {
  const chases = (chat: string) => d.fake.messagesIn(chat).filter((m) => titleOf(m).startsWith('【催报】工作进度专报 第48周')).length;
  const at = new Date('2026-11-27T09:01:00Z');
  await Promise.all([d.scheduled(at), d.scheduled(at)]);
  await within(15_000, 'the chase in the office chat', () => chases(OFFICE) === 1);
  // every chat the chase went to got it once
  const chats = new Set(d.fake.messages.filter((m) => titleOf(m).startsWith('【催报】工作进度专报 第48周')).map((m) => m.chat_id));
  expect(chats.size).toBeGreaterThan(1);
  for (const chat of chats) expect(chases(chat), chat).toBe(1);
}

/**
 * Registers the shared scenarios, in order, for one target. `driver` is read when each runs (targets build it in
 * beforeAll); `challenge` is the verification token, or undefined where there is no webhook (the long connection).
 */
export function sharedScenarios(driver: () => Driver, opts: { challenge?: string } = {}): void {
  const { challenge } = opts;
  if (challenge !== undefined) it('url_verification is answered with the challenge', () => challengeAnswered(driver(), challenge));
  it('a signed, encrypted 帮助 is answered in the chat', () => helpAnswered(driver()));
  it('a 汇报 is stored and seen by 进度', () => reportSeenByStatus(driver()));
  it('a scheduled trigger twice at the reminder minute sends the report reminder once', () => reminderSentOnce(driver()));
  it('导出 台账 builds the xlsx and uploads it to the chat', () => ledgerExported(driver()));
  // Issue 17: the target has served requests before each of these; nothing a request made may be awaited later.
  it('chat, then an admin job run: its posts are delivered', () => adminRunDelivered(driver()));
  it('chat, then a cron tick: its posts are delivered within 5 s', () => cronAfterEventsDelivered(driver()));
  it('two cron ticks at once: one copy each', () => twoTicksOneCopy(driver()));
}
