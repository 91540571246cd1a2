// The Node entry: HTTP server, outbox sender, replay of unhandled events, PLAN_FILE, and ws mode.
// Without a Lark app it still starts, says what is missing, and serves the bot with the local sandbox messenger.
import { pathToFileURL } from 'node:url';
import { createServer, type Server as HttpServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import cron from 'node-cron';
import { checkStart, hasLarkApp, loadConfig, type Config } from './config.js';
import { larkTraces, lastOutboxId, SANDBOX_REFUSED } from './sandbox/lark-data.js';
import type { Clock } from './core/clock.js';
import { nodeWebhook } from './lark/receivers/webhook-node.js';
import type { Log } from './log.js';
import type { Messenger } from './lark/messenger.js';
import type { SenderOptions } from './outbox.js';
import { applyPlanFile, BACKLOG_BUDGET, campaignCount, createRuntime, examplePlan, type Runtime } from './runtime.js';
import { rememberSandboxStart, SandboxClock } from './sandbox/clock.js';
import { sandboxApp, type MovableClock } from './sandbox/routes.js';

/** How long a request may take to arrive whole (headers and body). */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface Server {
  url: string;
  port: number;
  runtime: Runtime;
  close(): Promise<void>;
}

export interface ServerOptions {
  config?: Config;
  clock?: Clock;
  log?: Log;
  messenger?: Messenger;
  sender?: SenderOptions;
  /** print the start-up summary (the CLI entry does; tests do not) */
  banner?: boolean;
  /** run the job scheduler every minute (off in tests, which tick the runner with their own clock) */
  scheduler?: boolean;
  /** events held in memory waiting to be handled (src/runtime.ts BACKLOG_BUDGET) */
  backlogBudget?: number;
  /** sandbox mode: the sandbox clock's starting time (default SANDBOX_START, else the real time) */
  sandboxStart?: Date | string;
}

export async function startServer(opts: ServerOptions = {}): Promise<Server> {
  const config = opts.config ?? loadConfig();
  const check = checkStart(config);
  if (check.problems.length) throw new Error(`Duban did not start:\n${check.problems.map((p) => `  - ${p}`).join('\n')}`);
  const sandbox = check.mode === 'sandbox';
  // Without a Lark app the sandbox page moves the clock: real time plus an offset it advances.
  const sandboxClock = sandbox && !opts.clock ? new SandboxClock(opts.sandboxStart ?? (process.env.SANDBOX_START || undefined)) : undefined;
  // HANDLER_THREAD=1: events are handled on a thread of their own (src/handler-thread.ts). Not with a clock, messenger or
  // sender options given in-process (tests), which a thread cannot share.
  const handlerThread = config.HANDLER_THREAD === '1' && check.mode === 'lark' && !opts.clock && !opts.messenger && !opts.sender;
  if (config.HANDLER_THREAD === '1' && !handlerThread) throw new Error(`Duban did not start: HANDLER_THREAD=1 needs a Lark app${check.mode === 'lark' ? ' and no clock, messenger or sender given in-process' : ' (it is the Lark events that the thread handles); unset it for the sandbox'}.`);
  const rt = createRuntime({ config, clock: opts.clock ?? sandboxClock, log: opts.log, messenger: opts.messenger, sender: opts.sender, backgroundCheckpoint: true, backlogBudget: opts.backlogBudget, handlerThread });
  // What fails from here on (a bad plan file, a port taken, a first job tick that throws) leaves nothing running.
  const started: { server?: HttpServer } = {};
  try {
    return await serve(rt, { config, check, sandbox, sandboxClock, opts }, started);
  } catch (err) {
    started.server?.closeAllConnections();
    started.server?.close();
    await rt.close().catch(() => undefined);
    throw err;
  }
}

/** The start once the runtime is built: the plan, the first tick, the HTTP server; `started` holds it once listening. */
async function serve(
  rt: Runtime,
  s: { config: Config; check: ReturnType<typeof checkStart>; sandbox: boolean; sandboxClock: SandboxClock | undefined; opts: ServerOptions },
  started: { server?: HttpServer },
): Promise<Server> {
  const { config, check, sandbox, sandboxClock, opts } = s;
  for (const w of check.warnings) rt.log.warn(w);
  if (sandbox) {
    const traces = await larkTraces(rt.dbh.db);
    if (traces > 0 && config.SANDBOX !== '1') {
      throw new Error(SANDBOX_REFUSED(traces, config.DATABASE_PATH));
    }
    // Rows Lark mode queued are Lark's to deliver: the sandbox messenger would mark them sent and they would be lost.
    rt.sender.deliverOnlyAfter(await lastOutboxId(rt.dbh.db));
  }
  if (sandbox && rt.messenger.kind === 'sandbox') {
    // The command line, run beside this sandbox, dates plans it applies at the sandbox's start (src/cli.ts).
    const start = opts.sandboxStart ?? (process.env.SANDBOX_START || undefined);
    if (sandboxClock) await rememberSandboxStart(rt.dbh.db, start === undefined ? undefined : new Date(start));
    const movable = 'set' in rt.clock && typeof rt.clock.set === 'function' ? (rt.clock as MovableClock) : undefined;
    rt.app.route('/sandbox', sandboxApp(rt, movable));
  }
  const say = opts.banner ? (s: string) => process.stdout.write(s + '\n') : () => {};

  if (config.PLAN_FILE) {
    const changes = await applyPlanFile(rt, config.PLAN_FILE);
    say(`plan ${config.PLAN_FILE}: ${changes.length ? `${changes.length} changes` : 'no changes'}`);
  } else if (!hasLarkApp(config) && (await campaignCount(rt.dbh)) === 0) {
    // The sandbox needs something real to talk to: the example plan (seeds/000, the Xinhe task force).
    await applyPlanFile(rt, examplePlan);
    say(`sandbox: loaded the example plan ${examplePlan}`);
  }

  // Events answered but not handled before the last stop: handled once the server listens, through the same work
  // queue as new events, so Lark's pushes are answered at once even with a large backlog; read back from the inbox a
  // budget's worth at a time, as a backlog is while running (a crash in a burst can leave thousands).
  // The sandbox handles only its own (a database used on purpose with SANDBOX=1 keeps Lark's events for Lark).
  const left = await rt.bot.unhandledCount();
  const sandboxBacklog = sandbox && left ? (await rt.bot.unhandled()).filter((ev) => ev.header.event_id.startsWith('sandbox_')) : [];
  // (the handler thread delivers the outbox, and reads back what the inbox holds unhandled)
  if (!rt.handlerThread) rt.sender.start();
  if (opts.scheduler ?? true) {
    // The first tick catches up occasions missed while the server was down; then one tick a minute.
    await rt.runner.tick();
    rt.runner.start((expr, fn) => cron.schedule(expr, fn));
  }

  // The sandbox lets whoever opens it speak as anyone of the plan: by default only this machine may open it.
  const hostname = config.HOST ?? (hasLarkApp(config) ? '0.0.0.0' : '127.0.0.1');
  // Lark's pushes are read straight off node:http (webhook mode); every other request goes to the Hono app.
  // (the events it accepts make the rate that tells a burst: src/work-queue.ts AnswerPressure)
  const webhook = rt.webhook ? nodeWebhook(rt.webhook, { accepted: () => rt.pressure.arrived() }) : undefined;
  const app = getRequestListener(rt.app.fetch, { hostname });
  // Once stopping, each answer closes its connection: Lark's pushes on kept-alive connections would keep the server
  // from closing for as long as they came.
  let stopping = false;
  const server: HttpServer = createServer((req, res) => {
    if (stopping) res.setHeader('connection', 'close');
    void (webhook?.(req, res) || app(req, res));
  });
  // A request must come whole within 30 s (Node's default is 5 minutes): Lark's pushes are a few KB, a plan upload is
  // at most 2 MB, and a sender that trickles its body holds a connection no longer than that.
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(server.headersTimeout, REQUEST_TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, hostname, () => {
      server.off('error', reject);
      started.server = server;
      resolve();
    });
  }).catch((err: unknown) => {
    // The port is taken (or the host is not this machine's): said plainly, with nothing left running.
    throw new Error(`Duban did not start: cannot listen on ${hostname}:${config.PORT}: ${err instanceof Error ? err.message : String(err)}`);
  });
  // Requests in flight: while many wait, handling and sending give way to answering them (src/work-queue.ts).
  server.on('request', (_req, res) => rt.pressure.track(res));
  if (sandbox) for (const ev of sandboxBacklog) rt.defer(() => rt.handle(ev).then(() => undefined));
  else if (left && !rt.handlerThread) rt.readBack();
  const leftToHandle = sandbox ? sandboxBacklog.length : left;
  if (leftToHandle) rt.log.info('handling events left unhandled by the last run', { count: leftToHandle });
  // With a Lark app the bot asks Lark who it is at once: group messages need its open_id, and a wrong secret or this
  // server's IP outside the app's whitelist is said now (src/lark/sdk-messenger.ts), not at the first reply.
  if (check.mode === 'lark') void rt.bot.botOpenId().catch(() => undefined);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;

  // ws mode: the SDK's long connection delivers the same events to the same core (no public URL needed).
  // (loaded only then: the SDK costs about 30 MB of memory, and in webhook mode the main thread does without it)
  const ws = config.LARK_MODE === 'ws' && hasLarkApp(config) ? (await import('./lark/receivers/long-connection.js')).longConnectionReceiver(rt, { appId: config.LARK_APP_ID!, appSecret: config.LARK_APP_SECRET!, domain: config.LARK_DOMAIN }) : undefined;
  // Events left unhandled (group messages that came while the bot could not learn its own open_id, a handling that
  // failed, a process that died) are tried again each minute, a budget's worth at a time; not while the inbox's
  // read-back works through a backlog, which reaches them anyway.
  const retry = sandbox || rt.handlerThread
    ? undefined
    : setInterval(() => {
        if (!rt.waitingInInbox()) void rt.replayUnhandled({ before: new Date(rt.clock.now().getTime() - 30_000), limit: BACKLOG_BUDGET }).catch(() => undefined);
      }, 60_000);
  retry?.unref();

  if (opts.banner) printBanner(config, url, rt);
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    runtime: rt,
    close() {
      // once: a second call waits for the first
      closing ??= stop();
      return closing;
    },
  };

  async function stop(): Promise<void> {
    if (retry) clearInterval(retry);
    ws?.close();
    stopping = true;
    // no job tick starts while the connections close (the runtime's close waits for one under way)
    void rt.runner.stop();
    // No new connections; idle kept-alive ones close now, busy ones after their answer (connection: close), and any
    // left after CLOSE_GRACE_MS are cut (Lark pushes again what got no answer, and the inbox knows it).
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(cut);
    await rt.close();
  }
}

