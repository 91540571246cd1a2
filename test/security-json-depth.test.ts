// Issue 16, finding 9: a small body nested tens of thousands of levels deep is refused with 400 at parse, encrypted or
// not, instead of overflowing the stack when it is stored (a 500) — and nothing is stored.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPT_KEY, startHarness, TOKEN, type Harness } from './support/harness.js';
import { deliver, encrypt, messageEvent, sign } from './support/lark-events.js';
import { fewBrackets, jsonDepth, MAX_JSON_DEPTH, parseJsonBounded } from '../src/core/json-depth.js';

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

describe('the bracket count that lets most texts skip the depth walk', () => {
  // fewBrackets(text, n) may only say "cannot nest deeper than n" when that is so: then parseJsonBounded's verdict is
  // the same as if it had walked the text.
  it('never says a text is shallow when jsonDepth finds it deeper than the limit (fast-check)', () => {
    const piece = fc.constantFrom('{', '}', '[', ']', '"', '\\', '"{"', '"["', '1', ',', ':', '"a":', ' ', '{"x":', '[[');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 120 }).map((p) => p.join('')), fc.integer({ min: 0, max: 12 }), (text, limit) => {
        if (fewBrackets(text, limit)) expect(jsonDepth(text, limit)).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same verdict as the walk alone on JSON values and on deep nesting', () => {
    const walked = (text: string, max: number) => (jsonDepth(text, max) > max ? 'deep' : 'ok');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 10 }), (value, max) => {
        const text = JSON.stringify(value);
        const v = parseJsonBounded(text, max);
        expect(v.ok ? 'ok' : 'deep').toBe(walked(text, max));
      }),
      { numRuns: 2000 },
    );
    for (const levels of [63, 64, 65, 200]) {
      const text = '{"x":'.repeat(levels) + '1' + '}'.repeat(levels);
      expect(parseJsonBounded(text).ok).toBe(levels <= MAX_JSON_DEPTH);
    }
  });
});
