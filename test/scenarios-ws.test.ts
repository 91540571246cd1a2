// The shared scenarios (test/scenarios/basic.ts) over the long connection: the SDK's WSClient connected to the fake
// gateway carries every chat event, so the webhook, the long connection and the Worker are held to one behaviour.
// url_verification is a webhook handshake and has no long-connection form; it is not run here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedScenarios, type Driver } from './scenarios/basic.js';
import { startHarness, type Harness } from './support/harness.js';
import { messageEvent } from './support/lark-events.js';

const ADMIN = 'admin-token-for-the-shared-scenarios-ws';
// The SDK's WSClient refuses an app id not of Lark's form: cli_ and 16 hex digits.
const APP_ID = 'cli_0a1b2c3d4e5f6789';
let h: Harness;
let d: Driver;

beforeAll(async () => {
  h = await startHarness({ env: { ADMIN_TOKEN: ADMIN, LARK_MODE: 'ws', LARK_APP_ID: APP_ID } });
  const end = Date.now() + 15_000;
  while (h.fake.ws.clients() !== 1) {
    if (Date.now() > end) throw new Error('the long connection did not come up');
    await new Promise((r) => setTimeout(r, 20));
  }
  d = {
    fake: h.fake,
    post: () => {
      throw new Error('no HTTP event posts in ws mode');
    },
    async say(spec) {
      const ev = messageEvent(spec);
      h.fake.seedMessage(ev.event.message.message_id, spec.chat);
      const code = await h.fake.ws.push(ev);
      await h.settle();
      return { status: code, messageId: ev.event.message.message_id };
    },
    textsIn: (chat) => h.textsIn(chat),
    async scheduled(at) {
      await h.server.runtime.runner.tick(at);
      await h.settle();
    },
    admin: (method, path) => fetch(`${h.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } }),
  };
});
afterAll(() => h?.close());

describe('the shared scenarios over the long connection', () => {
  it('/lark/* is not served in ws mode', async () => {
    expect((await fetch(`${h.url}/lark/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
  sharedScenarios(() => d);
});
