#!/usr/bin/env node
// The `duban` command: runs the CLI from compiled JavaScript (dist/cli.js), building it first when a source is newer
// (bin/build.js), so it starts as fast as the server does and needs no build step by hand.
import { build, isStale } from './build.js';

process.setSourceMapsEnabled(true);
if (isStale()) await build();
const { main } = await import('../dist/cli.js');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
