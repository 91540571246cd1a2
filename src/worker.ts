// The Cloudflare Workers entry: `fetch` serves the same app as Node (the webhook receiver, health, admin) over D1;
// `scheduled` (a Cron Trigger, every minute in UTC) runs the due jobs, handles events an evicted isolate left, and
// delivers the outbox within a time budget. A core is built for each request and each invocation: Workers does not let
// one request await a promise, stream or connection made by another, so nothing of that kind is kept between them,
// only plain data (the tenant token, the bot's open_id). Nothing here may load better-sqlite3 or node-cron.
import type { D1Database, ExecutionContext, ScheduledController } from '@cloudflare/workers-types/index.ts';
import { openD1 } from '../db/d1.js';
import { createApp } from './app.js';
import { webhookEndpoint } from './lark/receivers/webhook.js';
import type { Memo } from './bot.js';
import { checkStart, configSchema, hasLarkApp, type Config } from './config.js';
import { systemClock } from './core/clock.js';
import { createCore, type Core } from './create-core.js';
import type { Messenger } from './lark/messenger.js';
import { SandboxMessenger } from './lark/sandbox-messenger.js';
import { createLarkClient, LarkMessenger } from './lark/sdk-messenger.js';
import { createLog } from './log.js';
import { plainCache } from './lark/token-cache.js';

export interface Env {
  DB: D1Database;
  [name: string]: unknown;
}

/** An event stored but not handled this long ago was left by an isolate that went away mid-handling. */
const ORPHAN_AFTER_MS = 2 * 60_000;
/** How long an invocation delivers before it returns; what is left is the next minute's. */
const DELIVERY_BUDGET_MS = 20_000;

// Plain data only, kept as long as the isolate: the parsed vars, the bot's open_id, the tenant token with its expiry.
let config: Config | undefined;
const memo: Memo = {};
const tokens = plainCache();

function configOf(env: Env): Config {
  if (config) return config;
  const strings = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string'));
  const parsed = configSchema.safeParse(strings);
  if (!parsed.success) throw new Error(`Bad worker vars: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (parsed.data.LARK_MODE === 'ws') throw new Error('LARK_MODE=ws is Node only: a Worker cannot hold the long connection; use webhook');
  // The same refusals as the Node server (no unsigned webhook unless on purpose, no half-configured app).
  const check = checkStart(parsed.data);
  if (check.problems.length) throw new Error(`Duban did not start: ${check.problems.join(' ')}`);
  for (const w of check.warnings) console.log(JSON.stringify({ level: 'warn', msg: w }));
  return (config = parsed.data);
}

/** A core for one request or invocation; `defer` is that request's waitUntil (or the invocation's own promise). */
function coreFor(env: Env, defer: (work: () => Promise<void>) => void): Core {
  const cfg = configOf(env);
  const log = createLog({ runtime: 'workers' }, (line) => console.log(line), cfg.LOG_LEVEL);
  const messenger: Messenger = hasLarkApp(cfg)
    ? new LarkMessenger(createLarkClient({ appId: cfg.LARK_APP_ID!, appSecret: cfg.LARK_APP_SECRET!, domain: cfg.LARK_DOMAIN, cache: tokens }), log, tokens)
    : new SandboxMessenger();
  // No catch-up look-back beyond a few minutes: a fresh core is normal on Workers, not a restart after an outage, and
  // every occasion still inside its window is found by the minute that covers it; the ledger keeps it to one run.
  return createCore({ config: cfg, dbh: openD1(env.DB), clock: systemClock, log, messenger, defer, memo, catchUpMs: 10 * 60_000 });
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let core: Core;
    // Work after the answer (handling, and delivering what it queued) belongs to this request: waitUntil keeps it alive.
    const defer = (work: () => Promise<void>) =>
      ctx.waitUntil(
        work()
          .then(() => core.sender.deliverWithin(DELIVERY_BUDGET_MS))
          .catch((err: unknown) => core.log.error('deferred work failed', { error: String(err) })),
      );
    core = coreFor(env, defer);
    const cfg = core.config;
    const webhook = webhookEndpoint(core, { encryptKey: cfg.LARK_ENCRYPT_KEY, verificationToken: cfg.LARK_VERIFICATION_TOKEN });
    const app = createApp(core, { webhook, adminToken: cfg.ADMIN_TOKEN });
    return app.fetch(request);
  },

  // The invocation lasts as long as this promise; what it defers is awaited before it returns.
  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    const pending: Array<Promise<void>> = [];
    const core = coreFor(env, (work) => pending.push(work()));
    const at = new Date(controller.scheduledTime);
    await core.replayUnhandled({ before: new Date(at.getTime() - ORPHAN_AFTER_MS), limit: 50 });
    const results = await core.runner.tick(at);
    const sent = results.filter((r) => r.outcome === 'sent');
    if (sent.length) core.log.info('cron tick', { at: at.toISOString(), occasions: sent.length });
    await Promise.allSettled(pending);
    // Deliver what this tick queued and anything waiting for a retry; what is still rate limited waits a minute.
    await core.sender.deliverWithin(DELIVERY_BUDGET_MS);
  },
};
