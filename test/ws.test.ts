// LARK_MODE=ws: the SDK's WSClient asks the fake Open Platform for the long-connection endpoint, connects to its
// gateway, and the gateway pushes events as pbbp2 frames, as Lark's does. The same bot handles them: stored in the
// inbox before the frame is acknowledged, answered through the same outbox, a pushed-again event answered once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../db/schema.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture, messageEvent } from './support/lark-events.js';

let h: Harness;
// The SDK's WSClient refuses an app id not of Lark's form: cli_ and 16 hex digits.
const APP_ID = 'cli_a1b2c3d4e5f60718';
const OFFICE = 'oc_xinhe_office';

async function until(what: string, cond: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  h = await startHarness({ env: { LARK_MODE: 'ws', LARK_APP_ID: APP_ID } });
  await until('the long connection', () => h.fake.ws.clients() === 1);
});
afterAll(() => h?.close());

describe('ws mode (the SDK long connection)', () => {
  it('asks for the endpoint with the app id and secret, and connects', () => {
    expect(h.fake.ws.endpointCalls).toEqual([{ appId: APP_ID, ok: true }]);
    expect(h.fake.ws.clients()).toBe(1);
  });

  it('a pushed 帮助 is acknowledged with code 200, stored, and answered in the chat as a reply', async () => {
    const ev = messageEvent({ from: 'ou_chenbo', chat: OFFICE, text: '帮助' });
    h.fake.seedMessage(ev.event.message.message_id, OFFICE);
    expect(await h.fake.ws.push(ev)).toBe(200);
    // acknowledged only after the event was stored
    const rows = await h.server.runtime.dbh.db.select({ id: inbox.eventId }).from(inbox);
    expect(rows.map((r) => r.id)).toContain(ev.header.event_id);
    await h.settle();
    const replies = h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id);
    expect(replies).toHaveLength(1);
    expect(flatten(replies[0]!.content)).toContain('新河周转房居住环境改善');
  });

  it('the same event pushed three times is answered once', async () => {
    const ev = messageEvent({ from: 'ou_chenbo', chat: OFFICE, text: '进度' });
    h.fake.seedMessage(ev.event.message.message_id, OFFICE);
    for (let i = 0; i < 3; i++) expect(await h.fake.ws.push(ev)).toBe(200);
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
  });

  it('bot added to a chat over the long connection → the welcome card', async () => {
    const added = fixture('im.chat.member.bot.added_v1');
    added.header.event_id = `ws_added_${Date.now()}`;
    added.event.chat_id = 'oc_ws_new_chat';
    expect(await h.fake.ws.push(added)).toBe(200);
    await h.settle();
    expect(h.textsIn('oc_ws_new_chat').join('\n')).toContain('督办');
  });

  it('a wrong app secret gets no connection, and the server still serves HTTP', async () => {
    const bad = await startHarness({ env: { LARK_MODE: 'ws', LARK_APP_ID: APP_ID, LARK_APP_SECRET: 'wrong' }, plan: false });
    try {
      await until('the endpoint request', () => bad.fake.ws.endpointCalls.length > 0);
      expect(bad.fake.ws.endpointCalls[0]).toEqual({ appId: APP_ID, ok: false });
      expect(bad.fake.ws.clients()).toBe(0);
      expect((await fetch(`${bad.url}/healthz`)).status).toBe(200);
    } finally {
      await bad.close();
    }
  });
});
