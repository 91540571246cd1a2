// Builds the Node server and CLI from TypeScript into dist/ (esbuild: one ESM bundle per entry, npm packages left
// external, heavy modules that the code imports dynamically split into chunks loaded on first use). `npm start` runs
// it when a source file is newer than the last build, so a fresh clone still starts with one command.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stampFile = join(dist, '.built-from');
const SOURCES = ['src', 'commands', 'jobs', 'db', 'package-lock.json'];

/** The newest modification time of the sources, in ms. */
function newestSource() {
  let newest = 0;
  const walk = (p) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const s of SOURCES) if (existsSync(join(root, s))) walk(join(root, s));
  return newest;
}

export function isStale() {
  if (!existsSync(stampFile) || !existsSync(join(dist, 'server.js'))) return true;
  return Number(readFileSync(stampFile, 'utf8')) < newestSource();
}

export async function build() {
  const started = Date.now();
  const { build: esbuild } = await import('esbuild');
  const newest = newestSource();
  rmSync(dist, { recursive: true, force: true });
  await esbuild({
    absWorkingDir: root,
    entryPoints: { server: 'src/server.ts', cli: 'src/cli.ts' },
    outdir: 'dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // The bundle lives in dist/, so paths the code takes from its own file land here: db/client.ts's `migrations`,
  // the sandbox's `assets` (src/runtime.ts's project root is dist/.., the same as src/..).
  cpSync(join(root, 'db', 'migrations'), join(dist, 'migrations'), { recursive: true });
  cpSync(join(root, 'src', 'sandbox', 'assets'), join(dist, 'assets'), { recursive: true });
  mkdirSync(dist, { recursive: true });
  writeFileSync(stampFile, String(newest));
  return Date.now() - started;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ms = await build();
  process.stdout.write(`built dist/ in ${ms} ms\n`);
}
