// One seed for every fast-check property in a test process: random by default (every run tries new inputs), or
// FUZZ_SEED to replay a run. A failed test prints the seed, so a CI failure reproduces with `FUZZ_SEED=<seed> npx vitest run <file>`.
import fc from 'fast-check';
import { afterEach } from 'vitest';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.error(`random inputs of this run: FUZZ_SEED=${seed} replays them (test: ${ctx.task.name})`);
});
