// Starts the real Duban server on a free port, pointed at a fresh fake Open Platform, with a database file of its own
// and a clock the test sets. Tests talk HTTP to it and read what the real SDK delivered to the fake.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { createLog } from '../../src/log.js';
import type { SenderOptions } from '../../src/outbox.js';
import { applyPlanFile, examplePlan } from '../../src/runtime.js';
import { startServer, type Server } from '../../src/server.js';
import { startFakeLark, type FakeLark, type FaultConfig } from '../fake-lark/server.js';
import { deliver, messageEvent, type MessageSpec } from './lark-events.js';

export const ENCRYPT_KEY = 'test-encrypt-key';
export const TOKEN = 'vtoken_test';

export interface Harness {
  fake: FakeLark;
  server: Server;
  url: string;
  clock: ManualClock;
  dir: string;
  /** posts a payload to /lark/events, encrypted and signed */
  post(payload: unknown, opts?: { path?: string; at?: Date; sign?: boolean }): Promise<Response>;
  /** sends a chat message event and waits until it was handled and its reply delivered */
  say(spec: MessageSpec): Promise<{ status: number; eventId: string; messageId: string }>;
  /** the text of every message the fake received in a chat, cards flattened to text */
  textsIn(chatId: string): string[];
  /** waits for handling after the HTTP answers and for the outbox to drain */
  settle(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  plan?: string | false;
  now?: string;
  faults?: FaultConfig;
  sender?: SenderOptions;
  env?: Record<string, string>;
  logLines?: string[];
  /** events held in memory waiting to be handled (src/runtime.ts BACKLOG_BUDGET) */
  backlogBudget?: number;
}

/** Keys that hold card structure, not words a reader sees. */
const STRUCTURE = new Set(['tag', 'template', 'type', 'width', 'data_type', 'name', 'schema', 'color', 'mode', 'text_align', 'background_style', 'row_height', 'flex_mode', 'width_mode', 'aspect_ratio', 'xField', 'yField', 'seriesField', 'orient', 'text_size', 'page_size', 'lines', 'max', 'a', 'l']);

/** Every string in a card or text message, joined: what a reader would see. */
export function flatten(content: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (key && STRUCTURE.has(key)) return;
    if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(content);
  // Card markdown carries escaped user text as numeric entities; a reader sees the characters.
  return out.join('\n').replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

/** The environment of a Duban talking to `fake` as the test app, with its database at `databasePath`. */
export function appEnv(fake: Pick<FakeLark, 'url'>, databasePath: string) {
  return {
    DATABASE_PATH: databasePath,
    LARK_APP_ID: 'cli_test',
    LARK_APP_SECRET: 'secret',
    LARK_DOMAIN: fake.url,
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: TOKEN,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  };
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeLark({ faults: opts.faults });
  const dir = mkdtempSync(join(tmpdir(), 'duban-test-'));
  const clock = new ManualClock(opts.now ?? '2026-11-23T02:00:00Z');
  const config: Config = configSchema.parse({ PORT: '0', ...appEnv(fake, join(dir, 'duban.db')), ...opts.env });
  const log = opts.logLines ? createLog({}, (l) => opts.logLines!.push(l)) : undefined;
  const sender: SenderOptions = { baseBackoffMs: 20, maxBackoffMs: 200, clock, ...opts.sender };
  const start = () => startServer({ config, clock, sender, log, scheduler: false, backlogBudget: opts.backlogBudget });
  let server = await start();
  if (opts.plan !== false) await applyPlanFile(server.runtime, opts.plan ?? examplePlan);

  const h: Harness = {
    fake,
    get server() {
      return server;
    },
    get url() {
      return server.url;
    },
    clock,
    dir,
    async post(payload, o = {}) {
      const d = deliver(payload, ENCRYPT_KEY, { at: o.at ?? clock.now(), sign: o.sign });
      const send = () => fetch(`${server.url}${o.path ?? '/lark/events'}`, { method: 'POST', headers: d.headers, body: d.body });
      // A kept-alive connection the server closed after 5 idle seconds (a long test step) can be reset as the next
      // request goes out on it. Lark redelivers on a failed push and the inbox drops a second copy: so do we, once.
      return send().catch((err: unknown) => {
        if (!/ECONNRESET|socket hang up|other side closed/i.test(String((err as { cause?: unknown }).cause ?? err))) throw err;
        return send();
      });
    },
    async say(spec) {
      const ev = messageEvent(spec);
      fake.seedMessage(ev.event.message.message_id, spec.chat);
      const res = await h.post(ev);
      await h.settle();
      return { status: res.status, eventId: ev.header.event_id, messageId: ev.event.message.message_id };
    },
    textsIn(chatId) {
      return fake.messagesIn(chatId).map((m) => flatten(m.content));
    },
    async settle() {
      await server.runtime.settled();
      await server.runtime.sender.drain(20_000);
    },
    async restart() {
      await server.close();
      server = await start();
    },
    async close() {
      await server.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
