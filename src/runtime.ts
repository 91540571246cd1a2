// Wires the parts together from the configuration: database, messenger (Lark SDK or sandbox), outbox sender, bot, app.
// The Node server, the CLI and the tests all build the same runtime.
import { readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { openSqlite, type DbHandle } from '../db/client.js';
import { campaigns } from '../db/schema.js';
import { createApp } from './app.js';
import { Bot } from './bot.js';
import { hasLarkApp, type Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Messenger } from './lark/messenger.js';
import { SandboxMessenger } from './lark/sandbox-messenger.js';
import { createLarkClient, LarkMessenger } from './lark/sdk-messenger.js';
import { createLog, type Log } from './log.js';
import { Sender, type SenderOptions } from './outbox.js';
import { WorkQueue } from './work-queue.js';
import { applyPlanText, formatProblems } from './plan/apply.js';
import { jobsWith } from '../jobs/index.js';
import { JobRunner } from '../jobs/runner.js';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const examplePlan = join(projectRoot, 'examples', 'xinhe.plan.yaml');

export interface Runtime {
  config: Config;
  dbh: DbHandle;
  clock: Clock;
  log: Log;
  messenger: Messenger;
  sender: Sender;
  bot: Bot;
  runner: JobRunner;
  app: Hono;
  /** runs work after the current turn, in the work queue that event handling uses */
  defer(work: () => Promise<void>): void;
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
}

export function createRuntime(opts: RuntimeOptions): Runtime {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLog({}, undefined, config.LOG_LEVEL);
  const dbh = openSqlite(config.DATABASE_PATH, { backgroundCheckpoint: opts.backgroundCheckpoint });
  const messenger =
    opts.messenger ??
    (hasLarkApp(config)
      ? new LarkMessenger(createLarkClient({ appId: config.LARK_APP_ID!, appSecret: config.LARK_APP_SECRET!, domain: config.LARK_DOMAIN }), log)
      : new SandboxMessenger());
  const sender = new Sender(dbh, messenger, log, {
    limits: { perSecond: config.SEND_PER_SECOND, perMinute: config.SEND_PER_MINUTE, perChatPerSecond: config.SEND_PER_CHAT_PER_SECOND },
    ...opts.sender,
  });
  const bot = new Bot({ dbh, clock, messenger, sender, log });
  const runner = new JobRunner({ dbh, clock, log, messenger, sender, jobs: jobsWith({ retentionDays: config.RETENTION_DAYS }) });
  const work = new WorkQueue((err) => log.error('deferred work failed', { error: String(err) }));
  const defer = (fn: () => Promise<void>) => work.push(fn);
  const app = createApp({
    bot,
    dbh,
    clock,
    log,
    encryptKey: config.LARK_ENCRYPT_KEY,
    verificationToken: config.LARK_VERIFICATION_TOKEN,
    adminToken: config.ADMIN_TOKEN,
    runner,
    defer,
  });
  return {
    config,
    dbh,
    clock,
    log,
    messenger,
    sender,
    bot,
    runner,
    app,
    defer,
    async settled() {
      await work.idle();
    },
    async close() {
      runner.stop();
      await work.idle();
      await sender.stop();
      dbh.close();
    },
  };
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
