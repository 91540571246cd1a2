// The command line (`npm run cli -- …`, or the `duban` bin): plan apply, db migrate, and the commands later issues add.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { openSqlite } from '../db/client.js';
import { loadConfig } from './config.js';
import { systemClock } from './core/clock.js';
import { applyPlanText, formatProblems } from './plan/apply.js';

const USAGE = `duban — 督办 command line

  duban plan apply FILE        create or update a campaign from a plan file (YAML or JSON); idempotent
  duban db migrate             create and migrate the database at DATABASE_PATH

Environment: DATABASE_PATH (default ./data/duban.db). See README.md.`;

export async function main(argv: string[], out = (s: string) => process.stdout.write(s + '\n'), err = (s: string) => process.stderr.write(s + '\n')): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  const config = loadConfig();
  if (cmd === 'plan' && sub === 'apply') {
    const file = rest[0];
    if (!file) {
      err('usage: duban plan apply FILE');
      return 2;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      err(`cannot read ${file}: ${(e as Error).message}`);
      return 2;
    }
    const dbh = openSqlite(config.DATABASE_PATH);
    try {
      const res = await applyPlanText(dbh, text, systemClock);
      if (!res.ok) {
        err(`plan ${file} rejected; nothing was written. ${res.problems.length} problem(s):\n${formatProblems(res.problems)}`);
        return 1;
      }
      out(res.changes.length ? `campaign ${res.campaign}: ${res.changes.length} change(s)\n${res.changes.map((c) => '  ' + c).join('\n')}` : `campaign ${res.campaign}: no changes`);
      return 0;
    } finally {
      dbh.close();
    }
  }
  if (cmd === 'db' && sub === 'migrate') {
    openSqlite(config.DATABASE_PATH).close();
    out(`database ${config.DATABASE_PATH} is migrated`);
    return 0;
  }
  (cmd ? err : out)(USAGE);
  return cmd && cmd !== 'help' && cmd !== '--help' ? 2 : 0;
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
