// Inbound decryption (src/lark/verify.ts decryptLark) agrees with the SDK's AESCipher on every text, and refuses what
// the SDK's would refuse: our Buffer path replaced its hex round trip on the answer path (issue 19).
import { AESCipher } from '@larksuiteoapi/node-sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptLark, MAX_UNSIGNED, UNSIGNED, verifyLarkRequest } from '../src/lark/verify.js';
import { encrypt, messageEvent, sign } from './support/lark-events.js';

const attempt = (fn: () => string) => {
  try {
    return { ok: true as const, text: fn() };
  } catch {
    return { ok: false as const };
  }
};

describe('decryptLark', () => {
  it('gives back every text the SDK gives back, with any key (Chinese, emoji, empty, long)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.oneof(fc.string({ maxLength: 2000 }), fc.string({ unit: 'grapheme', maxLength: 300 })), (key, text) => {
        const sealed = encrypt(key, text);
        expect(decryptLark(key, sealed)).toBe(text);
        expect(decryptLark(key, sealed)).toBe(new AESCipher(key).decrypt(sealed));
      }),
      { numRuns: 300 },
    );
  });

  it('a character split between the last two blocks comes back whole (the text is decoded as it is deciphered)', () => {
    // 0–47 bytes before three-byte and four-byte characters put one across each place a block can end, the last included
    for (let pad = 0; pad < 48; pad++) {
      const text = `${'a'.repeat(pad)}督办台账😀进展`;
      expect(decryptLark('k-split', encrypt('k-split', text))).toBe(text);
    }
  });

  it('a wrong key, a cut message or no base64 at all: refused where the SDK refuses, never a different text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 200 }), fc.nat(120), (key, other, text, cut) => {
        const sealed = encrypt(key, text);
        for (const [k, msg] of [
          [other, sealed],
          [key, sealed.slice(0, cut)],
          [key, `${sealed.slice(0, cut)}!!${sealed.slice(cut)}`],
        ] as const) {
          const ours = attempt(() => decryptLark(k, msg));
          const sdk = attempt(() => new AESCipher(k).decrypt(msg));
          if (ours.ok) expect(sdk).toEqual(ours);
        }
      }),
      { numRuns: 300 },
    );
    expect(() => decryptLark('k', '')).toThrow();
    expect(() => decryptLark('k', 'not base64 at all')).toThrow();
  });
});

