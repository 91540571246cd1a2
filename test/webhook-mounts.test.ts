// The webhook endpoint has two mounts: on the Node server it is read straight off node:http
// (src/lark/receivers/webhook-node.ts), and the Hono app carries the same routes (what a Worker serves). Each request
// here goes to both, and both must answer it alike: the same status, the same JSON, the same content type. The other
// webhook tests (bad-input, webhook, scenarios) go through the Node mount, the Workers tests through the Hono one.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPT_KEY, startHarness, TOKEN, type Harness } from './support/harness.js';
import './support/fuzz-seed.js';
import { deliver, encrypt, fixture, messageEvent, sign } from './support/lark-events.js';
import { rawPost, type RawAnswer } from './support/raw-post.js';
import { nodeWebhook } from '../src/lark/receivers/webhook-node.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

interface Sent {
  path: string;
  body: string;
  /** a list is sent as that header repeated */
  headers: Record<string, string | string[]>;
  /** sent without a content-length, in chunks (the Hono mount gets the whole body: a Request has no chunks) */
  chunked?: boolean;
}

type Answer = Omit<RawAnswer, 'framing'>;

/** Over HTTP to the running server: exactly these headers and bytes. */
const overNode = (s: Sent) => rawPost(h.url + s.path, s.body, s.headers, s.chunked);

/** Through the Hono app, as a Worker serves it. */
async function overHono(s: Sent): Promise<Answer> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(s.chunked ? s.headers : { ...s.headers, 'content-length': String(Buffer.byteLength(s.body)) })) {
    for (const v of [value].flat()) headers.append(name, v);
  }
  // bytes: a string body would get a default text/plain type
  const res = await h.server.runtime.app.request(`http://localhost${s.path}`, { method: 'POST', headers, body: new TextEncoder().encode(s.body) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, body, type: res.headers.get('content-type') ?? '' };
}

/** The same request to both mounts; a stored event is sent again under a new event_id so each mount stores its own. */
async function both(make: () => Sent): Promise<[Answer, Answer]> {
  const { framing, ...node } = await overNode(make());
  expect(framing).toBe('length');
  return [node, await overHono(make())];
}

const at = () => h.clock.now();
const signedEvent = (payload: unknown, path = '/lark/events'): Sent => ({ path, ...deliver(payload, ENCRYPT_KEY, { at: at() }) });
const message = () => messageEvent({ from: 'ou_nobody', chat: `oc_mounts_${randomUUID().slice(0, 8)}`, text: '帮助', token: TOKEN });
const cardAction = () => {
  const ev = fixture('card.action.trigger');
  ev.header.event_id = randomUUID().replace(/-/g, '');
  ev.header.token = TOKEN;
  return ev;
};

