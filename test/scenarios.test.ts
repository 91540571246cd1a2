// The shared scenarios (test/scenarios/basic.ts) against the Node server; test/workers/worker.test.ts runs the same
// ones against the Worker, so both targets are held to one behaviour.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sharedScenarios, type Driver } from './scenarios/basic.js';
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
  sharedScenarios(() => d, { challenge: TOKEN });
});
