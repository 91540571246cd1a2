// HANDLER_THREAD=1 (issue 19): the Node server answers and stores on its main thread, and a thread of its own at the
// lowest priority reads the inbox, handles the events and delivers the replies through the real SDK to the fake Open
// Platform. The whole path: signed, encrypted pushes in, replies out, once each; a backlog left by the last run; a card
// click answered on the main thread, whose reply the thread delivers; a stop that loses nothing; a refusal to start.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config.js';
import { createLog } from '../src/log.js';
import { applyPlanFile, examplePlan } from '../src/runtime.js';
import { startServer, type Server } from '../src/server.js';
import { startFakeLark, type FakeLark } from './fake-lark/server.js';
import { appEnv, ENCRYPT_KEY, flatten } from './support/harness.js';
import { deliver, fixture, messageEvent } from './support/lark-events.js';

let fake: FakeLark;
let dir: string;
let server: Server;
const lines: string[] = [];
const config = () => configSchema.parse({ PORT: '0', ...appEnv(fake, join(dir, 'duban.db')), HANDLER_THREAD: '1', LOG_LEVEL: 'info', SEND_PER_SECOND: '1000', SEND_PER_MINUTE: '100000' });
const start = () => startServer({ config: config(), scheduler: false, log: createLog({}, (l) => lines.push(l)) });

beforeAll(async () => {
  fake = await startFakeLark();
  dir = mkdtempSync(join(tmpdir(), 'duban-thread-'));
  server = await start();
  await applyPlanFile(server.runtime, examplePlan);
});
afterAll(async () => {
  await server?.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Posts one event as Lark does: encrypted, signed, at the real time (the server runs on the system clock here). */
function post(payload: unknown) {
  const d = deliver(payload, ENCRYPT_KEY, { at: new Date() });
  return fetch(`${server.url}/lark/events`, { method: 'POST', headers: d.headers, body: d.body });
}

/** `n` private-chat 帮助 messages, each seeded at the fake so a reply to it is accepted. */
function helps(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => {
    const chat = `oc_p2p_${tag}_${i}`;
    const ev = messageEvent({ from: 'ou_chenbo', chat, chatType: 'p2p', text: '帮助' });
    fake.seedMessage(ev.event.message.message_id, chat);
    return ev;
  });
}

function repliesPerMessage(): Map<string, number> {
  const per = new Map<string, number>();
  for (const m of fake.messages) if (m.reply_to) per.set(m.reply_to, (per.get(m.reply_to) ?? 0) + 1);
  return per;
}

/** Waits until `n` messages have their reply at the fake, and checks that none has two. */
async function repliedOnceEach(n: number) {
  await until(() => repliesPerMessage().size === n);
  expect([...repliesPerMessage().values()].every((r) => r === 1)).toBe(true);
}

/** Waits until the fake has what `done` asks for (the thread delivers on its own time). */
async function until(done: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The nice values of this process's threads (Linux). */
function niceValues(): number[] {
  return readdirSync('/proc/self/task').map((t) => Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[16]));
}

describe('HANDLER_THREAD=1', () => {
  it('handles on a thread of the lowest priority: a pushed 帮助 is answered 200 and its reply delivered once through the SDK', async () => {
    expect(server.runtime.handlerThread).toBe(true);
    // (the thread has answered once it settles: it runs, at its priority)
    await server.runtime.settled();
    if (process.platform === 'linux') expect(niceValues()).toContain(19);
    const [ev] = helps(1, 'one');
    const res = await post(ev);
    expect(res.status).toBe(200);
    await server.runtime.settled();
    await until(() => repliesPerMessage().get(ev.event.message.message_id) === 1);
    const reply = fake.messages.find((m) => m.reply_to === ev.event.message.message_id)!;
    expect(flatten(reply.content)).toContain('汇报');
    // the main thread's messenger is the thread's: it never loaded the SDK's client for itself
    expect(server.runtime.messenger.kind).toBe('lark');
    await expect(server.runtime.messenger.botOpenId()).resolves.toBe('ou_bot');
  });

  it('a burst of 200 events at once: all answered 200, each replied to once', async () => {
    fake.reset();
    const events = helps(200, 'burst');
    const answers = await Promise.all(events.map((ev) => post(ev)));
    expect(answers.map((r) => r.status)).toEqual(events.map(() => 200));
    await server.runtime.settled();
    await repliedOnceEach(200);
    expect(await server.runtime.bot.unhandledCount()).toBe(0);
  });

  it('a card click is answered on the main thread with its toast, and the thread delivers its reply into the chat', async () => {
    fake.reset();
    const ev = fixture('card.action.trigger');
    ev.header.event_id = `ev_thread_click_${Date.now()}`;
    ev.header.create_time = String(Date.now());
    ev.event.action.value = { a: 'task.list' };
    ev.event.context.open_chat_id = 'oc_xinhe_office';
    const d = deliver(ev, ENCRYPT_KEY, { at: new Date() });
    const res = await fetch(`${server.url}/lark/cards`, { method: 'POST', headers: d.headers, body: d.body });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('toast');
    await until(() => fake.messagesIn('oc_xinhe_office').length === 1);
    expect(flatten(fake.messagesIn('oc_xinhe_office')[0]!.content)).toContain('T1');
  });

  it('events left unhandled by the last run are handled by the next start’s thread, each once', async () => {
    fake.reset();
    const events = helps(30, 'left');
    for (const ev of events) expect(await server.runtime.bot.record(ev.header.event_id, ev.header.event_type, ev)).toBe(true);
    await server.close();
    server = await start();
    await server.runtime.settled();
    await repliedOnceEach(30);
    expect(await server.runtime.bot.unhandledCount()).toBe(0);
  });

  it('a stop during a burst loses nothing: what was answered is replied to once, now or after the next start', async () => {
    fake.reset();
    const events = helps(300, 'stop');
    const answered = (await Promise.all(events.map(async (ev) => ((await post(ev)).status === 200 ? ev.event.message.message_id : undefined)))).filter(Boolean);
    expect(answered).toHaveLength(300);
    lines.length = 0;
    await server.close();
    server = await start();
    await server.runtime.settled();
    await repliedOnceEach(300);
  });

  it('a thread that dies is started again: what came meanwhile was answered 200, and is replied to once', async () => {
    fake.reset();
    lines.length = 0;
    await server.runtime.handlerHost!.end();
    const events = helps(20, 'dead');
    const answers = await Promise.all(events.map((ev) => post(ev)));
    expect(answers.map((r) => r.status)).toEqual(events.map(() => 200));
    await repliedOnceEach(20);
    expect(lines.some((l) => l.includes('handler thread ended; starting it again'))).toBe(true);
    await server.runtime.settled();
    expect(await server.runtime.bot.unhandledCount()).toBe(0);
    // and it goes on: the next event is handled by the new thread
    const [next] = helps(1, 'after');
    expect((await post(next)).status).toBe(200);
    await until(() => repliesPerMessage().get(next.event.message.message_id) === 1);
  });

  it('refuses to start in the sandbox (no Lark app), saying why', async () => {
    const sandbox = configSchema.parse({ PORT: '0', DATABASE_PATH: join(dir, 'sandbox.db'), HANDLER_THREAD: '1', LOG_LEVEL: 'silent' });
    await expect(startServer({ config: sandbox, scheduler: false })).rejects.toThrow(/HANDLER_THREAD=1 needs a Lark app/);
  });
});
