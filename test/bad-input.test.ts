// Bad input on POST /lark/events and POST /lark/cards (test/webhook.test.ts has the signature, token and timestamp
// refusals): wrong content types, empty and non-object bodies, encrypt fields of the wrong type, plaintexts that are
// not JSON, signed events without a proper header, bodies over, at and just under the limit, random bytes and random
// signed payloads. Every refusal is a 4xx with a JSON error saying what was wrong, nothing reaches the inbox or the
// outbox, and /healthz still answers.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPT_KEY, startHarness, TOKEN, type Harness } from './support/harness.js';
import { deliver, encrypt, fixture, messageEvent, sign } from './support/lark-events.js';
import { rawPost, type RawAnswer } from './support/raw-post.js';

const LIMIT = 256 * 1024;
const ROUTES = ['/lark/events', '/lark/cards'] as const;
const JSON_TYPE = { 'content-type': 'application/json' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** A raw POST to the harness: exactly these headers and bytes; chunked leaves out content-length. */
const send = (path: string, body: string | Buffer, headers: Record<string, string> = JSON_TYPE, chunked = false): Promise<RawAnswer> => rawPost(h.url + path, body, headers, chunked);

/** Signature headers over these exact bytes, at the harness clock. */
function signed(body: string, type = 'application/json'): Record<string, string> {
  const ts = String(Math.floor(h.clock.now().getTime() / 1000));
  const nonce = randomUUID();
  return { 'content-type': type, 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': sign(ts, nonce, ENCRYPT_KEY, body) };
}

/** A plaintext as Lark would deliver it: encrypted with the app's key, the wrapper signed. */
function sealed(plain: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ encrypt: encrypt(ENCRYPT_KEY, plain) });
  return { body, headers: signed(body) };
}

const sendSealed = (route: string, plain: string) => {
  const s = sealed(plain);
  return send(route, s.body, s.headers);
};

const count = (table: 'inbox' | 'outbox') => Number((h.server.runtime.dbh.db.all(sql.raw(`select count(*) as n from ${table}`)) as Array<{ n: number }>)[0]!.n);
const stored = () => ({ inbox: count('inbox'), outbox: count('outbox') });

/** A refusal: the status, a JSON body with an error that says what was wrong, nothing stored. */
async function refused(answer: Promise<RawAnswer>, status: number | number[], says?: RegExp) {
  const before = stored();
  const a = await answer;
  expect([status].flat(), JSON.stringify(a.body)).toContain(a.status);
  expect(a.type).toMatch(/^application\/json/);
  expect(typeof a.body?.error).toBe('string');
  if (says) expect(a.body.error).toMatch(says);
  expect(stored()).toEqual(before);
  return a;
}

const healthy = async () => {
  const res = await fetch(`${h.url}/healthz`);
  expect([res.status, await res.json()]).toEqual([200, { ok: true }]);
};

const helpEvent = () => messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
const cardAction = () => {
  const ev = fixture('card.action.trigger');
  ev.header.event_id = randomUUID().replace(/-/g, '');
  ev.event.action.value = { a: 'task.list' };
  return ev;
};
const validFor = (route: (typeof ROUTES)[number]) => (route === '/lark/events' ? helpEvent() : cardAction());

