// Checks an inbound Lark request on its raw bytes: the signature headers over the raw body and the 5-minute timestamp
// window first, then decrypts {"encrypt": …}, then the verification token. The SDK's EventDispatcher checks neither
// token nor timestamp and hashes a re-serialised body (JSON.stringify of the parsed object), so these checks are ours. Decryption is the
// SDK's AESCipher scheme (AES-256-CBC, key = SHA-256 of the encrypt key, the IV in the first 16 bytes) on Buffers:
// the SDK's goes through a hex string twice the body's size (test/decrypt.test.ts proves both agree).
import * as crypto from 'node:crypto';
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { parseJsonBounded } from '../core/json-depth.js';

export interface VerifyOptions {
  encryptKey?: string;
  verificationToken?: string;
  now: Date;
  /** seconds either side of now that a request timestamp may be */
  windowSeconds?: number;
}

export type Verdict =
  | { ok: true; body: LarkBody; challenge?: string }
  | { ok: false; status: 400 | 401; reason: string };

export interface LarkBody {
  schema?: string;
  type?: string;
  token?: string;
  challenge?: string;
  header?: { event_id?: string; event_type?: string; token?: string; create_time?: string; app_id?: string; tenant_key?: string };
  event?: Record<string, unknown>;
  [k: string]: unknown;
}

type Headers = (name: string) => string | undefined;

const keys = new Map<string, Buffer>();

function aesKey(encryptKey: string): Buffer {
  let key = keys.get(encryptKey);
  if (!key) keys.set(encryptKey, (key = createHash('sha256').update(encryptKey).digest()));
  return key;
}

/**
 * One AES-256-CBC decipher for each encrypt key, kept running with no padding and never finished. CBC deciphers each
 * block with the block before it, and a message's IV is the block before its first: fed the IV and then the
 * ciphertext, its output after the first block is the message's plaintext with its padding, whatever it was fed
 * before. Making a Decipheriv for each event took about a third of decrypting one (`.exp/cbc.mjs`: 14.5–15.5 µs an
 * event of 1.3 KB against 9.0–11.1 µs). Fed only whole blocks, so nothing of one message is held over to the next.
 */
const running = new Map<string, crypto.Decipher>();

/**
 * The plaintext of Lark's `encrypt` field with its padding still on, or undefined when it cannot be AES-256-CBC (too
 * short, not whole blocks) or could not be deciphered.
 */
function paddedPlain(encryptKey: string, encrypted: string): Buffer | undefined {
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length < 32 || bytes.length % 16 !== 0) return undefined;
  let d = running.get(encryptKey);
  if (!d) {
    // (a process has one key; a test makes many)
    if (running.size >= 16) running.clear();
    d = createDecipheriv('aes-256-cbc', aesKey(encryptKey), Buffer.alloc(16)).setAutoPadding(false);
    running.set(encryptKey, d);
  }
  let out: Buffer | undefined;
  try {
    out = d.update(bytes);
  } catch {
    out = undefined;
  }
  // Without padding OpenSSL and BoringSSL (workerd) give back every whole block at once. Should a runtime hold one
  // back (or throw), its next message would be read with what it kept: that decipher goes, and this message is refused.
  if (out?.length !== bytes.length) return void running.delete(encryptKey);
  return out.subarray(16);
}

/** PKCS#7: the padding's length (the last byte n, 1–16, and the n bytes before the end all n), or 0 when it is not one. */
function paddingOf(padded: Buffer): number {
  const n = padded[padded.length - 1]!;
  let bad = n === 0 || n > 16 ? 1 : 0;
  // all 16 looked at every time: the same steps whether or not it checks out (openUnsigned)
  for (let i = 1; i <= 16; i++) bad |= i <= n ? padded[padded.length - i]! ^ n : 0;
  return bad ? 0 : n;
}

/** Lark's `encrypt` field in plain text: throws on a wrong key or bad base64 (the padding does not check out). */
export function decryptLark(encryptKey: string, encrypted: string): string {
  const padded = paddedPlain(encryptKey, encrypted);
  if (!padded) throw new Error('not an AES-256-CBC message');
  const n = paddingOf(padded);
  if (!n) throw new Error('bad padding');
  return padded.toString('utf8', 0, padded.length - n);
}

/**
 * node:crypto's one-shot hash (Node 20.12 and later, workerd since 2025): 1.7–2.1 µs for an 826-byte event against
 * 2.9–4.4 µs with a Hash object (two measurements), on every event answered. Older runtimes hash as before.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function signature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  if (oneShot) return oneShot('sha256', timestamp + nonce + encryptKey + rawBody, 'hex');
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The body as an object (a string says why not); a nesting past MAX_JSON_DEPTH is refused here, before anything stores or walks it. */
function parseObject(text: string): LarkBody | string | undefined {
  const v = parseJsonBounded(text);
  if (!v.ok) return v.reason === 'not JSON' ? undefined : v.reason;
  return v.value && typeof v.value === 'object' && !Array.isArray(v.value) ? (v.value as LarkBody) : undefined;
}

/** Lark's encrypted body, `{"encrypt":"<base64>"}`, read without parsing it as JSON (nothing else is in it). */
const ENCRYPTED = /^\s*\{\s*"encrypt"\s*:\s*"([A-Za-z0-9+/=]*)"\s*\}\s*$/;

