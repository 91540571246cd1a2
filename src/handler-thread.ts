// The handler thread of the Node server (src/handler-host.ts starts it): the bot's half of the core, on its own thread
// at a lower OS priority. The server's main thread answers Lark's pushes and stores each event in the inbox; this thread
// reads the inbox in the order events were stored, handles them (the pipeline, the commit of their replies) and
// delivers the outbox. Answers then never wait behind handling, and handling still takes every moment of CPU the
// answers leave: the kernel runs this thread whenever a core has nothing more urgent to do.
import { readlinkSync, writeSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../db/client.js';
import type { Config } from './config.js';
import { systemClock } from './core/clock.js';
import { createCore } from './create-core.js';
import { larkMessenger } from './lark/lazy-messenger.js';
import { createLog } from './log.js';
import { AnswerPressure, HANDLING_CONCURRENCY, HANDLING_SURGE, WorkQueue } from './work-queue.js';

/** What the main thread gives the handler thread (plain data: it is copied across). */
export interface HandlerData {
  config: Config;
  /** the thread's nice value (Linux; 0 leaves it as the main thread's) */
  nice: number;
  /** events read from the inbox at a time */
  budget: number;
  /** the main thread's count of requests being answered (AnswerPressure): handling gives way while many wait */
  pressure: SharedArrayBuffer;
  /** one Int32: 1 while the thread has read everything stored and waits to be told of more */
  news: SharedArrayBuffer;
}

/** The messenger's calls the main thread makes through this thread's messenger (a card click's, a job's). */
export type MessengerCall = 'botOpenId' | 'uploadFile' | 'createCalendarEvent' | 'deleteCalendarEvent';

/** From the main thread: events were stored, rows were queued, a wait for everything handled, a call, the stop. */
export type ToHandler =
  | { type: 'stored' }
  | { type: 'queued' }
  | { type: 'settle'; id: number }
  | { type: 'call'; id: number; method: MessengerCall; args: unknown[] }
  | { type: 'stop' };
/** To the main thread. */
export type FromHandler =
  | { type: 'settled'; id: number }
  | { type: 'answer'; id: number; ok: true; value: unknown }
  | { type: 'answer'; id: number; ok: false; error: string }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };

/** Lowers this thread's priority (Linux: the nice value is per thread; /proc/thread-self names this one). */
function lowerPriority(nice: number): void {
  if (!nice) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // not Linux (no per-thread nice): the thread runs at the process's priority
  }
}

/** Log lines go straight to the process's stdout from this thread, not through the main thread's event loop. */
function writeLine(line: string): void {
  try {
    writeSync(1, line + '\n');
  } catch {
    process.stdout.write(line + '\n');
  }
}

