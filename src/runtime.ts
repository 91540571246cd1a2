// The Node core from the configuration: a SQLite file, the messenger (Lark SDK or sandbox), the core (create-core.ts)
// and the app that serves it. The Node server, the CLI and the tests all build the same runtime.
import { readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { openSqlite, type DbHandle } from '../db/client.js';
import { campaigns } from '../db/schema.js';
import { createApp } from './app.js';
import { hasLarkApp, type Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Messenger } from './lark/messenger.js';
import { SandboxMessenger } from './lark/sandbox-messenger.js';
import { larkMessenger } from './lark/lazy-messenger.js';
import { createLog, type Log } from './log.js';
import type { SenderOptions } from './outbox.js';
import { createCore, type Core } from './create-core.js';
import { AnswerPressure, BACKLOG_BUDGET, HANDLING_CONCURRENCY, HANDLING_SURGE, WorkQueue } from './work-queue.js';
import { webhookEndpoint, type WebhookEndpoint } from './lark/receivers/webhook.js';
import { applyPlanText, formatProblems } from './plan/apply.js';
import { startHandlerThread, type HandlerHost } from './handler-host.js';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const examplePlan = join(projectRoot, 'examples', 'xinhe.plan.yaml');

/** The Node core: one per process, with the app that serves it. */
export interface Runtime extends Core {
  app: Hono;
  /** the webhook endpoint (webhook mode), which the Node server reads off node:http before the app */
  webhook?: WebhookEndpoint;
  /** the server's requests in flight: deferred work gives way while many wait (src/work-queue.ts) */
  pressure: AnswerPressure;
  /** events are handled and the outbox delivered on the handler thread (RuntimeOptions.handlerThread) */
  handlerThread: boolean;
  /** that thread's host, when it runs */
  handlerHost?: HandlerHost;
  /** work started after HTTP answers; tests await it to know handling is finished */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  clock?: Clock;
  log?: Log;
  messenger?: Messenger;
  sender?: SenderOptions;
  /** checkpoint the SQLite WAL from a worker thread (the long-running server) */
  backgroundCheckpoint?: boolean;
  /** events held in memory waiting to be handled; more wait in the inbox (default BACKLOG_BUDGET) */
  backlogBudget?: number;
  /**
   * Handle events and deliver the outbox on a thread of their own at a lower priority (src/handler-thread.ts): the
   * Node server with a Lark app, its own clock and messenger. This thread answers, stores and runs the jobs.
   */
  handlerThread?: boolean;
}

export { BACKLOG_BUDGET, HANDLING_CONCURRENCY, HANDLING_SURGE } from './work-queue.js';

export function createRuntime(opts: RuntimeOptions): Runtime {
  const { config } = opts;
  const log = opts.log ?? createLog({}, undefined, config.LOG_LEVEL);
  const dbh = openSqlite(config.DATABASE_PATH, { backgroundCheckpoint: opts.backgroundCheckpoint });
  // Work after an answer runs in the process's work queue; the sender outlives every request, so rows go out the
  // moment they are queued.
  const pressure = new AnswerPressure();
  const host = opts.handlerThread ? startHandlerThread({ config, log, budget: opts.backlogBudget ?? BACKLOG_BUDGET, pressure }) : undefined;
  // The SDK's calls go over undici's keep-alive pool rather than the SDK's default axios (see undici-http.ts), loaded on
  // first use; with a handler thread, the main thread's calls (a card click's, a job's) are made by the thread's.
  const lark = !opts.messenger && !host && hasLarkApp(config) ? larkMessenger(config, log) : undefined;
  const messenger = opts.messenger ?? host?.messenger ?? lark?.messenger ?? new SandboxMessenger();
  const work = new WorkQueue((err) => log.error('deferred work failed', { error: String(err) }), HANDLING_CONCURRENCY, pressure, HANDLING_SURGE);
  const core = createCore({
    config,
    dbh,
    clock: opts.clock ?? systemClock,
    log,
    messenger,
    sender: { pressure, ...opts.sender },
    defer: (fn) => work.push(fn),
    deliverEagerly: true,
    backlog: { size: () => work.size, idle: () => work.idle(), budget: opts.backlogBudget ?? BACKLOG_BUDGET },
    elsewhere: host,
  });
  // In webhook mode the endpoint is mounted twice: as Hono routes in the app, and read straight off node:http by the
  // server (src/lark/receivers/webhook-node.ts).
  const webhook = config.LARK_MODE === 'webhook' ? webhookEndpoint(core, { encryptKey: config.LARK_ENCRYPT_KEY, verificationToken: config.LARK_VERIFICATION_TOKEN }) : undefined;
  const app = createApp(core, { webhook, adminToken: config.ADMIN_TOKEN });
  // The queue is idle and no event waits in the inbox to be read back (a read-back queues more work after an idle).
  const settled = async () => {
    if (host) {
      await work.idle();
      return host.settled();
    }
    for (;;) {
      await work.idle();
      await new Promise((r) => setImmediate(r));
      if (work.size === 0 && !core.waitingInInbox()) return;
    }
  };
  return Object.assign(core, {
    app,
    webhook,
    pressure,
    handlerThread: Boolean(host),
    handlerHost: host,
    settled,
    async close() {
      // A prompt stop: no more ticks or events taken from the inbox; the handlings under way end, and the events not
      // handled yet stay in the inbox, read back by the next start. Waiting for them all could outlast a deploy's kill
      // grace after a long outage (a backlog of thousands at about 1,500 a second).
      try {
        await Promise.all([core.runner.stop(), core.stopTaking()]);
        await work.stop();
        await host?.stop();
        const left = await core.bot.unhandledCount().catch(() => 0);
        if (left) log.info('stopping: events left in the inbox for the next start', { count: left });
        await core.sender.stop();
      } finally {
        // whatever failed above, the HTTP pool and the database are closed
        await lark?.close().catch(() => undefined);
        dbh.close();
      }
    },
  });
}

/** Applies a plan file at start; a bad plan stops the start with every problem listed. */
export async function applyPlanFile(rt: Runtime, path: string): Promise<string[]> {
  const res = await applyPlanText(rt.dbh, await readFile(path, 'utf8'), rt.clock);
  if (!res.ok) throw new Error(`Plan ${path} was not applied; nothing was written:\n${formatProblems(res.problems)}`);
  return res.changes;
}

export async function campaignCount(dbh: DbHandle): Promise<number> {
  const r = await dbh.db.select({ n: sql<number>`count(*)` }).from(campaigns);
  return Number(r[0]?.n ?? 0);
}
