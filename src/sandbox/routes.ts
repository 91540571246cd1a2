// The sandbox's HTTP side, mounted at /sandbox when no Lark app is configured: the page and its assets, the campaign's
// chats and people, each chat's conversation, sending a message or clicking a card button (as Lark events through the
// same bot), and moving the clock (the job runner ticks on the way, as the minute scheduler would).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { campaigns, people } from '../../db/schema.js';
import type { Clock } from '../core/clock.js';
import { cachedOrg, type Org } from '../org.js';
import type { Runtime } from '../runtime.js';
import { SandboxMessenger } from '../lark/sandbox-messenger.js';
import { moveTarget, nextDue, nextFriday1730, walkTimes, type MoveSpec } from './clock.js';
import { conversation, messageCounts, when } from './conversation.js';
import { sandboxGuard } from './guard.js';
import { sandboxReceiver } from '../lark/receivers/sandbox.js';
import { BOT_NAME, GUEST_OPEN_ID, isP2p, p2pChatId, p2pOwner } from './events.js';

export type MovableClock = Clock & { set(at: Date | number): void };

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const TYPES: Record<string, string> = { 'sandbox.js': 'text/javascript; charset=utf-8', 'sandbox.css': 'text/css; charset=utf-8' };
const ROLE_ZH: Record<string, string> = { commander: '总指挥', deputy: '副总指挥', office: '办公室', group_lead: '组长单位', liaison: '联络员', member: '成员' };

const sendBody = z.object({ chat: z.string().min(1).max(200), from: z.string().min(1).max(200), text: z.string().trim().min(1, '消息为空 / empty message').max(4000) });
const cardBody = z.object({
  chat: z.string().min(1).max(200),
  from: z.string().min(1).max(200),
  messageId: z.string().max(200).default(''),
  name: z.string().max(200).optional(),
  value: z.record(z.string(), z.unknown()),
  formValue: z.record(z.string(), z.string().max(2000)).optional(),
});
const clockBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hour') }),
  z.object({ kind: z.literal('day') }),
  z.object({ kind: z.literal('days'), days: z.coerce.number() }),
  z.object({ kind: z.literal('due') }),
  z.object({ kind: z.literal('friday') }),
  z.object({ kind: z.literal('to'), at: z.string().max(40) }),
]);

const problem = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

