// The slow reliability suite (npm run test:reliability): redelivery, crashes and Open Platform outages at volume.
// Each file starts its own servers and fakes; files run in separate forked processes, all at once.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    // Three files at once on 2 cores: the outage and crash files spend most of their time waiting on timers.
    maxWorkers: 3,
    // Nothing here is flaky by design; a retry would hide a lost or duplicated message.
    retry: 0,
  },
});