describe('one decipher kept running for each key', () => {
  // decryptLark feeds every message of a key, IV first, to one running decipher: what came before must never show.
  it('messages of two keys one after another, with garbage, cut and wrong-key ones between: each good one comes back as it was', () => {
    const keys = ['k-run-a', 'k-run-b'];
    const message = fc.record({ key: fc.constantFrom(...keys), text: fc.string({ maxLength: 300 }), spoil: fc.constantFrom('none', 'wrong key', 'cut a block', 'cut a byte', 'garbage', 'short garbage', 'not base64', 'flip last') });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 30 }), fc.uint8Array({ minLength: 48, maxLength: 48 }), (msgs, junk) => {
        for (const m of msgs) {
          const sealed = encrypt(m.key, m.text);
          const bytes = Buffer.from(sealed, 'base64');
          const sent =
            m.spoil === 'wrong key' ? encrypt(`${m.key}-other`, m.text)
            : m.spoil === 'cut a block' ? bytes.subarray(0, bytes.length - 16).toString('base64')
            : m.spoil === 'cut a byte' ? bytes.subarray(0, bytes.length - 1).toString('base64')
            : m.spoil === 'garbage' ? Buffer.from(junk).toString('base64')
            : m.spoil === 'short garbage' ? Buffer.from(junk.subarray(0, 37)).toString('base64')
            : m.spoil === 'not base64' ? `${sealed.slice(0, 20)}!!é ${sealed.slice(20)}`
            : m.spoil === 'flip last' ? Buffer.concat([bytes.subarray(0, -1), Buffer.from([bytes[bytes.length - 1]! ^ 0x55])]).toString('base64')
            : sealed;
          const ours = attempt(() => decryptLark(m.key, sent));
          if (m.spoil === 'none') expect(ours).toEqual({ ok: true, text: m.text });
          // a spoilt one: refused, or (a wrong key whose padding happens to check out) what the SDK reads too
          else if (ours.ok) expect(ours.text).toBe(new AESCipher(m.key).decrypt(sent));
          // and the good message right after it is read whole
          expect(decryptLark(m.key, sealed)).toBe(m.text);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('the encrypted body read without JSON.parse', () => {
  // The common form {"encrypt":"…"} is read by a pattern; any other spelling goes through JSON.parse. Both must agree.
  it('any spacing of the envelope, or an extra field, gives the same verdict and the same event', () => {
    const key = 'k-envelope';
    const ev = messageEvent({ from: 'ou_a', chat: 'oc_a', chatType: 'p2p', text: '帮助', token: 'tok' });
    const sealed = encrypt(key, JSON.stringify(ev));
    const ws = fc.constantFrom('', ' ', '\n', '\t ', '\r\n  ');
    fc.assert(
      fc.property(ws, ws, ws, ws, ws, fc.boolean(), (a, b, c, d, e, extra) => {
        const raw = `${a}{${b}"encrypt"${c}:${d}${JSON.stringify(sealed)}${extra ? ',"x":1' : ''}${e}}${a}`;
        const ts = String(Math.floor(Date.now() / 1000));
        const headers: Record<string, string> = { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': sign(ts, 'n', key, raw) };
        const v = verifyLarkRequest(raw, (n) => headers[n], { encryptKey: key, verificationToken: 'tok', now: new Date() });
        expect(v.ok).toBe(true);
        if (v.ok) expect(v.body.header?.event_id).toBe(ev.header.event_id);
        // the signature covers the raw text as sent, whichever way it was read
        const forged = verifyLarkRequest(`${raw} `, (n) => headers[n], { encryptKey: key, verificationToken: 'tok', now: new Date() });
        expect(forged).toMatchObject({ ok: false, status: 401, reason: 'bad signature' });
      }),
      { numRuns: 100 },
    );
  });
});

describe('unsigned bodies (only url_verification may come so)', () => {
  const key = 'k-unsigned';
  const none = () => undefined;
  const check = (encrypted: string) => verifyLarkRequest(JSON.stringify({ encrypt: encrypted }), none, { encryptKey: key, verificationToken: 'tok', now: new Date() });
  const UNSIGNED_401 = { ok: false, status: 401, reason: UNSIGNED };

  it('an unsigned url_verification is answered with its challenge, whatever the challenge holds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (challenge) => {
        expect(check(encrypt(key, JSON.stringify({ challenge, token: 'tok', type: 'url_verification' })))).toMatchObject({ ok: true, challenge });
      }),
      { numRuns: 200 },
    );
  });

  it('a changed byte, random blocks, any other plaintext: the one 401, whether or not the padding checks out', () => {
    const challenge = encrypt(key, JSON.stringify({ challenge: 'c-1', token: 'tok', type: 'url_verification' }));
    const bytes = Buffer.from(challenge, 'base64');
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (i, flip) => {
        const changed = Buffer.from(bytes);
        changed[i]! ^= flip;
        const v = check(changed.toString('base64'));
        // never the challenge it was; a changed last block garbles the padding or the JSON's end: the one 401. (A
        // changed IV changes one byte of the first block, which may still read as a url_verification with another
        // challenge, or none: that answer is about a url_verification, which holds nothing secret.)
        if (v.ok) expect(v.challenge).not.toBe('c-1');
        if (i >= bytes.length - 16) expect(v).toEqual(UNSIGNED_401);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 400 }), fc.string({ maxLength: 300 }), (random, plain) => {
        const blocks = Buffer.from(random.subarray(0, random.length - (random.length % 16)));
        if (blocks.length >= 32) expect(check(blocks.toString('base64'))).toEqual(UNSIGNED_401);
        // a well-padded plaintext that is not a url_verification: the same answer as garbage
        if (!plain.includes('url_verification')) expect(check(encrypt(key, plain))).toEqual(UNSIGNED_401);
      }),
      { numRuns: 300 },
    );
  });

  it('an unsigned ciphertext past MAX_UNSIGNED is refused unread, even a real url_verification', () => {
    const long = encrypt(key, JSON.stringify({ challenge: 'x'.repeat(MAX_UNSIGNED), token: 'tok', type: 'url_verification' }));
    expect(long.length).toBeGreaterThan(MAX_UNSIGNED);
    expect(check(long)).toEqual(UNSIGNED_401);
    // signed, the same body is read: only unsigned bodies are capped
    const raw = JSON.stringify({ encrypt: long });
    const ts = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': sign(ts, 'n', key, raw) };
    expect(verifyLarkRequest(raw, (n) => headers[n], { encryptKey: key, verificationToken: 'tok', now: new Date() })).toMatchObject({ ok: true });
  });
});
