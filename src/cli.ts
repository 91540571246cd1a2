// The command line (`npm run cli -- …`, or the `duban` bin): finds the subcommand (src/cli/commands.ts), parses its
// options with node:util parseArgs (unknown options are refused), and answers `--help` for each subcommand.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SUBCOMMANDS, type Io } from './cli/commands.js';
import { loadConfig } from './config.js';

const USAGE = `duban — 督办 command line

${Object.values(SUBCOMMANDS)
  .map((s) => `  ${s.usage}`)
  .join('\n')}

Each subcommand answers --help. Environment: DATABASE_PATH (default ./data/duban.db). See README.md.`;

export async function main(argv: string[], out: (s: string) => void = (s) => void process.stdout.write(s + '\n'), err: (s: string) => void = (s) => void process.stderr.write(s + '\n')): Promise<number> {
  const io: Io = { out, err };
  const [group, name] = argv;
  const sub = SUBCOMMANDS[`${group} ${name}`];
  if (!sub) {
    const asked = !group || group === 'help' || group === '--help' || group === '-h';
    (asked ? out : err)(USAGE);
    return asked ? 0 : 2;
  }
  let args;
  try {
    args = parseArgs({ args: argv.slice(2), options: { ...sub.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    err(`${(e as Error).message}\nusage: ${sub.usage}`);
    return 2;
  }
  if (args.values.help) {
    out(`usage: ${sub.usage}\n\n${sub.help}`);
    return 0;
  }
  return sub.run(args, loadConfig(), io);
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
