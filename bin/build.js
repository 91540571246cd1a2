// Builds the Node server and CLI from TypeScript into dist/ (esbuild: one ESM bundle per entry with the pure-JavaScript
// packages in it, heavy modules that the code imports dynamically split into chunks loaded on first use; the Lark SDK
// reprinted as one-byte text into dist/vendor/). `npm start` runs it when a source file, package-lock.json or this
// recipe is newer than the last build, so a fresh clone still starts with one command.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stampFile = join(dist, '.built-from');
const SOURCES = ['src', 'commands', 'jobs', 'db', 'package-lock.json', 'bin/build.js'];

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

/** Where the build puts the reprinted Lark SDK, relative to dist/. */
const LARK_SDK = 'vendor/lark-node-sdk.cjs';

/** Imports of the Lark SDK load the reprinted copy (its own imports still resolve from node_modules). */
const larkSdkReprinted = {
  name: 'lark-sdk-reprinted',
  setup(b) {
    b.onResolve({ filter: /^@larksuiteoapi\/node-sdk$/ }, () => ({ path: `./${LARK_SDK}`, external: true }));
  },
};

/**
 * Escapes what esbuild's ascii charset leaves as it is: the Chinese in regular expression literals (the parsers' words),
 * so the whole file is one-byte text. `\uXXXX` is the same UTF-16 unit in a regex literal with or without the u flag
 * (a surrogate pair of escapes is one code point under u), and an identity escape `\中` becomes `\u4e2d`. Strings
 * and identifiers are already escaped; a tagged template's raw text would change (the code has none with Chinese).
 */
export function asciiOnly(js) {
  return js.replace(/(\\*)([^\x00-\x7f])/g, (_, slashes, ch) => `${slashes.length % 2 ? slashes.slice(1) : slashes}\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
  // The Lark SDK is one 6 MB file whose comments are in Chinese, so V8 keeps its source as two-byte text (12 MB of
  // heap, held for lazy compilation). Reprinted without comments or indentation and with non-ASCII escaped it is
  // 1.9 MB of one-byte text; the code is the SDK's own, unchanged (no renaming, no bundling of its dependencies).
  await esbuild({
    absWorkingDir: root,
    entryPoints: [createRequire(import.meta.url).resolve('@larksuiteoapi/node-sdk')],
    outfile: join(dist, LARK_SDK),
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    charset: 'ascii',
    minifyWhitespace: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  await esbuild({
    absWorkingDir: root,
    entryPoints: { server: 'src/server.ts', cli: 'src/cli.ts', 'handler-thread': 'src/handler-thread.ts' },
    outdir: 'dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The pure-JavaScript packages are bundled: what the server does not use is left out (zod's other locales, …) and
    // what it uses loads as one file. Left as packages: the native driver, the heavy report writers loaded on first
    // use, node-cron (it forks its own files), the build tool, and the Lark SDK (reprinted above).
    external: ['better-sqlite3', 'exceljs', 'docx', 'node-cron', 'esbuild', 'tsx'],
    // bundled CommonJS packages call require(), which an ES module does not have: each output file makes its own
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // One-byte output: V8 keeps a script's source for lazy compilation, as two-byte text if one character needs it.
    charset: 'ascii',
    // stack traces need the mappings only; the sources are in the repository (Node keeps a loaded map in memory)
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [larkSdkReprinted],
  });
  for (const f of readdirSync(dist)) if (f.endsWith('.js')) writeFileSync(join(dist, f), asciiOnly(readFileSync(join(dist, f), 'utf8')));
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
