// POST /lark/events: the challenge, and every way a request is refused with nothing stored.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPT_KEY, startHarness, TOKEN, type Harness } from './support/harness.js';
import { deliver, encrypt, fixture, messageEvent, sign } from './support/lark-events.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const inboxCount = async () => Number((await h.server.runtime.dbh.db.all<{ n: number }>(sql`select count(*) as n from inbox`))[0]!.n);
const raw = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${h.url}/lark/events`, { method: 'POST', body, headers });

describe('url verification', () => {
  it('answers an encrypted challenge without signature headers, as Lark sends it', async () => {
    const res = await h.post({ ...fixture<Record<string, unknown>>('url_verification'), token: TOKEN }, { sign: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: fixture('url_verification').challenge });
  });

  it('refuses a challenge with the wrong token', async () => {
    const res = await h.post({ ...fixture<Record<string, unknown>>('url_verification'), token: 'nope' }, { sign: false });
    expect(res.status).toBe(401);
  });
});

describe('refusals store nothing', () => {
  it('bad signature → 401', async () => {
    const before = await inboxCount();
    const d = deliver(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' }), ENCRYPT_KEY, { at: h.clock.now() });
    d.headers['x-lark-signature'] = sign(d.headers['x-lark-request-timestamp']!, d.headers['x-lark-request-nonce']!, 'another-key', d.body);
    expect((await raw(d.body, d.headers)).status).toBe(401);
    expect(await inboxCount()).toBe(before);
  });

  it('a signature over a different body → 401 (the signature covers the raw bytes)', async () => {
    const before = await inboxCount();
    const d = deliver(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' }), ENCRYPT_KEY, { at: h.clock.now() });
    const other = deliver(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' }), ENCRYPT_KEY, { at: h.clock.now() });
    expect((await raw(other.body, d.headers)).status).toBe(401);
    expect(await inboxCount()).toBe(before);
  });

  it('stale timestamp (6 minutes old) → 401, and one from the future too', async () => {
    const before = await inboxCount();
    const ev = () => messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
    const old = await h.post(ev(), { at: new Date(h.clock.now().getTime() - 6 * 60_000) });
    const future = await h.post(ev(), { at: new Date(h.clock.now().getTime() + 6 * 60_000) });
    expect([old.status, future.status]).toEqual([401, 401]);
    expect(await inboxCount()).toBe(before);
  });

  it('a timestamp 4 minutes old is inside the window', async () => {
    const res = await h.post(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' }), { at: new Date(h.clock.now().getTime() - 4 * 60_000) });
    expect(res.status).toBe(200);
  });

  it('wrong verification token → 401', async () => {
    const before = await inboxCount();
    const res = await h.post(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助', token: 'forged' }));
    expect(res.status).toBe(401);
    expect(await inboxCount()).toBe(before);
  });

  it('missing signature headers on an event → 401', async () => {
    const res = await h.post(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' }), { sign: false });
    expect(res.status).toBe(401);
  });

  it('an unencrypted body when an encrypt key is set → 401', async () => {
    const before = await inboxCount();
    expect((await raw(JSON.stringify(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' })))).status).toBe(401);
    expect(await inboxCount()).toBe(before);
  });

  it('malformed JSON, bad base64, wrong key → 400; the server stays healthy', async () => {
    expect((await raw('{not json')).status).toBe(400);
    expect((await raw('[1,2]')).status).toBe(400);
    // unsigned: refused for that, whatever the ciphertext (the next test)
    expect((await raw(JSON.stringify({ encrypt: '%%%not base64%%%' }))).status).toBe(401);
    expect((await raw(JSON.stringify({ encrypt: encrypt('wrong-key', '{"a":1}') }))).status).toBe(401);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('unsigned encrypted bodies other than url_verification get one answer, whether or not they decrypt (no padding oracle)', async () => {
    const event = JSON.stringify(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助', token: TOKEN }));
    const good = Buffer.from(encrypt(ENCRYPT_KEY, event), 'base64');
    // the last ciphertext block changed: its padding no longer checks out (or, by chance, it does): either way the same
    const badPadding = Buffer.from(good);
    badPadding[badPadding.length - 1]! ^= 0x5a;
    const bodies = [
      encrypt('wrong-key', event),
      badPadding.toString('base64'),
      good.toString('base64'),
      encrypt(ENCRYPT_KEY, 'not json'),
      encrypt(ENCRYPT_KEY, JSON.stringify({ type: 'event_callback', token: TOKEN })),
      Buffer.alloc(48, 1).toString('base64'),
      'AAAA',
    ];
    const before = await inboxCount();
    const answers = await Promise.all(bodies.map(async (e) => {
      const res = await raw(JSON.stringify({ encrypt: e }));
      return { status: res.status, body: await res.json() };
    }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ status: 401, body: { error: 'missing signature headers (only url_verification may come unsigned)' } });
    expect(await inboxCount()).toBe(before);
  });

  it('a signed body whose ciphertext was changed → 401 for the signature, before anything is decrypted', async () => {
    const d = deliver(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' }), ENCRYPT_KEY, { at: h.clock.now() });
    const { encrypt: e } = JSON.parse(d.body) as { encrypt: string };
    for (const i of [0, 20, e.length - 6]) {
      const changed = e.slice(0, i) + (e[i] === 'A' ? 'B' : 'A') + e.slice(i + 1);
      const res = await raw(JSON.stringify({ encrypt: changed }), d.headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'bad signature' });
    }
  });

  it('a huge body → 413', async () => {
    const res = await raw(JSON.stringify({ encrypt: 'A'.repeat(400 * 1024) }));
    expect(res.status).toBe(413);
  });
});