function printBanner(config: Config, url: string, rt: Runtime) {
  const lines = [`督办 Duban is running at ${url}`, `  database     ${config.DATABASE_PATH} (migrated)`];
  if (hasLarkApp(config)) {
    lines.push(`  Lark app     ${config.LARK_APP_ID} via ${config.LARK_DOMAIN}, mode ${config.LARK_MODE}`);
    if (config.LARK_MODE === 'webhook') lines.push(`  events       POST ${url}/lark/events   cards  POST ${url}/lark/cards`);
    for (const w of checkStart(config).warnings) lines.push(`  WARNING      ${w}`);
    if (!config.LARK_VERIFICATION_TOKEN) lines.push('  WARNING      LARK_VERIFICATION_TOKEN is not set: the event token is not checked.');
  } else {
    lines.push(
      '  Lark app     not configured (LARK_APP_ID and LARK_APP_SECRET are missing).',
      '               Works now: the bot, its commands, jobs and database, with a local sandbox messenger:',
      '               replies are kept in the outbox instead of going to Lark.',
      '               To connect Lark: create an app (README, "Create the Lark app") and set the variables.',
      `  sandbox      ${url}/sandbox  (the campaign's chats in your browser: talk as anyone, move the clock)`,
    );
  }
  lines.push(`  health       GET ${url}/healthz`, `  admin        ${config.ADMIN_TOKEN ? 'enabled (Bearer ADMIN_TOKEN)' : 'disabled (set ADMIN_TOKEN to enable /admin/*)'}`);
  void rt;
  process.stdout.write(lines.join('\n') + '\n');
}

/** The process entry (`npm start` runs it from dist/, `tsx src/server.ts` from the source): start, stop on a signal. */
/** How long a stop lets the requests under way finish before it cuts their connections. */
export const CLOSE_GRACE_MS = 2_000;

/**
 * What a stop signal does: the first starts an orderly stop (prompt: the events not handled yet stay in the inbox for
 * the next start) and exits 0 when it is done. One stop may bring two signals, the process group's and npm's a
 * millisecond apart: a repeat within a second is that. A signal a second or more later ends the process at once (1),
 * which loses nothing either.
 */
export function onStopSignal(close: () => Promise<void>, exit: (code: number) => void = process.exit, now: () => number = Date.now): () => void {
  let stopping: number | undefined;
  return () => {
    if (stopping !== undefined) return void (now() - stopping >= 1_000 && exit(1));
    stopping = now();
    close().then(
      () => exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        exit(1);
      },
    );
  };
}

export function main(): void {
  startServer({ banner: true })
    .then((s) => {
      const stop = onStopSignal(() => s.close());
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) main();