describe.each(ROUTES)('POST %s', (route) => {
  it('a refusal before the body closes the connection: the rest of a huge declared or endless chunked body is not read', async () => {
    const u = new URL(h.url);
    const cap = 16 * 1024 * 1024;
    for (const [head, status] of [
      ['content-type: text/plain\r\ncontent-length: 100000000000', 415],
      ['content-type: text/plain\r\ntransfer-encoding: chunked', 415],
      ['content-type: application/json\r\ncontent-length: 100000000000', 413],
      ['content-type: application/json\r\ntransfer-encoding: chunked', 413],
    ] as const) {
      const sock = connect(Number(u.port), u.hostname);
      await once(sock, 'connect');
      let answer = '';
      sock.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      sock.on('error', () => undefined);
      let isClosed = false;
      const closed = new Promise<void>((r) => sock.once('close', () => r((isClosed = true) && undefined)));
      sock.write(`POST ${route} HTTP/1.1\r\nhost: x\r\n${head}\r\n\r\n`);
      const chunk = head.includes('chunked') ? `10000\r\n${'x'.repeat(0x10000)}\r\n` : 'x'.repeat(0x10000);
      let written = 0;
      // keep sending until the server hangs up (or far more than any limit has gone out)
      while (!isClosed && written < cap) {
        if (!sock.write(chunk)) await Promise.race([new Promise((r) => sock.once('drain', r)), closed]);
        written += chunk.length;
      }
      await closed;
      expect(answer, head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer.toLowerCase(), head).toContain('connection: close');
      expect(written, head).toBeLessThan(cap);
    }
  });

  it('a declared content type other than JSON → 415 before the body is read, even over a valid signed body', async () => {
    const d = deliver(validFor(route), ENCRYPT_KEY, { at: h.clock.now() });
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/xml', 'json', '']) {
      await refused(send(route, d.body, { ...d.headers, 'content-type': type }), 415, /content-type must be application\/json/);
    }
  });

  it('JSON in any spelling of its type is read; no content type at all is read as JSON (the signature decides)', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8', undefined]) {
      const d = deliver(validFor(route), ENCRYPT_KEY, { at: h.clock.now() });
      const headers = { ...d.headers };
      if (type === undefined) delete headers['content-type'];
      else headers['content-type'] = type;
      const before = count('inbox');
      const a = await send(route, d.body, headers);
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      expect(count('inbox')).toBe(before + 1);
    }
    await h.settle();
  });

  it('an empty body and JSON that is not an object → 400', async () => {
    for (const body of ['', ' ', '\n', '[]', '[1,2]', '"a string"', '123', '-0.5e10', 'null', 'true', '{', '{"a":1', '{}}', '\ufeff']) {
      await refused(send(route, body), 400, /not a JSON object/);
    }
  });

  it('an encrypt field that is not a string → 400 naming it', async () => {
    for (const value of [123, null, true, {}, [], ['x'], { encrypt: 'x' }]) {
      await refused(send(route, JSON.stringify({ encrypt: value })), 400, /encrypt must be a base64 string/);
    }
  });

  it('bad ciphertext → 400: not base64, too short for the IV, wrong length, wrong key', async () => {
    for (const encrypted of ['%%%', '', 'AAAA', Buffer.alloc(15).toString('base64'), Buffer.alloc(33).toString('base64'), encrypt('another-key', JSON.stringify(helpEvent())), '字'.repeat(64)]) {
      const body = JSON.stringify({ encrypt: encrypted });
      await refused(send(route, body, signed(body)), 400, /cannot decrypt|not a JSON object/);
    }
  });

  it('a properly encrypted and signed plaintext that is not a JSON object → 400', async () => {
    for (const plain of ['hello', '', ' ', '[1]', '"x"', '123', 'null', '\u0000', '{"a":', '字'.repeat(100)]) {
      await refused(sendSealed(route, plain), 400, /decrypted body is not a JSON object/);
    }
  });

  it('a valid signature over an event without a proper header: no token → 401; header, event_id or event_type missing or not strings → 400', async () => {
    await refused(sendSealed(route, JSON.stringify({})), 401, /verification token/);
    await refused(sendSealed(route, JSON.stringify({ schema: '2.0', event: {} })), 401, /verification token/);
    const headers: unknown[] = [
      { token: TOKEN, event_type: 'im.message.receive_v1' },
      { token: TOKEN, event_id: 'e1' },
      { token: TOKEN, event_id: '', event_type: 'im.message.receive_v1' },
      { token: TOKEN, event_id: 123, event_type: 'im.message.receive_v1' },
      { token: TOKEN, event_id: { $gt: '' }, event_type: 'im.message.receive_v1' },
      { token: TOKEN, event_id: ['e1'], event_type: 'im.message.receive_v1' },
      { token: TOKEN, event_id: 'e1', event_type: 5 },
      { token: TOKEN, event_id: 'e1', event_type: ['card.action.trigger'] },
    ];
    for (const header of headers) await refused(sendSealed(route, JSON.stringify({ schema: '2.0', header, event: {} })), 400, /schema 2\.0 event/);
    // schema 1.0 (token at the top, no header), and a header that is not an object
    for (const payload of [{ token: TOKEN, type: 'event_callback', uuid: 'u1', event: { type: 'message' } }, { token: TOKEN, header: 'oops' }, { token: TOKEN, header: null }, { token: TOKEN, header: [] }]) {
      await refused(sendSealed(route, JSON.stringify(payload)), 400, /schema 2\.0 event/);
    }
  });

  it('over the limit → 413, counted in bytes, with or without content-length; at the limit it is read', async () => {
    await refused(send(route, 'x'.repeat(LIMIT + 1)), 413, /too large/);
    await refused(send(route, JSON.stringify({ encrypt: 'A'.repeat(LIMIT) })), 413, /too large/);
    // chunked, so only counting the bytes as they arrive can stop it
    await refused(send(route, JSON.stringify({ encrypt: 'A'.repeat(LIMIT + 1024) }), JSON_TYPE, true), 413, /too large/);
    await refused(send(route, Buffer.alloc(4 * LIMIT, 0x7b), JSON_TYPE, true), 413, /too large/);
    // 90,000 characters, 270,000 bytes
    await refused(send(route, JSON.stringify({ encrypt: '字'.repeat(90_000) })), 413, /too large/);
    // exactly the limit, and one byte under it: read, and refused for what they are
    await refused(send(route, 'x'.repeat(LIMIT)), 400, /not a JSON object/);
    await refused(send(route, 'x'.repeat(LIMIT - 1), JSON_TYPE, true), 400, /not a JSON object/);
  });

  it('a valid signed delivery just under the limit is accepted and stored once', async () => {
    const ev = validFor(route);
    // the longest padding whose encrypted, signed body is still under the limit (an AES block is 16 bytes, ~22 in base64)
    const padded = (n: number) => deliver({ ...ev, padding: 'p'.repeat(n) }, ENCRYPT_KEY, { at: h.clock.now() });
    let [lo, hi] = [0, LIMIT];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (Buffer.byteLength(padded(mid).body) < LIMIT) lo = mid;
      else hi = mid - 1;
    }
    const d = padded(lo);
    expect(Buffer.byteLength(d.body)).toBeGreaterThan(LIMIT - 64);
    expect(Buffer.byteLength(d.body)).toBeLessThan(LIMIT);
    const before = count('inbox');
    const a = await send(route, d.body, d.headers);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(count('inbox')).toBe(before + 1);
    // the same bytes again: answered, not stored twice
    expect((await send(route, d.body, d.headers)).status).toBe(200);
    expect(count('inbox')).toBe(before + 1);
    await h.settle();
  });

  it('random bytes, random unicode and random JSON → 400/401 with a JSON error, nothing stored', async () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })).map((o) => JSON.stringify(o)),
      fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.base64String({ maxLength: 200 })).map((e) => JSON.stringify({ encrypt: e })),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (b, sign) => {
        const text = typeof b === 'string' ? b : b.toString('latin1');
        await refused(send(route, b, sign && typeof b === 'string' ? signed(text) : JSON_TYPE), [400, 401]);
      }),
      { numRuns: 120 },
    );
  });
});