async function run(data: HandlerData): Promise<void> {
  const port = parentPort!;
  const post = (m: FromHandler) => port.postMessage(m);
  const { config } = data;
  lowerPriority(data.nice);
  const log = createLog({ thread: 'handler' }, writeLine, config.LOG_LEVEL);
  // Its own connection; the main thread's checkpointer copies the WAL for both.
  const dbh = openSqlite(config.DATABASE_PATH, { checkpointElsewhere: true });
  // the app's messenger, built as the main thread's is without a thread (the SDK loads at its first call)
  const lark = larkMessenger(config, log);
  const { messenger } = lark;
  // While many requests wait on the main thread, handling and sending start at most once every MAX_YIELD_MS (every
  // BURST_YIELD_MS while events come in a burst): the answers have the cores (the lower priority alone leaves the
  // thread a share of them).
  const pressure = new AnswerPressure(undefined, data.pressure);
  const work = new WorkQueue((err) => log.error('deferred work failed', { error: String(err) }), HANDLING_CONCURRENCY, pressure, HANDLING_SURGE);
  const core = createCore({ config, dbh, clock: systemClock, log, messenger, sender: { pressure }, defer: (fn) => work.push(fn), deliverEagerly: true });

  // The inbox read in the order it was stored: `seq` is the last event taken. A group message that waits for the bot's
  // open_id stays unhandled behind it; the core sends it through once the id is known, and the minute's replay tries
  // what is still left (a handling whose commit failed). While there is work the thread reads on by itself; once the
  // inbox has nothing new it says so in shared memory (`waiting`), and the main thread then tells it of the next event
  // stored: one message per quiet spell, not one per commit.
  const waiting = new Int32Array(data.news);
  let seq = 0;
  let stopped = false;
  let endWait: () => void = () => {};
  const stopping = new Promise<void>((r) => (endWait = r));
  let told = false;
  let wake: (() => void) | undefined;
  const news = () =>
    new Promise<void>((resolve) => {
      if (told || stopped) resolve();
      else wake = resolve;
    }).then(() => void (told = false));
  const readInbox = async (): Promise<void> => {
    while (!stopped) {
      const batch = await core.bot.unhandledAfter(seq, data.budget);
      if (batch.length === 0) {
        Atomics.store(waiting, 0, 1);
        // an event stored between the read and the flag: the main thread may not have seen the flag
        if ((await core.bot.unhandledAfter(seq, 1)).length === 0) await news();
        Atomics.store(waiting, 0, 0);
        continue;
      }
      failures = 0;
      for (const { seq: s, ev } of batch) {
        seq = s;
        work.push(() => core.handle(ev).then(() => undefined));
      }
      await work.idle();
    }
  };
  let failures = 0;
  const reading = (async () => {
    while (!stopped) {
      await readInbox().catch(async (err: unknown) => {
        log.error('inbox read failed', { error: String(err) });
        // a second more for each failure in a row, up to 30; a stop does not wait it out
        await Promise.race([new Promise((r) => setTimeout(r, 1000 * Math.min(++failures, 30)).unref()), stopping]);
      });
    }
  })();
  // Each minute, what is still unhandled from 30 s back (a handling whose commit failed); only while the reader waits
  // for news: behind a backlog it reaches those events in order anyway.
  const retry = setInterval(() => {
    if (wake) void core.replayUnhandled({ before: new Date(Date.now() - 30_000), limit: data.budget }).catch(() => undefined);
  }, 60_000);

  /** Resolves once the thread waits for news with nothing handled now and nothing stored after what it took. */
  const settle = async (): Promise<void> => {
    for (;;) {
      await work.idle();
      await new Promise((r) => setTimeout(r, 1));
      if (wake && work.size === 0 && (await core.bot.unhandledAfter(seq, 1)).length === 0) return;
    }
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    wake?.();
    endWait();
    clearInterval(retry);
    try {
      await core.stopTaking();
      await work.stop();
      await reading;
      await core.sender.stop();
    } finally {
      await lark.close().catch(() => undefined);
      dbh.close();
    }
  };

  port.on('message', (m: ToHandler) => {
    switch (m.type) {
      case 'stored':
        told = true;
        wake?.();
        wake = undefined;
        break;
      case 'queued':
        void core.sender.kick();
        break;
      case 'settle':
        void settle().then(() => post({ type: 'settled', id: m.id }));
        break;
      case 'call': {
        const call = (messenger[m.method] as (...args: unknown[]) => Promise<unknown>).apply(messenger, m.args);
        void call.then(
          (value) => post({ type: 'answer', id: m.id, ok: true, value }),
          (err: unknown) => post({ type: 'answer', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        break;
      }
      case 'stop':
        void stop().then(
          () => post({ type: 'stopped' }),
          (err: unknown) => post({ type: 'failed', error: String(err) }),
        );
    }
  });
  core.sender.start();
}

if (parentPort && (workerData as { handler?: HandlerData } | undefined)?.handler) {
  void run((workerData as { handler: HandlerData }).handler).catch((err: unknown) => {
    parentPort!.postMessage({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies FromHandler);
  });
}
