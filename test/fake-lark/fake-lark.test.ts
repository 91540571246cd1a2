// Drives the fake Lark server through the real @larksuiteoapi/node-sdk Client to prove they speak the same HTTP, over
// both transports: the SDK's default axios and the undici one the Node server gives it (src/lark/undici-http.ts).
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { undiciHttp } from '../../src/lark/undici-http.js';
import { startFakeLark, type FakeLark } from './server.js';

/** The SDK caches tokens process-wide per appId; a private cache keeps each test's token traffic visible. */
class MapCache {
  private m = new Map<string | symbol, any>();
  async set(key: string | symbol, value: any): Promise<boolean> {
    this.m.set(key, value);
    return true;
  }
  async get(key: string | symbol): Promise<any> {
    return this.m.get(key);
  }
}

const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

const transports = { axios: undefined, undici: undiciHttp() };
afterAll(() => transports.undici.close());

function client(fake: FakeLark, appSecret = 'secret', httpInstance?: (typeof transports)['undici']): lark.Client {
  return new lark.Client({
    ...(httpInstance ? { httpInstance } : {}),
    appId: 'cli_test',
    appSecret,
    domain: fake.url,
    loggerLevel: lark.LoggerLevel.error,
    logger: quiet,
    cache: new MapCache() as any,
  });
}

const text = (t: string) => JSON.stringify({ text: t });

async function send(c: lark.Client, chatId: string, t: string, uuid?: string) {
  return c.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'text', content: text(t), ...(uuid ? { uuid } : {}) },
  });
}

/** Runs `fn` and returns what it threw (the SDK rethrows the raw axios error). */
async function thrown(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}

