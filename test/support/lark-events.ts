// Builds Lark deliveries the way the Open Platform sends them: fixture payloads (test/fixtures), AES-encrypted with
// the encrypt key and signed over the raw body bytes.
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as T;
}

export function encrypt(key: string, plain: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

export function sign(timestamp: string, nonce: string, key: string, body: string): string {
  return createHash('sha256').update(timestamp + nonce + key + body).digest('hex');
}

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** An encrypted, signed delivery of `payload`, as Lark posts it. */
export function deliver(payload: unknown, key: string, opts: { at?: Date; nonce?: string; sign?: boolean } = {}): Delivery {
  const body = JSON.stringify({ encrypt: encrypt(key, JSON.stringify(payload)) });
  const timestamp = String(Math.floor((opts.at ?? new Date()).getTime() / 1000));
  const nonce = opts.nonce ?? randomUUID();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.sign !== false) {
    headers['x-lark-request-timestamp'] = timestamp;
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = sign(timestamp, nonce, key, body);
  }
  return { body, headers };
}

export interface MessageSpec {
  from: string;
  chat: string;
  text: string;
  chatType?: 'group' | 'p2p';
  /** @-mention the bot (default: true in groups) */
  mention?: boolean;
  eventId?: string;
  messageId?: string;
  token?: string;
}

/** An im.message.receive_v1 event from the real fixture, with sender, chat and text set. */
export function messageEvent(spec: MessageSpec): any {
  const chatType = spec.chatType ?? (spec.chat.startsWith('ou_') || spec.chat.startsWith('oc_p2p') ? 'p2p' : 'group');
  const mention = spec.mention ?? chatType === 'group';
  const ev = fixture(mention ? 'im.message.receive_v1.group_mention' : chatType === 'p2p' ? 'im.message.receive_v1.p2p' : 'im.message.receive_v1.group_no_mention');
  ev.header.event_id = spec.eventId ?? randomUUID().replace(/-/g, '');
  if (spec.token) ev.header.token = spec.token;
  ev.event.sender.sender_id.open_id = spec.from;
  ev.event.message.message_id = spec.messageId ?? `om_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  ev.event.message.chat_id = spec.chat;
  ev.event.message.chat_type = chatType;
  ev.event.message.message_type = 'text';
  ev.event.message.content = JSON.stringify({ text: mention ? `@_user_1 ${spec.text}` : spec.text });
  if (!mention) delete ev.event.message.mentions;
  return ev;
}