const cases: Array<[string, () => Sent, number]> = [
  ['a signed, encrypted message event', () => signedEvent(message()), 200],
  ['the same, with a query string on the path', () => signedEvent(message(), '/lark/events?from=lark'), 200],
  ['url_verification', () => signedEvent(fixture('url_verification')), 200],
  ['a card action at /lark/cards', () => signedEvent(cardAction(), '/lark/cards'), 200],
  ['a card action at /lark/events', () => signedEvent(cardAction()), 200],
  ['a message event at /lark/cards', () => signedEvent(message(), '/lark/cards'), 400],
  ['a bad signature', () => {
    const s = signedEvent(message());
    return { ...s, headers: { ...s.headers, 'x-lark-signature': 'f'.repeat(64) } };
  }, 401],
  ['no signature headers', () => ({ path: '/lark/events', ...deliver(message(), ENCRYPT_KEY, { at: at(), sign: false }) }), 401],
  ['a timestamp 10 minutes old', () => ({ path: '/lark/events', ...deliver(message(), ENCRYPT_KEY, { at: new Date(at().getTime() - 600_000) }) }), 401],
  ['the wrong verification token', () => signedEvent({ ...message(), header: { ...message().header, token: 'not-the-token' } }), 401],
  ['a plain body though an encrypt key is set', () => ({ path: '/lark/events', body: JSON.stringify(message()), headers: { 'content-type': 'application/json' } }), 401],
  ['not JSON', () => ({ path: '/lark/events', body: 'hello', headers: { 'content-type': 'application/json' } }), 400],
  ['a form body', () => {
    const s = signedEvent(message());
    return { ...s, headers: { ...s.headers, 'content-type': 'application/x-www-form-urlencoded' } };
  }, 415],
  ['JSON with a charset', () => {
    const s = signedEvent(message());
    return { ...s, headers: { ...s.headers, 'content-type': 'application/json; charset=utf-8' } };
  }, 200],
  ['no content type', () => {
    const s = signedEvent(message());
    const { 'content-type': _type, ...headers } = s.headers;
    return { ...s, headers };
  }, 200],
  ['a body past 256 KB with its length', () => ({ path: '/lark/events', body: JSON.stringify({ encrypt: 'A'.repeat(256 * 1024) }), headers: { 'content-type': 'application/json' } }), 413],
  ['a body past 256 KB, chunked', () => ({ path: '/lark/cards', body: JSON.stringify({ encrypt: 'A'.repeat(300 * 1024) }), headers: { 'content-type': 'application/json' }, chunked: true }), 413],
  ['a signed event, chunked', () => ({ ...signedEvent(message()), chunked: true }), 200],
  ['a schema 1.0 event', () => signedEvent({ uuid: randomUUID(), token: TOKEN, ts: '1', type: 'event_callback', event: { type: 'message' } }), 400],
  // a byte order mark before the JSON: both mounts drop it (Request.text() does) and check the same text
  // a header sent twice: every value counts, joined as Web Headers join them (Node's req.headers keeps only the first)
  ['a second content type after application/json', () => {
    const s = signedEvent(message());
    return { ...s, headers: { ...s.headers, 'content-type': ['application/json', 'text/plain'] } };
  }, 415],
  ['header names in mixed case, as some proxies write them', () => {
    const s = signedEvent(message());
    const { 'x-lark-signature': sig, 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'content-type': type, ...rest } = s.headers;
    return { ...s, headers: { ...rest, 'X-Lark-Signature': sig!, 'X-LARK-REQUEST-TIMESTAMP': ts!, 'x-Lark-Request-Nonce': nonce!, 'Content-Type': type! } };
  }, 200],
  ['the signature header twice', () => {
    const s = signedEvent(message());
    return { ...s, headers: { ...s.headers, 'x-lark-signature': [String(s.headers['x-lark-signature']), String(s.headers['x-lark-signature'])] } };
  }, 401],
  ['a signed event after a byte order mark', () => {
    const s = signedEvent(message());
    return { ...s, body: `\ufeff${s.body}` };
  }, 200],
  // paths written otherwise are the Hono app's on both (the same checks; Hono decodes %65)
  ['/lark/%65vents', () => signedEvent(message(), '/lark/%65vents'), 200],
  ['/lark/events/', () => signedEvent(message(), '/lark/events/'), 404],
  ['/LARK/events', () => signedEvent(message(), '/LARK/events'), 404],
];

