// When Lark refuses the app itself rather than a message: a wrong app secret (the token endpoint answers 10014), a
// token revoked before its expiry (99991663), this server's IP outside the app's IP whitelist (99991401). Each is a
// deploy half set up, and each must lose nothing: the reply waits in the outbox, the log says once what to fix (not
// once per message or per try), and the reply goes once it is fixed, exactly once. Through the real path: a signed,
// encrypted push to the running server, the real SDK over undici to the fake Open Platform.
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError, createLarkClient, LarkMessenger, SETUP, SETUP_LOG_EVERY_MS, SETUP_WAITS } from '../src/lark/sdk-messenger.js';
import { plainCache } from '../src/lark/token-cache.js';
import { undiciHttp } from '../src/lark/undici-http.js';
import { createLog } from '../src/log.js';
import { startFakeLark } from './fake-lark/server.js';
import { LarkHttpError } from '../src/lark/undici-http.js';
import { startHarness, type Harness } from './support/harness.js';
import { messageEvent } from './support/lark-events.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Retries every 20–40 ms, so a test sees several tries of one message in a second. */
const quickRetries = { baseBackoffMs: 20, maxBackoffMs: 40 };

async function start(env: Record<string, string> = {}) {
  const lines: string[] = [];
  h = await startHarness({ env: { LOG_LEVEL: 'info', ...env }, logLines: lines, sender: quickRetries });
  return { h, lines };
}

/** A 帮助 in a private chat, pushed as Lark pushes it; answers its message id once the push was answered 200. */
async function ask(h: Harness, chat: string): Promise<string> {
  const ev = messageEvent({ from: 'ou_chenbo', chat, chatType: 'p2p', text: '帮助' });
  h.fake.seedMessage(ev.event.message.message_id, chat);
  const res = await h.post(ev);
  expect(res.status).toBe(200);
  await h.server.runtime.settled();
  return ev.event.message.message_id;
}

/** The outbox rows' state (the reply waiting between tries, being sent, or sent). */
function rows(h: Harness) {
  const db = (h.server.runtime.dbh.db as unknown as { $client: { prepare(sql: string): { all(): unknown[] } } }).$client;
  return db.prepare('select status, attempts, last_error as lastError from outbox order by id').all() as Array<{ status: string; attempts: number; lastError: string | null }>;
}

async function until(done: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const errors = (lines: string[]) => lines.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'error');
const repliesTo = (h: Harness, messageId: string) => h.fake.messages.filter((m) => m.reply_to === messageId).length;

