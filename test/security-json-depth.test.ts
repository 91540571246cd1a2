// Issue 16, finding 9: a small body nested tens of thousands of levels deep is refused with 400 at parse, encrypted or
// not, instead of overflowing the stack when it is stored (a 500) — and nothing is stored.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPT_KEY, startHarness, TOKEN, type Harness } from './support/harness.js';
import { deliver, encrypt, messageEvent, sign } from './support/lark-events.js';

/** A real message event whose event object carries `levels` nested objects: {"x":{"x":…}}. */
function deepEvent(levels: number): string {
  const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助', token: TOKEN });
  const plain = JSON.stringify(ev);
  const deep = '{"x":'.repeat(levels) + '1' + '}'.repeat(levels);
  return plain.replace(/}$/, `,"deep":${deep}}`);
}

const inboxCount = async (h: Harness) => Number((await h.server.runtime.dbh.db.all<{ n: number }>(sql`select count(*) as n from inbox`))[0]!.n);

describe('deep JSON is refused with 400', () => {
  let signed: Harness;
  let unsigned: Harness;
  beforeAll(async () => {
    signed = await startHarness({ plan: false });
    unsigned = await startHarness({ plan: false, env: { LARK_ENCRYPT_KEY: '', LARK_ALLOW_UNSIGNED: '1' } });
  });
  afterAll(async () => {
    await signed.close();
    await unsigned.close();
  });

  it('a 240 KB plain body of 40,000 nested objects → 400, nothing stored', async () => {
    const body = deepEvent(40_000);
    expect(body.length).toBeGreaterThan(200_000);
    expect(body.length).toBeLessThan(256 * 1024);
    const res = await fetch(`${unsigned.url}/lark/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('nested');
    expect(await inboxCount(unsigned)).toBe(0);
  });

  it('the same nesting inside an encrypted, signed body → 400, nothing stored', async () => {
    const plain = deepEvent(30_000);
    // deliver() gives the time and nonce headers; the deep text is encrypted as it is and the signature made over it.
    const d = deliver({}, ENCRYPT_KEY, { at: signed.clock.now() });
    const body = JSON.stringify({ encrypt: encrypt(ENCRYPT_KEY, plain) });
    expect(body.length).toBeLessThan(256 * 1024);
    const headers = { ...d.headers, 'x-lark-signature': sign(d.headers['x-lark-request-timestamp']!, d.headers['x-lark-request-nonce']!, ENCRYPT_KEY, body) };
    const res = await fetch(`${signed.url}/lark/events`, { method: 'POST', headers, body });
    expect(res.status).toBe(400);
    expect(await inboxCount(signed)).toBe(0);
  });

  it('an ordinary event of ordinary depth is still accepted', async () => {
    const res = await signed.post(messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助', token: TOKEN }));
    expect(res.status).toBe(200);
  });
});