export function sandboxApp(rt: Runtime, clock: MovableClock | undefined): Hono {
  const app = new Hono();
  const db = rt.dbh.db;
  const receiver = sandboxReceiver(rt);
  const assets = Object.fromEntries(['index.html', 'sandbox.js', 'sandbox.css'].map((f) => [f, readFileSync(join(ASSETS, f), 'utf8')]));
  // One move at a time: two clicks must not walk the runner over the same hours at once.
  let moving: Promise<unknown> = Promise.resolve();
  app.use('*', sandboxGuard(rt.config.HOST));

  async function orgOf(id: string | undefined): Promise<Org | undefined> {
    const all = await db.select({ id: campaigns.id }).from(campaigns).orderBy(campaigns.id);
    const pick = all.find((c) => String(c.id) === id) ?? all[0];
    return pick ? cachedOrg(db, pick.id) : undefined;
  }

  async function names(): Promise<(openId: string) => string | undefined> {
    const rows = await db.select({ openId: people.openId, name: people.name }).from(people);
    const map = new Map(rows.map((r) => [r.openId, r.name]));
    const bot = (await rt.bot.botOpenId()) ?? '';
    map.set(bot, BOT_NAME);
    map.set(GUEST_OPEN_ID, '未登记用户');
    return (id) => map.get(id);
  }

  /** The chats of the campaign as the page lists them; the private chat is the one of `me`. */
  function chatList(org: Org, me: string): Array<{ id: string; kind: string; name: string; active: boolean }> {
    const list: Array<{ id: string; kind: string; name: string; active: boolean }> = org.chats
      .slice()
      .sort((a, b) => ['office', 'leaders', 'group'].indexOf(a.kind) - ['office', 'leaders', 'group'].indexOf(b.kind) || a.groupId - b.groupId)
      .map((c) => ({
        id: c.chatId,
        kind: c.kind,
        name: c.kind === 'office' ? '办公室群' : c.kind === 'leaders' ? '领导小组群' : `${org.group(c.groupId)?.name ?? '工作组'} 工作群`,
        active: c.active,
      }));
    list.push({ id: p2pChatId(me), kind: 'p2p', name: `与${BOT_NAME}的私聊`, active: true });
    return list;
  }

  const knownSender = (org: Org, openId: string) => openId === GUEST_OPEN_ID || org.people.some((p) => p.openId === openId);
  const knownChat = (org: Org, chatId: string, from: string) => (isP2p(chatId) ? p2pOwner(chatId) === from : org.chats.some((c) => c.chatId === chatId));

  app.get('/', (c) => c.html(assets['index.html']!));
  app.get('/assets/:file', (c) => {
    const f = c.req.param('file');
    const body = assets[f];
    if (!body || !TYPES[f]) return c.json({ error: 'not found' }, 404);
    return c.body(body, 200, { 'content-type': TYPES[f]!, 'cache-control': 'no-cache' });
  });

  app.get('/api/state', async (c) => {
    const org = await orgOf(c.req.query('campaign'));
    const now = rt.clock.now();
    if (!org) return c.json({ campaign: null, now: now.toISOString(), people: [], chats: [], error: '还没有专项工作：请设置 PLAN_FILE 或清空数据库以载入示例计划。' });
    const zone = org.campaign.timezone;
    const me = c.req.query('me') || GUEST_OPEN_ID;
    const chats = chatList(org, me);
    const counts = await messageCounts(db, chats.map((x) => x.id));
    const due = nextDue(org, now);
    const unitName = (id: number) => org.unit(id)?.name ?? '';
    return c.json({
      campaign: { id: org.campaign.id, name: org.campaign.name, timezone: zone },
      now: now.toISOString(),
      nowText: `${DateTime.fromJSDate(now, { zone }).toFormat('yyyy')}-${when(now.toISOString(), zone)}`,
      movable: Boolean(clock),
      nextDue: due ? { at: due.at.toISO(), text: when(due.at.toISO()!, zone), rule: due.rule, period: due.period } : null,
      friday: when(nextFriday1730(now, zone).toISO()!, zone),
      people: [
        ...org.people.map((p) => ({ openId: p.openId, name: p.name, unit: unitName(p.unitId), roles: p.roles.map((r) => ROLE_ZH[r] ?? r) })),
        { openId: GUEST_OPEN_ID, name: '未登记用户', unit: '（不在人员名单中）', roles: [] },
      ],
      chats: chats.map((x) => ({ ...x, count: counts[x.id] ?? 0 })),
      jobs: rt.runner.deps.jobs.map((j) => j.name),
    });
  });

  app.get('/api/messages', async (c) => {
    const chat = c.req.query('chat') ?? '';
    const org = await orgOf(c.req.query('campaign'));
    return c.json({ chat, messages: chat ? await conversation(db, chat, org?.campaign.timezone ?? 'Asia/Shanghai', await names()) : [] });
  });

  app.post('/api/send', async (c) => {
    const parsed = sendBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ ok: false, error: problem(parsed.error) }, 400);
    const { chat, from, text } = parsed.data;
    const org = await orgOf(c.req.query('campaign'));
    if (!org || !knownSender(org, from)) return c.json({ ok: false, error: `unknown person ${from}` }, 400);
    if (!knownChat(org, chat, from)) return c.json({ ok: false, error: `unknown chat ${chat} for ${from}` }, 400);
    // The same way as POST /lark/events: core.accept stores the event and handles it; then what it queued is delivered.
    const res = await receiver.say({ chat, from, text });
    return c.json(res, res.ok ? 200 : 400);
  });

  app.post('/api/card', async (c) => {
    const parsed = cardBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ ok: false, error: problem(parsed.error) }, 400);
    const b = parsed.data;
    const org = await orgOf(c.req.query('campaign'));
    if (!org || !knownSender(org, b.from)) return c.json({ ok: false, error: `unknown person ${b.from}` }, 400);
    if (!knownChat(org, b.chat, b.from)) return c.json({ ok: false, error: `unknown chat ${b.chat} for ${b.from}` }, 400);
    const res = await receiver.click(b);
    return c.json(res, res.ok ? 200 : 400);
  });

  app.post('/api/clock', async (c) => {
    if (!clock) return c.json({ ok: false, error: 'this clock cannot be moved (a clock was passed to the server)' }, 409);
    const parsed = clockBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ ok: false, error: problem(parsed.error) }, 400);
    const org = await orgOf(c.req.query('campaign'));
    const run = moving.then(async () => {
      const from = clock.now();
      const target = moveTarget(parsed.data as MoveSpec, from, org);
      if (!target.ok) return { ok: false as const, error: target.error };
      const sent: Array<{ job: string; period: string; posts: number }> = [];
      for (const t of walkTimes(from, target.at)) {
        clock.set(t);
        for (const r of await rt.runner.tick(t)) if (r.outcome === 'sent') sent.push({ job: r.job, period: r.period, posts: r.posts });
      }
      await rt.sender.kick();
      return { ok: true as const, now: clock.now().toISOString(), sent };
    });
    moving = run.catch(() => undefined);
    const res = await run;
    return c.json(res, res.ok ? 200 : 400);
  });

  app.get('/api/files/:key', (c) => {
    const file = rt.messenger instanceof SandboxMessenger ? rt.messenger.files.get(c.req.param('key')) : undefined;
    if (!file) return c.json({ error: 'no such file (files are kept in memory until the server stops)' }, 404);
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    });
  });

  app.onError((err, c) => {
    rt.log.error('sandbox error', { path: c.req.path, error: err.message });
    return c.json({ ok: false, error: 'internal error' }, 500);
  });
  return app;
}