describe('the webhook answers alike on node:http and on Hono', () => {
  it.each(cases.map(([name, make, status]) => ({ name, make, status })))('$name → $status', async ({ make, status }) => {
    const [node, hono] = await both(make);
    expect(node).toEqual(hono);
    expect(node.status).toBe(status);
    expect(node.type).toMatch(/^application\/json/);
  });

  it('random bodies, signed or not, with random content types: the same answer from both', async () => {
    const types = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/vnd.lark+json', undefined);
    const bodies = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json({ maxDepth: 4 }),
      fc.string({ maxLength: 200 }).map((s) => JSON.stringify({ encrypt: encrypt(ENCRYPT_KEY, s) })),
      fc.base64String({ maxLength: 200 }).map((s) => JSON.stringify({ encrypt: s })),
    );
    await fc.assert(
      fc.asyncProperty(bodies, types, fc.boolean(), async (body, type, signIt) => {
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (signIt) {
          const ts = String(Math.floor(at().getTime() / 1000));
          const nonce = randomUUID();
          Object.assign(headers, { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': sign(ts, nonce, ENCRYPT_KEY, body) });
        }
        const [node, hono] = await both(() => ({ path: '/lark/events', body, headers }));
        expect(node).toEqual(hono);
        expect(node.status).not.toBe(500);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the events the Node mount accepts (what makes the burst rate: src/work-queue.ts)', () => {
  it('are told for each answer 200 and for nothing it refuses', async () => {
    let accepted = 0;
    const hook = nodeWebhook(h.server.runtime.webhook!, { accepted: () => void accepted++ });
    const server = createServer((req, res) => {
      if (!hook(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const statuses: number[] = [];
      for (const [, make] of cases.filter(([, , status]) => status !== 404)) {
        const sent = make();
        if (!/^\/lark\/(events|cards)(\?|$)/.test(sent.path)) continue;
        statuses.push((await rawPost(url + sent.path, sent.body, sent.headers, sent.chunked)).status);
      }
      expect(statuses.filter((s) => s !== 200).length).toBeGreaterThanOrEqual(8);
      expect(accepted).toBe(statuses.filter((s) => s === 200).length);
      expect(accepted).toBeGreaterThanOrEqual(5);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('when the event cannot be stored', () => {
  it('both mounts answer 500 without the body in the log, store nothing, and take the redelivery once storing works again', async () => {
    const lines: string[] = [];
    const g = await startHarness({ logLines: lines });
    try {
      const db = g.server.runtime.dbh.db;
      // the disk is full, or the file is locked past the busy timeout: the inbox insert fails
      await db.run(sql`create trigger inbox_refused before insert on inbox begin select raise(abort, 'disk I/O error'); end`);
      const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助', token: TOKEN });
      const send = () => deliver(ev, ENCRYPT_KEY, { at: g.clock.now() });
      const first = send();
      const node = await rawPost(g.url + '/lark/events', first.body, first.headers);
      const s = send();
      const res = await g.server.runtime.app.request('http://localhost/lark/events', { method: 'POST', headers: s.headers, body: new TextEncoder().encode(s.body) });
      for (const a of [{ status: node.status, body: node.body }, { status: res.status, body: await res.json() }]) expect(a).toEqual({ status: 500, body: { error: 'internal error' } });
      const errors = lines.filter((l) => l.includes('http error'));
      expect(errors).toHaveLength(2);
      for (const l of errors) {
        expect(l).toContain('disk I/O error');
        expect(l).not.toContain(ev.header.event_id);
        expect(l).not.toContain('encrypt');
      }
      expect((await db.all<{ n: number }>(sql`select count(*) as n from inbox where event_id = ${ev.header.event_id}`))[0]!.n).toBe(0);
      // Lark pushes again after a failed answer: once storing works, the event is stored, handled and answered once
      await db.run(sql`drop trigger inbox_refused`);
      g.fake.seedMessage(ev.event.message.message_id, 'oc_xinhe_office');
      const again = send();
      expect((await rawPost(g.url + '/lark/events', again.body, again.headers)).status).toBe(200);
      await g.settle();
      expect(g.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
    } finally {
      await g.close();
    }
  });
});

describe('when the connection drops before the body is whole', () => {
  it('the Node mount stores nothing, the server stays up, and the redelivery is stored and answered once', async () => {
    const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助', token: TOKEN });
    h.fake.seedMessage(ev.event.message.message_id, 'oc_xinhe_office');
    const whole = deliver(ev, ENCRYPT_KEY, { at: at() });
    const bytes = Buffer.from(whole.body, 'utf8');
    // Lark's side goes away with half the declared body sent: the request never ends
    const u = new URL(h.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(u.port), u.hostname, () => {
        const head = Object.entries({ ...whole.headers, 'content-length': String(bytes.length) })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        socket.write(`POST /lark/events HTTP/1.1\r\nhost: ${u.host}\r\n${head}\r\n`);
        socket.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    const stored = async () => (await h.server.runtime.dbh.db.all<{ n: number }>(sql`select count(*) as n from inbox where event_id = ${ev.header.event_id}`))[0]!.n;
    expect(await stored()).toBe(0);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    // Lark pushes it again: stored, handled and replied to once
    const again = deliver(ev, ENCRYPT_KEY, { at: at() });
    expect((await rawPost(`${h.url}/lark/events`, again.body, again.headers)).status).toBe(200);
    await h.settle();
    expect(await stored()).toBe(1);
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
  });
});
