// The Hono app: health, the admin routes, and in webhook mode the webhook receiver (Lark events and card callbacks).
// Built from a core with no side effects at import, so the same app serves Node (server.ts), Workers (worker.ts) and
// tests (app.request()).
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Core } from './create-core.js';
import { webhookReceiver, type WebhookEndpoint } from './lark/receivers/webhook.js';
import { adminAuth } from './admin-auth.js';
import { internalError } from './log.js';
import { applyPlanText } from './plan/apply.js';
import { PlanNotApplied } from './plan/atomic.js';
import { RunnerStopped } from '../jobs/runner.js';

export interface AppOptions {
  /** the webhook endpoint to mount (/lark/events, /lark/cards); in ws mode there is none and the routes do not exist */
  webhook?: WebhookEndpoint;
  adminToken?: string;
}

export function createApp(core: Core, opts: AppOptions): Hono {
  const app = new Hono();
  const { log, runner } = core;

  app.get('/healthz', async (c) => {
    try {
      await core.dbh.db.run(sql`select 1`);
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false }, 503);
    }
  });

  if (opts.webhook) app.route('/', webhookReceiver(opts.webhook));

  // Admin routes: 404 when ADMIN_TOKEN is unset (they do not exist), 401 on a wrong token.
  app.use('/admin/*', adminAuth(opts.adminToken));

  app.post('/admin/plan', bodyLimit({ maxSize: 2 * 1024 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) }), async (c) => {
    const res = await applyPlanText(core.dbh, await c.req.text(), core.clock).catch((err: unknown) => {
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

  app.get('/admin/jobs', async (c) => c.json(await runner.list()));

  app.post('/admin/jobs/:name/run', async (c) => {
    const name = c.req.param('name');
    if (!runner.job(name)) return c.json({ error: `no job "${name}"`, jobs: runner.deps.jobs.map((j) => j.name) }, 404);
    const atParam = c.req.query('at');
    const at = atParam ? new Date(atParam) : core.clock.now();
    if (Number.isNaN(at.getTime())) return c.json({ error: 'at must be an ISO-8601 time, e.g. 2026-11-27T09:00:00+08:00' }, 400);
    const results = await runner.runNow(name, at).catch((err: unknown) => {
      if (err instanceof RunnerStopped) return err;
      throw err;
    });
    if (results instanceof RunnerStopped) return c.json({ error: results.message }, 503);
    // Delivered after the answer on both targets: Node's sender, or this request's waitUntil on Workers.
    if (results.some((r) => r.posts > 0)) core.deliverSoon();
    return c.json({ ok: true, results });
  });

  app.onError((err, c) => {
    const res = internalError(log, c.req.path, err);
    return c.json(res.body, res.status);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}
