// The Cloudflare Workers entry: `fetch` serves the same Hono app as Node over a D1 database, `scheduled` (a Cron
// Trigger, every minute in UTC) runs the due jobs through the same JobRunner and exactly-once ledger, replays events
// an evicted isolate left unhandled, and drains the outbox. Nothing here may load better-sqlite3 or node-cron.
import { and, isNull, lt } from 'drizzle-orm';
import { openD1 } from '../db/d1.js';
import type { DbHandle } from '../db/client.js';
import { inbox } from '../db/schema.js';
import { jobsWith } from '../jobs/index.js';
import { JobRunner } from '../jobs/runner.js';
import { createApp } from './app.js';
import { Bot, type LarkEvent } from './bot.js';
import { configSchema, hasLarkApp, type Config } from './config.js';
import { systemClock } from './core/clock.js';
import type { Messenger } from './lark/messenger.js';
import { SandboxMessenger } from './lark/sandbox-messenger.js';
import { createLarkClient, LarkMessenger } from './lark/sdk-messenger.js';
import { createLog, type Log } from './log.js';
import { Sender } from './outbox.js';
import type { D1Database, ExecutionContext, ScheduledController } from './worker-types.js';

export interface Env {
  DB: D1Database;
  [name: string]: unknown;
}

interface WorkerRuntime {
  config: Config;
  dbh: DbHandle;
  log: Log;
  bot: Bot;
  runner: JobRunner;
  sender: Sender;
}

/** An event stored but not handled this long ago was left by an isolate that went away mid-handling. */
const ORPHAN_AFTER_MS = 2 * 60_000;

// One runtime per isolate: the SDK's tenant token, the bot's open_id and the runner's last tick live as long as the
// isolate does. Vars and secrets are fixed for a deployment version, so the first env is the env.
let cached: WorkerRuntime | undefined;

function runtimeFor(env: Env): WorkerRuntime {
  if (cached) return cached;
  const strings = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string'));
  const parsed = configSchema.safeParse(strings);
  if (!parsed.success) throw new Error(`Bad worker vars: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const config = parsed.data;
  if (config.LARK_MODE === 'ws') throw new Error('LARK_MODE=ws is Node only: a Worker cannot hold the long connection; use webhook');
  const log = createLog({ runtime: 'workers' }, (line) => console.log(line), config.LOG_LEVEL);
  const dbh = openD1(env.DB);
  const clock = systemClock;
  const messenger: Messenger = hasLarkApp(config)
    ? new LarkMessenger(createLarkClient({ appId: config.LARK_APP_ID!, appSecret: config.LARK_APP_SECRET!, domain: config.LARK_DOMAIN }), log)
    : new SandboxMessenger();
  const sender = new Sender(dbh, messenger, log, {
    limits: { perSecond: config.SEND_PER_SECOND, perMinute: config.SEND_PER_MINUTE, perChatPerSecond: config.SEND_PER_CHAT_PER_SECOND },
  });
  const bot = new Bot({ dbh, clock, messenger, sender, log });
  // No catch-up look-back beyond a few minutes: a fresh isolate is normal on Workers, not a restart after an outage,
  // and every occasion still inside its window is found by the minute that covers it or by the ledger's next tick.
  const runner = new JobRunner({ dbh, clock, log, messenger, sender, jobs: jobsWith({ retentionDays: config.RETENTION_DAYS }), catchUpMs: 10 * 60_000 });
  cached = { config, dbh, log, bot, runner, sender };
  return cached;
}

/** Events stored more than ORPHAN_AFTER_MS ago and never handled: the isolate that answered them was evicted. */
async function replayOrphans(rt: WorkerRuntime, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - ORPHAN_AFTER_MS).toISOString();
  const rows = await rt.dbh.db
    .select()
    .from(inbox)
    .where(and(isNull(inbox.handledAt), lt(inbox.receivedAt, cutoff)))
    .orderBy(inbox.receivedAt)
    .limit(50);
  for (const row of rows) await rt.bot.handle(JSON.parse(row.payload) as LarkEvent);
  if (rows.length) rt.log.info('replayed unhandled events', { count: rows.length });
  return rows.length;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const rt = runtimeFor(env);
    // The app is cheap to build; building it per request binds `defer` to this request's waitUntil.
    const app = createApp({
      bot: rt.bot,
      dbh: rt.dbh,
      clock: systemClock,
      log: rt.log,
      encryptKey: rt.config.LARK_ENCRYPT_KEY,
      verificationToken: rt.config.LARK_VERIFICATION_TOKEN,
      adminToken: rt.config.ADMIN_TOKEN,
      runner: rt.runner,
      defer: (work) =>
        ctx.waitUntil(
          work()
            // the reply was queued by the handling; deliver it before the isolate may be put away
            .then(() => rt.sender.kick())
            .catch((err: unknown) => rt.log.error('deferred work failed', { error: String(err) })),
        ),
    });
    return app.fetch(request);
  },

  // The invocation lasts as long as this promise: no waitUntil needed, and a failure shows as a failed cron run.
  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    const rt = runtimeFor(env);
    const at = new Date(controller.scheduledTime);
    await replayOrphans(rt, at);
    const results = await rt.runner.tick(at);
    const sent = results.filter((r) => r.outcome === 'sent');
    if (sent.length) rt.log.info('cron tick', { at: at.toISOString(), occasions: sent.length });
    // Deliver what this tick queued and anything waiting for a retry; what is still rate limited waits a minute.
    await rt.sender.kick();
  },
};
