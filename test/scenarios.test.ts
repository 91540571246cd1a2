// The shared scenarios (test/scenarios/basic.ts) against the Node server; test/workers/worker.test.ts runs the same
// ones against the Worker, so both targets are held to one behaviour.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { adminRunDelivered, challengeAnswered, cronAfterEventsDelivered, helpAnswered, ledgerExported, reminderSentOnce, reportSeenByStatus, twoTicksOneCopy, type Driver } from './scenarios/basic.js';
import { startHarness, TOKEN, type Harness } from './support/harness.js';

const ADMIN = 'admin-token-for-the-shared-scenarios';
let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness({ env: { ADMIN_TOKEN: ADMIN } });
  d = {
    fake: h.fake,
    post: (payload, o) => h.post(payload, o),
    say: (spec) => h.say(spec),
    textsIn: (chat) => h.textsIn(chat),
    async scheduled(at) {
      // What node-cron does each minute, with the minute given.
      await h.server.runtime.runner.tick(at);
      await h.settle();
    },
    admin: (method, path) => fetch(`${h.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } }),
  };
});
afterAll(() => h.close());

describe('the shared scenarios on Node', () => {
  it('url_verification is answered with the challenge', () => challengeAnswered(d, TOKEN));
  it('a signed, encrypted 帮助 is answered in the chat', () => helpAnswered(d));
  it('a 汇报 is stored and seen by 进度', () => reportSeenByStatus(d));
  it('a scheduled trigger twice at the reminder minute sends the report reminder once', () => reminderSentOnce(d));
  it('导出 台账 builds the xlsx and uploads it to the chat', () => ledgerExported(d));
  it('chat, then an admin job run: its posts are delivered', () => adminRunDelivered(d));
  it('chat, then a cron tick: its posts are delivered within 5 s', () => cronAfterEventsDelivered(d));
  it('two cron ticks at once: one copy each', () => twoTicksOneCopy(d));
});