describe.each(Object.entries(transports))('fake lark via the real SDK over %s', (_name, http) => {
  let fake: FakeLark;
  let c: lark.Client;

  beforeEach(async () => {
    fake = await startFakeLark();
    c = client(fake, 'secret', http);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('issues a token and records a created message', async () => {
    const res = await send(c, 'oc_group', 'hello');
    expect(res.code).toBe(0);
    expect(res.data?.message_id).toMatch(/^om_/);
    expect(res.data?.chat_id).toBe('oc_group');
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ chat_id: 'oc_group', msg_type: 'text', content: { text: 'hello' } });
    const tokenCall = fake.calls.find((x) => x.path.endsWith('/tenant_access_token/internal'));
    expect(tokenCall?.status).toBe(200);
    expect(tokenCall?.body.app_secret).toBe('***');
    const sendCall = fake.calls.find((x) => x.path === '/open-apis/im/v1/messages');
    expect(sendCall?.headers['authorization']).toMatch(/^Bearer t-fake-/);
    expect(sendCall?.query).toEqual({ receive_id_type: 'chat_id' });
  });

  it('rejects a wrong app secret with code 10014', async () => {
    const err = await thrown(() => send(client(fake, 'nope', http), 'oc_group', 'x'));
    expect(String(err.message)).toContain('10014');
    expect(fake.messages).toHaveLength(0);
  });

  it('answers 401 without a bearer token and 404 on unknown routes', async () => {
    const noAuth = await fetch(`${fake.url}/open-apis/bot/v3/info`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ code: 99991661 });
    const err = await thrown(() => c.request({ method: 'GET', url: '/open-apis/nope/v1/x' }));
    expect(err.response.status).toBe(404);
    const info: any = await c.request({ method: 'GET', url: '/open-apis/bot/v3/info' });
    expect(info.bot).toMatchObject({ open_id: 'ou_bot', app_name: '督办', activate_status: 2 });
  });

  it('deduplicates sends that carry the same uuid', async () => {
    const a = await send(c, 'oc_group', 'once', 'u-1');
    const b = await send(c, 'oc_group', 'once', 'u-1');
    expect(b.data?.message_id).toBe(a.data?.message_id);
    expect(fake.messages).toHaveLength(1);
  });

  it('puts a reply to a seeded inbound message in that chat', async () => {
    fake.seedMessage('om_inbound', 'oc_team');
    const res = await c.im.message.reply({
      path: { message_id: 'om_inbound' },
      data: { msg_type: 'text', content: text('got it'), reply_in_thread: true },
    });
    expect(res.data?.parent_id).toBe('om_inbound');
    expect(fake.messagesIn('oc_team')).toHaveLength(1);
    expect(fake.messagesIn('oc_team')[0]).toMatchObject({ reply_to: 'om_inbound', reply_in_thread: true });
  });

  it('patches a sent card and counts the edits', async () => {
    const card = JSON.stringify({ elements: [] });
    const res = await c.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_group', msg_type: 'interactive', content: card },
    });
    const id = res.data?.message_id ?? '';
    await c.im.message.patch({ path: { message_id: id }, data: { content: JSON.stringify({ elements: [1] }) } });
    expect(fake.messages[0]).toMatchObject({ patched: 1, content: { elements: [1] } });
  });

  it('validates content and card size', async () => {
    const notJson = await thrown(() =>
      c.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_g', msg_type: 'text', content: 'hi' } }),
    );
    expect(notJson.response.status).toBe(400);
    expect(notJson.response.data.code).toBe(230001);
    const huge = JSON.stringify({ elements: [{ tag: 'markdown', content: 'x'.repeat(160 * 1024) }] });
    const tooBig = await thrown(() =>
      c.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_g', msg_type: 'interactive', content: huge } }),
    );
    expect(tooBig.response.data.code).toBe(230025);
    expect(fake.messages).toHaveLength(0);
  });

  it('failNext rateLimit answers 429 with the reset header', async () => {
    fake.failNext(1, 'rateLimit');
    const err = await thrown(() => send(c, 'oc_group', 'x'));
    expect(err.response.status).toBe(429);
    expect(err.response.data.code).toBe(99991400);
    expect(err.response.headers['x-ogw-ratelimit-reset']).toBe('1');
    await send(c, 'oc_group', 'y');
    expect(fake.messages.map((m) => m.content.text)).toEqual(['y']);
  });

  it('chatRateLimit answers 400/230020 and serverError answers 5xx', async () => {
    fake.failNext(1, 'chatRateLimit');
    fake.failNext(1, 'serverError');
    const chat = await thrown(() => send(c, 'oc_group', 'x'));
    expect(chat.response.status).toBe(400);
    expect(chat.response.data).toMatchObject({ code: 230020, msg: 'This chat is being rate limited' });
    const server = await thrown(() => send(c, 'oc_group', 'x'));
    expect([500, 502, 503]).toContain(server.response.status);
    expect(fake.messages).toHaveLength(0);
  });

  it('down destroys the connection', async () => {
    fake.failNext(1, 'down');
    const once = await thrown(() => send(c, 'oc_group', 'x'));
    expect(once.response).toBeUndefined();
    expect(once.code).toMatch(/ECONNRESET|ERR_NETWORK|EPIPE|UND_ERR_SOCKET/);
    fake.setFaults({ down: true });
    const info = await thrown(() => c.request({ method: 'GET', url: '/open-apis/bot/v3/info' }));
    expect(info.response).toBeUndefined();
    fake.setFaults({});
    await send(c, 'oc_group', 'back');
    expect(fake.messages).toHaveLength(1);
    expect(fake.calls.filter((x) => x.status === 0)).toHaveLength(2);
  });

  it('random faults are reproducible from a seed', async () => {
    const pattern = async () => {
      fake.reset();
      fake.setFaults({ rateLimit: 0.5, seed: 42 });
      const out: string[] = [];
      for (let i = 0; i < 12; i++) {
        out.push(await send(c, 'oc_r', String(i)).then(() => 'ok', (e: any) => String(e.response?.status)));
      }
      return out.join(',');
    };
    const first = await pattern();
    expect(first).toContain('429');
    expect(first).toContain('ok');
    expect(await pattern()).toBe(first);
  });

  it('denies calendar calls when the scope is removed', async () => {
    const primary = await c.calendar.v4.calendar.primary({ params: { user_id_type: 'open_id' } });
    const calId = primary.data?.calendars?.[0]?.calendar?.calendar_id ?? '';
    expect(calId).toBe('cal_bot');
    const ev = await c.calendar.v4.calendarEvent.create({
      path: { calendar_id: calId },
      data: { summary: '周会', start_time: { timestamp: '1700000000' }, end_time: { timestamp: '1700003600' } },
    });
    const eventId = ev.data?.event?.event_id ?? '';
    await c.calendar.v4.calendarEventAttendee.create({
      path: { calendar_id: calId, event_id: eventId },
      params: { user_id_type: 'open_id' },
      data: { attendees: [{ type: 'user', user_id: 'ou_alice' }] },
    });
    expect(fake.calendarEvents[0]).toMatchObject({ summary: '周会', attendees: [{ user_id: 'ou_alice' }] });
    await c.calendar.v4.calendarEvent.delete({ path: { calendar_id: calId, event_id: eventId } });
    expect(fake.calendarEvents[0]?.deleted).toBe(true);

    fake.scopes.delete('calendar:calendar');
    const err = await thrown(() => c.calendar.v4.calendar.primary({}));
    expect(err.response.status).toBe(400);
    expect(err.response.data).toEqual({
      code: 99991672,
      msg: 'Access denied. One of the following scopes is required: [calendar:calendar]',
    });
  });

  it('uploads a file from a Buffer', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 13, 10, 45, 45, 0]);
    const res = await c.im.file.create({ data: { file_type: 'stream', file_name: 'ledger.xlsx', file: bytes } });
    expect(res?.file_key).toMatch(/^file_v3_/);
    expect(fake.files).toEqual([{ file_key: res?.file_key, file_name: 'ledger.xlsx', file_type: 'stream', size: bytes.length, data: bytes }]);
  });

  it('serves seeded chats, members and users', async () => {
    fake.seedChat('oc_team', { name: '专班', members: ['ou_a', { open_id: 'ou_b', name: '李四' }] });
    const chat = await c.im.chat.get({ path: { chat_id: 'oc_team' } });
    expect(chat.data?.name).toBe('专班');
    const members = await c.im.chatMembers.get({ path: { chat_id: 'oc_team' }, params: { member_id_type: 'open_id' } });
    expect(members.data?.items?.map((m) => m.member_id)).toEqual(['ou_a', 'ou_b']);
    expect(members.data?.has_more).toBe(false);
    const user = await c.contact.user.get({ path: { user_id: 'ou_b' }, params: { user_id_type: 'open_id' } });
    expect(user.data?.user?.name).toBe('李四');
  });

  it('counts a burst of 8 sends to one chat within 1 s as 3 over the per-chat limit', async () => {
    await send(c, 'oc_warmup', 'token');
    fake.reset();
    for (let i = 0; i < 8; i++) await send(c, 'oc_burst', `n${i}`);
    expect(fake.limitViolations()).toEqual({ app1s: 0, app1min: 0, chat1s: 3 });
  });

  it('waitFor resolves when the predicate holds and explains a timeout', async () => {
    setTimeout(() => void send(c, 'oc_w', 'later'), 20);
    await fake.waitFor((m) => m.some((x) => x.content.text === 'later'), 2000);
    await expect(fake.waitFor((m) => m.length > 5, 50)).rejects.toThrow(/timed out.*\n.*oc_w/);
  });
});
