// The Worker (src/worker.ts) under `wrangler dev`: local workerd, local D1 migrated from db/migrations, the plan applied
// through POST /admin/plan, the real Lark SDK talking to the fake Open Platform; then the shared scenarios that the Node
// suite runs too (test/scenarios/basic.ts). Skipped, with the reason, only where wrangler or workerd is not installed
// or cannot run at all; a Worker that does not start within the limit fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeLark, type FakeLark } from '../fake-lark/server.js';
import { sharedScenarios, type Driver } from '../scenarios/basic.js';
import { ENCRYPT_KEY, flatten, TOKEN } from '../support/harness.js';
import { deliver, messageEvent } from '../support/lark-events.js';
import { root, startWranglerDev, type WranglerDev } from './wrangler-dev.js';

const ADMIN = 'admin-test-token-0123456789abcdef0123';

const fake: FakeLark = await startFakeLark();
const started = await startWranglerDev({
  LARK_APP_ID: 'cli_test',
  LARK_APP_SECRET: 'secret',
  LARK_DOMAIN: fake.url,
  LARK_ENCRYPT_KEY: ENCRYPT_KEY,
  LARK_VERIFICATION_TOKEN: TOKEN,
  ADMIN_TOKEN: ADMIN,
  LOG_LEVEL: 'warn',
});
const skip = 'skip' in started ? started.skip : undefined;
const dev = skip ? undefined : (started as WranglerDev);
if (skip) console.warn(`Workers test skipped: ${skip}`);

afterAll(async () => {
  // DUBAN_SHOW_WRANGLER=1 prints what wrangler and the Worker logged, for debugging this test
  if (process.env.DUBAN_SHOW_WRANGLER) console.log(dev?.output());
  await dev?.close();
  await fake.close();
});

/** Waits for a condition on the fake, with wrangler's output in the message when it never holds. */
async function until(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nwrangler:\n${dev?.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const driver: Driver = {
  fake,
  async post(payload, o = {}) {
    const d = deliver(payload, ENCRYPT_KEY, { at: new Date(), sign: o.sign });
    return fetch(`${dev!.url}/lark/events`, { method: 'POST', headers: d.headers, body: d.body });
  },
  async say(spec) {
    const ev = messageEvent(spec);
    const messageId: string = ev.event.message.message_id;
    fake.seedMessage(messageId, spec.chat);
    const res = await driver.post(ev);
    // The answer comes first; the handling and the reply run in ctx.waitUntil after it.
    await until(`a reply to ${spec.text}`, () => fake.messages.some((m) => m.reply_to === messageId));
    return { status: res.status, messageId };
  },
  textsIn: (chat) => fake.messagesIn(chat).map((m) => flatten(m.content)),
  async scheduled(at) {
    // Miniflare's trigger route takes the scheduled time (wrangler's /__scheduled takes only the cron).
    const res = await fetch(`${dev!.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${at.getTime()}`);
    expect(res.status, `scheduled handler: ${await res.text()}\n${dev!.output().slice(-2000)}`).toBe(200);
  },
  admin: (method, path) => fetch(`${dev!.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } }),
};

describe.skipIf(Boolean(skip))(skip ? `the shared scenarios on Workers (skipped: ${skip.split('\n')[0]})` : 'the shared scenarios on Workers', () => {
  it('the plan is applied to D1 through POST /admin/plan with the admin token', async () => {
    const body = readFileSync(join(root, 'examples', 'xinhe.plan.yaml'), 'utf8');
    const refused = await fetch(`${dev!.url}/admin/plan`, { method: 'POST', headers: { authorization: 'Bearer wrong' }, body });
    expect(refused.status).toBe(401);
    const res = await fetch(`${dev!.url}/admin/plan`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body });
    const json = (await res.json()) as { ok: boolean; campaign: string };
    expect(res.status, JSON.stringify(json)).toBe(200);
    expect(json.campaign).toBe('新河周转房居住环境改善');
  });
  sharedScenarios(() => driver, { challenge: TOKEN });
});
