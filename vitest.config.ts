import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // fast-check's seed, printed when a test fails (FUZZ_SEED replays it)
    setupFiles: ['test/support/fuzz-seed.ts'],
  },
});