describe('random signed payloads that carry the right token', () => {
  const anyValue = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
  const header = fc.record(
    {
      token: fc.constant(TOKEN),
      event_id: fc.oneof(fc.uuid().map((u) => u.replace(/-/g, '')), anyValue),
      event_type: fc.oneof(fc.constantFrom('im.message.receive_v1', 'card.action.trigger', 'im.chat.member.bot.added_v1', 'im.chat.member.bot.deleted_v1', 'application.bot.menu_v6', ''), anyValue),
      create_time: anyValue,
    },
    { requiredKeys: ['token'] },
  );
  const event = fc.oneof(
    anyValue,
    fc.record(
      {
        sender: fc.oneof(anyValue, fc.record({ sender_id: fc.oneof(anyValue, fc.record({ open_id: fc.oneof(fc.constantFrom('ou_chenbo', 'ou_nobody'), anyValue) })), sender_type: fc.oneof(fc.constant('user'), anyValue) })),
        message: fc.oneof(
          anyValue,
          fc.record(
            {
              message_id: fc.oneof(fc.uuid().map((u) => `om_${u.replace(/-/g, '')}`), anyValue),
              chat_id: fc.oneof(fc.constantFrom('oc_xinhe_office', 'oc_unknown'), anyValue),
              chat_type: fc.oneof(fc.constantFrom('p2p', 'group'), anyValue),
              message_type: fc.oneof(fc.constantFrom('text', 'post'), anyValue),
              content: fc.oneof(fc.constantFrom('{"text":"帮助"}', '{"text":"@_user_1 逾期"}', '{"title":"t","content":[[{"tag":"text","text":"进度"}]]}', '{', 'null', '[]'), anyValue),
              mentions: fc.oneof(anyValue, fc.array(fc.oneof(anyValue, fc.record({ key: fc.oneof(fc.constant('@_user_1'), anyValue), id: anyValue, name: anyValue }, { requiredKeys: [] })), { maxLength: 3 })),
            },
            { requiredKeys: [] },
          ),
        ),
        chat_id: fc.oneof(fc.constantFrom('oc_xinhe_office', 'oc_new_chat'), anyValue),
        operator: fc.oneof(anyValue, fc.record({ open_id: fc.oneof(fc.constant('ou_chenbo'), anyValue) })),
        action: fc.oneof(anyValue, fc.record({ value: fc.oneof(anyValue, fc.record({ a: fc.oneof(fc.constantFrom('task.list', 'task.done', 'task.show'), anyValue), id: fc.oneof(fc.constantFrom('T1', 'T99'), anyValue) })), form_value: anyValue }, { requiredKeys: [] })),
        context: fc.oneof(anyValue, fc.record({ open_chat_id: fc.oneof(fc.constant('oc_xinhe_office'), anyValue) })),
      },
      { requiredKeys: [] },
    ),
  );

  it.each(ROUTES)('%s: answered 200 or 4xx, never 5xx; a refusal stores nothing; handling never crashes', async (route) => {
    await fc.assert(
      fc.asyncProperty(fc.record({ schema: fc.constantFrom('2.0', undefined), header: fc.oneof(header, anyValue), event }, { requiredKeys: ['header'] }), async (payload) => {
        // only the inbox is compared: the outbox is still being filled by the handling of earlier accepted events
        const before = count('inbox');
        const a = await sendSealed(route, JSON.stringify(payload));
        expect([200, 400, 401], JSON.stringify({ payload, answer: a.body })).toContain(a.status);
        expect(a.type).toMatch(/^application\/json/);
        if (a.status !== 200) {
          expect(typeof a.body.error).toBe('string');
          expect(count('inbox')).toBe(before);
        } else expect(count('inbox')).toBeLessThanOrEqual(before + 1);
      }),
      { numRuns: 120 },
    );
    await h.settle();
    const failed = h.server.runtime.dbh.db.all(sql`select event_id, event_type, payload from inbox where outcome = 'error'`);
    expect(failed).toEqual([]);
    await healthy();
  });
});

describe('the card route takes card actions only', () => {
  it('a valid signed message event sent to /lark/cards → 400, not recorded, so /lark/events still takes it', async () => {
    const ev = helpEvent();
    const d = deliver(ev, ENCRYPT_KEY, { at: h.clock.now() });
    await refused(send('/lark/cards', d.body, d.headers), 400, /not a card action/);
    const before = count('inbox');
    expect((await send('/lark/events', d.body, d.headers)).status).toBe(200);
    expect(count('inbox')).toBe(before + 1);
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
  });

  it('the challenge is answered on the card route too', async () => {
    const res = await h.post({ ...fixture<Record<string, unknown>>('url_verification'), token: TOKEN }, { path: '/lark/cards', sign: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: fixture('url_verification').challenge });
  });
});

describe('afterwards', () => {
  it('the server is healthy and every stored event was handled', async () => {
    await h.settle();
    await healthy();
    const open = h.server.runtime.dbh.db.all(sql`select event_id from inbox where handled_at is null`);
    expect(open).toEqual([]);
  });
});