describe('Lark refuses the app, not the message', () => {
  it('a wrong LARK_APP_SECRET: the reply waits, the log says once to check the app id and secret, and the reply goes once the secret is right', async () => {
    const { h, lines } = await start({ LARK_APP_SECRET: 'not-the-secret' });
    const id = await ask(h, 'oc_p2p_refused_secret');
    await until(() => rows(h)[0]?.status === 'pending' && rows(h)[0]!.attempts >= 4);
    expect(rows(h)[0]).toMatchObject({ status: 'pending', lastError: expect.stringContaining('token refused: code 10014') });
    expect(repliesTo(h, id)).toBe(0);
    // one line, for four tries and more
    const said = errors(lines).filter((l) => l.msg.includes('LARK_APP_ID and LARK_APP_SECRET'));
    expect(said).toHaveLength(1);
    expect(said[0]!.msg).toBe(`${SETUP.credentials('code 10014: app secret invalid')} ${SETUP_WAITS}`);
    // the secret is put right (here: the app's secret becomes the one configured)
    h.fake.setAppSecret('not-the-secret');
    await until(() => repliesTo(h, id) === 1);
    await h.server.runtime.sender.drain(5_000);
    expect(rows(h)[0]!.status).toBe('sent');
    expect(repliesTo(h, id)).toBe(1);
  });

  it('a wrong LARK_APP_SECRET is said at start, before any message comes', async () => {
    const { lines } = await start({ LARK_APP_SECRET: 'not-the-secret' });
    await until(() => errors(lines).some((l) => l.msg.includes('LARK_APP_ID and LARK_APP_SECRET')));
  });

  it('a token revoked before its expiry (99991663): dropped, a new one fetched, and the reply goes on the next try, once', async () => {
    const { h } = await start();
    const first = await ask(h, 'oc_p2p_revoked_1');
    await h.settle();
    expect(repliesTo(h, first)).toBe(1);
    const tokensBefore = h.fake.calls.filter((c) => c.path.endsWith('/tenant_access_token/internal')).length;
    h.fake.revokeTokens();
    const second = await ask(h, 'oc_p2p_revoked_2');
    await until(() => repliesTo(h, second) === 1);
    // refused once with the old token, then sent with a new one
    expect(h.fake.calls.filter((c) => c.status === 401 && c.path.includes('/im/v1/messages/')).length).toBe(1);
    expect(h.fake.calls.filter((c) => c.path.endsWith('/tenant_access_token/internal')).length).toBe(tokensBefore + 1);
    await h.server.runtime.sender.drain(5_000);
    expect(rows(h).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it("this server's IP not in the app's whitelist (99991401): the reply waits, the log says once where to add it, and it goes once allowed", async () => {
    const { h, lines } = await start();
    h.fake.refuseIp = true;
    const id = await ask(h, 'oc_p2p_refused_ip');
    await until(() => rows(h)[0]?.status === 'pending' && rows(h)[0]!.attempts >= 4);
    expect(rows(h)[0]).toMatchObject({ status: 'pending', lastError: expect.stringContaining('99991401') });
    const said = errors(lines).filter((l) => l.msg.includes('IP 白名单'));
    expect(said).toHaveLength(1);
    expect(errors(lines).filter((l) => l.msg.includes('failed for good'))).toEqual([]);
    h.fake.refuseIp = false;
    await until(() => repliesTo(h, id) === 1);
    await h.server.runtime.sender.drain(5_000);
    expect(repliesTo(h, id)).toBe(1);
    expect(rows(h)[0]!.status).toBe('sent');
  });
});

describe('how a refusal is read (classifyError), on the errors the SDK and our transport throw', () => {
  const http = (status: number, code: number | undefined, msg = 'm', path = '/open-apis/im/v1/messages') =>
    new LarkHttpError(`Request failed with status code ${status}`, { status, data: code === undefined ? msg : { code, msg }, headers: {} }, undefined, path);
  const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
  const tokenError = (code: string, msg: string) => new Error(`failed to get tenant_access_token, code: ${code}, msg: ${msg}`);

  it('the credentials refused, whether the token endpoint answers 200 with the code or an error status: waits, says what to fix', () => {
    for (const err of [tokenError('10014', 'app secret invalid'), http(400, 10014, 'app secret invalid', TOKEN_PATH), http(403, undefined, '<html>forbidden</html>', TOKEN_PATH), tokenError('10003', 'invalid param'), tokenError('10014', 'app secret\ninvalid')]) {
      const r = classifyError(err);
      expect(r).toMatchObject({ retry: true, transient: true });
      expect(r.setup).toContain('LARK_APP_SECRET');
    }
  });

  it('a token endpoint that limits us or answers nothing is an outage, not the credentials', () => {
    for (const err of [tokenError('99991400', 'request trigger frequency limit'), tokenError('unknown', 'no message')]) {
      const r = classifyError(err);
      expect(r).toMatchObject({ retry: true, transient: true });
      expect(r.setup).toBeUndefined();
    }
  });

  it('the IP whitelist and a refused token wait with what to fix; a refusal about the message still fails it for good', () => {
    expect(classifyError(http(400, 99991401, 'request ip not allowed')).setup).toContain('IP 白名单');
    expect(classifyError(http(401, 99991663, 'Invalid access token')).setup).toContain('access token');
    // a missing scope, a message Lark will not take: not retried
    expect(classifyError(http(400, 99991672, 'Access denied'))).toMatchObject({ retry: false });
    expect(classifyError(http(400, 230001, 'invalid receive_id'))).toMatchObject({ retry: false });
    expect(classifyError(http(400, 230001, 'invalid receive_id')).setup).toBeUndefined();
    // the token endpoint's codes mean the credentials only there: another API's 10003 is about its request
    expect(classifyError(http(400, 10003, 'invalid param'))).toMatchObject({ retry: false });
    // a 5xx with any code, and a network failure: an outage
    expect(classifyError(http(502, 1, 'bad gateway'))).toMatchObject({ retry: true, transient: true });
    expect(classifyError(new Error('connect ECONNREFUSED'))).toMatchObject({ retry: true, transient: true });
  });
});

describe('a setup problem that lasts is said again every SETUP_LOG_EVERY_MS, not on each try', () => {
  it('the IP refused on every send: one line, then one more once 10 minutes have passed, none once it is fixed', async () => {
    const fake = await startFakeLark();
    const http = undiciHttp();
    const lines: string[] = [];
    let now = Date.parse('2026-11-30T01:00:00Z');
    const tokens = plainCache();
    const messenger = new LarkMessenger(createLarkClient({ appId: 'cli_test', appSecret: 'secret', domain: fake.url, httpInstance: http, cache: tokens }), createLog({}, (l) => lines.push(l)), tokens, () => now);
    try {
      fake.seedChat('oc_relog', { name: 'relog' });
      const send = (i: number) => messenger.deliver({ kind: 'send', target: 'oc_relog', targetType: 'chat_id', msgType: 'text', content: JSON.stringify({ text: `n${i}` }), uuid: `relog-${i}` });
      fake.refuseIp = true;
      const said = () => errors(lines).filter((l) => l.msg.includes('IP 白名单')).length;
      for (let i = 0; i < 5; i++) expect(await send(i)).toMatchObject({ ok: false, retry: true, setup: expect.stringContaining('IP 白名单') });
      expect(said()).toBe(1);
      now += SETUP_LOG_EVERY_MS - 1;
      await send(5);
      expect(said()).toBe(1);
      now += 1;
      await send(6);
      expect(said()).toBe(2);
      fake.refuseIp = false;
      expect(await send(7)).toMatchObject({ ok: true });
      expect(said()).toBe(2);
    } finally {
      await http.close();
      await fake.close();
    }
  });
});
