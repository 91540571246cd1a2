// The Hono app: Lark events and card callbacks, health, and the admin routes. Built from its dependencies with no
// side effects at import, so the same app serves Node (server.ts), Workers (worker.ts) and tests (app.request()).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { Bot, LarkEvent } from './bot.js';
import type { Clock } from './core/clock.js';
import { verifyLarkRequest } from './lark/verify.js';
import { adminAuth } from './admin-auth.js';
import type { Log } from './log.js';
import type { DbHandle } from '../db/client.js';
import { sql } from 'drizzle-orm';
import { applyPlanText } from './plan/apply.js';
import { PlanNotApplied } from './plan/atomic.js';
import type { JobRunner } from '../jobs/runner.js';

export interface AppDeps {
  bot: Bot;
  dbh: DbHandle;
  clock: Clock;
  log: Log;
  encryptKey?: string;
  verificationToken?: string;
  adminToken?: string;
  runner: JobRunner;
  /** runs work after the HTTP answer: setImmediate on Node, ctx.waitUntil on Workers */
  defer(work: () => Promise<void>): void;
}

const MAX_BODY = 256 * 1024;

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { bot, log } = deps;

  const streamLimit = bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.json({ error: 'body too large' }, 413) });
  // A declared length is checked from the header (Node's HTTP parser and workerd deliver exactly that many bytes), and
  // the body is then read on the adapter's fast path; only a body without a length is counted as it streams in.
  const limit = createMiddleware(async (c, next) => {
    const len = c.req.header('content-length');
    if (len === undefined || !/^\d{1,15}$/.test(len)) return streamLimit(c, next);
    if (Number(len) > MAX_BODY) return c.json({ error: 'body too large' }, 413);
    await next();
  });
  // Lark posts JSON. A body declared as something else (a form, text/plain) did not come from Lark: refused before it
  // is read. A request without a content type is read as JSON; the signature decides.
  const json = createMiddleware(async (c, next) => {
    const type = c.req.header('content-type');
    if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim())) {
      return c.json({ error: 'content-type must be application/json' }, 415);
    }
    await next();
  });

  app.get('/healthz', async (c) => {
    try {
      await deps.dbh.db.run(sql`select 1`);
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false }, 503);
    }
  });

  const verified = async (c: { req: { text(): Promise<string>; header(n: string): string | undefined } }) => {
    const raw = await c.req.text();
    return verifyLarkRequest(raw, (n) => c.req.header(n), {
      encryptKey: deps.encryptKey,
      verificationToken: deps.verificationToken,
      now: deps.clock.now(),
    });
  };

  app.post('/lark/events', json, limit, async (c) => {
    const v = await verified(c);
    if (!v.ok) {
      log.warn('event refused', { status: v.status, reason: v.reason });
      return c.json({ error: v.reason }, v.status);
    }
    if (v.challenge !== undefined) return c.json({ challenge: v.challenge });
    const ev = v.body as unknown as LarkEvent;
    // Card callbacks configured to the event URL arrive here too.
    if (ev.header.event_type === 'card.action.trigger') return c.json(await bot.handleCardAction(ev));
    // Stored before we answer; handled after. A redelivery (same event_id) is answered and dropped.
    const fresh = await bot.record(ev.header.event_id, ev.header.event_type, ev);
    if (fresh) deps.defer(() => bot.handle(ev));
    return c.json({});
  });

  app.post('/lark/cards', json, limit, async (c) => {
    const v = await verified(c);
    if (!v.ok) {
      log.warn('card callback refused', { status: v.status, reason: v.reason });
      return c.json({ error: v.reason }, v.status);
    }
    if (v.challenge !== undefined) return c.json({ challenge: v.challenge });
    // Only card actions come here; another event would be recorded under its event_id as a card click and then
    // dropped as a redelivery when it arrives at /lark/events.
    if (v.body.header?.event_type !== 'card.action.trigger') {
      log.warn('card callback refused', { status: 400, reason: 'not a card action', type: v.body.header?.event_type });
      return c.json({ error: `not a card action (event_type ${v.body.header?.event_type})` }, 400);
    }
    return c.json(await bot.handleCardAction(v.body as unknown as LarkEvent));
  });

  // Admin routes: 404 when ADMIN_TOKEN is unset (they do not exist), 401 on a wrong token.
  app.use('/admin/*', adminAuth(deps.adminToken));

  app.post('/admin/plan', bodyLimit({ maxSize: 2 * 1024 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) }), async (c) => {
    const res = await applyPlanText(deps.dbh, await c.req.text(), deps.clock).catch((err: unknown) => {
      if (err instanceof PlanNotApplied) return err;
      throw err;
    });
    if (res instanceof PlanNotApplied) {
      log.error('plan not applied', { error: res.message });
      return c.json({ ok: false, error: res.message }, 500);
    }
    if (!res.ok) return c.json({ ok: false, problems: res.problems }, 400);
    return c.json({ ok: true, campaign: res.campaign, changes: res.changes });
  });

  app.get('/admin/jobs', async (c) => c.json(await deps.runner.list()));

  app.post('/admin/jobs/:name/run', async (c) => {
    const name = c.req.param('name');
    if (!deps.runner.job(name)) return c.json({ error: `no job "${name}"`, jobs: deps.runner.deps.jobs.map((j) => j.name) }, 404);
    const atParam = c.req.query('at');
    const at = atParam ? new Date(atParam) : deps.clock.now();
    if (Number.isNaN(at.getTime())) return c.json({ error: 'at must be an ISO-8601 time, e.g. 2026-11-27T09:00:00+08:00' }, 400);
    return c.json({ ok: true, results: await deps.runner.runNow(name, at) });
  });

  app.onError((err, c) => {
    log.error('http error', { path: c.req.path, error: err.message });
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}