export function verifyLarkRequest(raw: string, header: Headers, opts: VerifyOptions): Verdict {
  const sealed = opts.encryptKey ? ENCRYPTED.exec(raw) : null;
  const outer = sealed ? { encrypt: sealed[1]! } : parseObject(raw);
  if (!outer) return { ok: false, status: 400, reason: 'body is not a JSON object' };
  if (typeof outer === 'string') return { ok: false, status: 400, reason: outer };

  let body = outer;
  if ('encrypt' in outer && typeof outer.encrypt !== 'string') return { ok: false, status: 400, reason: 'encrypt must be a base64 string' };
  if (typeof outer.encrypt === 'string') {
    if (!opts.encryptKey) return { ok: false, status: 400, reason: 'encrypted body but LARK_ENCRYPT_KEY is not set' };
    const sig = header('x-lark-signature');
    if (sig) {
      // Signed: the signature over the raw (encrypted) body and its time window are checked before anything is
      // decrypted. A body that was tampered with is refused for its signature, whatever its ciphertext holds.
      const refused = badSignature(raw, header, sig, opts.encryptKey, opts);
      if (refused) return refused;
      const inner = open(opts.encryptKey, outer.encrypt);
      if (typeof inner === 'string') return { ok: false, status: 400, reason: inner };
      body = inner;
    } else {
      // Lark may send the url_verification request unsigned (decrypting it proves the sender holds the key); nothing
      // else may come so. Every other unsigned body gets one answer, whether or not it decrypts and whatever it holds:
      // telling "bad padding" apart from "decrypted, but unsigned" would let a sender who can capture an encrypted
      // event decrypt it block by block (a padding oracle). `openUnsigned` also takes the same steps either way: the
      // padding checked, then the text read as JSON.
      const inner = openUnsigned(opts.encryptKey, outer.encrypt);
      if (!inner || inner.type !== 'url_verification') return { ok: false, status: 401, reason: UNSIGNED };
      body = inner;
    }
  } else if (opts.encryptKey) {
    // With an encrypt key configured Lark always encrypts; a plain body did not come from Lark.
    return { ok: false, status: 401, reason: 'expected an encrypted body' };
  }

  const isChallenge = body.type === 'url_verification';
  if (opts.verificationToken) {
    const token = body.header?.token ?? body.token;
    if (typeof token !== 'string' || !sameHex(token, opts.verificationToken)) {
      return { ok: false, status: 401, reason: 'wrong verification token' };
    }
  }

  if (isChallenge) {
    if (typeof body.challenge !== 'string') return { ok: false, status: 400, reason: 'url_verification without challenge' };
    return { ok: true, body, challenge: body.challenge };
  }
  // Strings, as Lark sends them: the id becomes the inbox key, and an object there is no key at all.
  const h = body.header;
  if (!h || typeof h !== 'object' || typeof h.event_id !== 'string' || !h.event_id || typeof h.event_type !== 'string' || !h.event_type) {
    return { ok: false, status: 400, reason: 'not a schema 2.0 event (header.event_id and header.event_type are required)' };
  }
  return { ok: true, body: withoutToken(body) };
}

/** The one answer to an unsigned encrypted body that is not a url_verification (see verifyLarkRequest). */
export const UNSIGNED = 'missing signature headers (only url_verification may come unsigned)';

/** Why a signed request's signature headers do not check out over the raw body, or undefined when they do. */
function badSignature(raw: string, header: Headers, sig: string, encryptKey: string, opts: VerifyOptions): Verdict | undefined {
  const ts = header('x-lark-request-timestamp');
  const nonce = header('x-lark-request-nonce');
  if (!ts || !nonce) return { ok: false, status: 401, reason: 'missing signature headers' };
  if (!sameHex(signature(ts, nonce, encryptKey, raw), sig)) return { ok: false, status: 401, reason: 'bad signature' };
  const seconds = Number(ts);
  const window = opts.windowSeconds ?? 300;
  if (!Number.isFinite(seconds) || Math.abs(opts.now.getTime() / 1000 - seconds) > window) {
    return { ok: false, status: 401, reason: 'stale or future timestamp' };
  }
  return undefined;
}

/**
 * The longest unsigned ciphertext looked at, in base64 characters: a url_verification (challenge, token, type) is
 * about 250. Longer unsigned bodies are refused unread (their length is the sender's own choice and tells nothing).
 */
export const MAX_UNSIGNED = 1024;

/**
 * An unsigned body decrypted without a timing oracle: the padding is checked without throwing, and the plaintext is
 * read as JSON whether or not the padding checked out, so a bad padding and a good one take the same steps; only then
 * is a bad padding refused. Lengths are checked first: they depend on nothing secret.
 */
function openUnsigned(encryptKey: string, encrypted: string): LarkBody | undefined {
  if (encrypted.length > MAX_UNSIGNED) return undefined;
  const padded = paddedPlain(encryptKey, encrypted);
  if (!padded) return undefined;
  const n = paddingOf(padded);
  const inner = parseObject(padded.toString('utf8', 0, padded.length - n));
  return !n || !inner || typeof inner === 'string' ? undefined : inner;
}

/** The decrypted body as an object, or why not. */
function open(encryptKey: string, encrypted: string): LarkBody | string {
  let plain: string;
  try {
    plain = decryptLark(encryptKey, encrypted);
  } catch {
    return 'cannot decrypt body (wrong encrypt key or bad base64)';
  }
  const inner = parseObject(plain);
  if (!inner) return 'decrypted body is not a JSON object';
  return inner;
}

/** The event as it is stored in the inbox: checked, the verification token is no longer needed and is not kept. */
function withoutToken(body: LarkBody): LarkBody {
  const { token: _top, ...rest } = body;
  if (!rest.header || typeof rest.header !== 'object') return rest;
  const { token: _header, ...header } = rest.header;
  return { ...rest, header };
}
