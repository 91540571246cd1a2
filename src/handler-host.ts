// The main thread's side of the handler thread (src/handler-thread.ts): starts it, tells it when events were stored
// or rows queued (at most one message of each kind per turn of the event loop), waits for it to settle or stop, and
// starts it again should it die. Whatever it had not handled is in the inbox, and a new thread reads the inbox from
// its beginning.
import { Worker } from 'node:worker_threads';
import type { Config } from './config.js';
import type { FromHandler, HandlerData, MessengerCall, ToHandler } from './handler-thread.js';
import type { Messenger } from './lark/messenger.js';
import type { Log } from './log.js';
import type { AnswerPressure } from './work-queue.js';

/**
 * The handler thread's nice value: 19, the lowest priority, so the answers (and on a shared machine, the other
 * processes) come first when the cores are busy; with a core to spare it runs at full speed. On the bench, nice 10 left
 * it 20–70 µs of CPU per answer in the max-rate rounds, nice 19 with the burst hold 10–20 µs (README, bench).
 */
export const HANDLER_NICE = 19;

/** How long after an unexpected end the thread is started again. */
const RESTART_MS = 1_000;

export interface HandlerHost {
  /** the thread's messenger, for the main thread's calls (a card click's, a job's); it never delivers from here */
  messenger: Messenger;
  stored(): void;
  queued(): void;
  /** resolves once the thread has handled every event stored so far (tests; the runtime's `settled`) */
  settled(): Promise<void>;
  /** a prompt stop: the handlings under way end, what is not handled stays in the inbox */
  stop(): Promise<void>;
  /** ends the thread at once, as a crash would: it is started again after RESTART_MS (tests) */
  end(): Promise<void>;
}

/**
 * The thread's module: compiled beside the server in dist/; from the TypeScript source (tsx, the tests), a small
 * script that registers tsx's loader in the thread and then imports it.
 */
function threadEntry(): { code: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { code: new URL('./handler-thread.js', import.meta.url), eval: false };
  const source = new URL('./handler-thread.ts', import.meta.url).href;
  return { code: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, eval: true };
}

export function startHandlerThread(opts: { config: Config; log: Log; budget: number; pressure: AnswerPressure; nice?: number }): HandlerHost {
  const data: HandlerData = { config: opts.config, nice: opts.nice ?? HANDLER_NICE, budget: opts.budget, pressure: opts.pressure.shared.buffer as SharedArrayBuffer, news: new SharedArrayBuffer(4) };
  // 1 while the thread waits to be told of the next event stored (HandlerData.news)
  const waiting = new Int32Array(data.news);
  const { log } = opts;
  let worker: Worker;
  let stopping = false;
  let restart: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  const waiters = new Map<number, () => void>();
  const calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let onStopped: ((err?: string) => void) | undefined;
  let queuedSoon = false;

  const spawn = () => {
    const entry = threadEntry();
    worker = new Worker(entry.code, { eval: entry.eval, workerData: { handler: data } });
    worker.on('message', (m: FromHandler) => {
      if (m.type === 'settled') {
        waiters.get(m.id)?.();
        waiters.delete(m.id);
      } else if (m.type === 'answer') {
        const c = calls.get(m.id);
        calls.delete(m.id);
        if (m.ok) c?.resolve(m.value);
        else c?.reject(new Error(m.error));
      } else if (m.type === 'stopped') onStopped?.();
      else if (m.type === 'failed') {
        if (onStopped) onStopped(m.error);
        else log.error('handler thread failed', { error: m.error });
      }
    });
    worker.on('error', (err) => log.error('handler thread failed', { error: err.stack ?? String(err) }));
    worker.on('exit', (code) => {
      // calls under way get no answer from this thread
      for (const c of calls.values()) c.reject(new Error('the handler thread ended'));
      calls.clear();
      if (stopping) return onStopped?.();
      // Its events are in the inbox: a new thread reads them from the beginning. Waiters ask the new one.
      log.error('handler thread ended; starting it again', { code });
      restart = setTimeout(() => {
        restart = undefined;
        spawn();
        for (const id of waiters.keys()) send({ type: 'settle', id });
      }, RESTART_MS);
    });
  };
  const send = (m: ToHandler) => {
    if (!restart) worker.postMessage(m);
  };
  /** Rows were queued (a job, a card click): one message per turn. */
  const queued = () => {
    if (queuedSoon || stopping) return;
    queuedSoon = true;
    setImmediate(() => {
      queuedSoon = false;
      if (!stopping) send({ type: 'queued' });
    });
  };
  spawn();
  const call = <T>(method: MessengerCall, ...args: unknown[]): Promise<T> => {
    if (stopping || restart) return Promise.reject(new Error('the handler thread is not running'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ type: 'call', id, method, args } satisfies ToHandler);
    });
  };
  const messenger: Messenger = {
    kind: 'lark',
    deliver: () => Promise.reject(new Error('the handler thread delivers the outbox')),
    botOpenId: () => call<string | undefined>('botOpenId').catch(() => undefined),
    uploadFile: (name, bytes) => call('uploadFile', name, bytes),
    createCalendarEvent: (e) => call('createCalendarEvent', e),
    deleteCalendarEvent: (id) => call('deleteCalendarEvent', id),
  };

  return {
    messenger,
    // Events were stored (their commit is done): the thread is told only when it waits for news, once.
    stored: () => {
      if (Atomics.compareExchange(waiting, 0, 1, 0) === 1) send({ type: 'stored' });
    },
    queued,
    settled() {
      const id = nextId++;
      return new Promise<void>((resolve) => {
        waiters.set(id, resolve);
        send({ type: 'settle', id });
      });
    },
    async end() {
      if (!stopping && !restart) await worker.terminate();
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      // dead and waiting to be started again: nothing runs
      if (restart) return void clearTimeout(restart);
      const stopped = new Promise<string | undefined>((resolve) => (onStopped = resolve));
      worker.postMessage({ type: 'stop' } satisfies ToHandler);
      const err = await stopped;
      await worker.terminate();
      if (err) throw new Error(`the handler thread's stop failed: ${err}`);
    },
  };
}
