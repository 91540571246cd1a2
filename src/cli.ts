// The command line (`npm run cli -- …`, or the `duban` bin): plan apply, db migrate, and the commands later issues add.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { openSqlite, type DbHandle } from '../db/client.js';
import { hasLarkApp, loadConfig, type Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { commandLineClock } from './sandbox/clock.js';
import { applyPlanText, formatProblems } from './plan/apply.js';
import { createRuntime } from './runtime.js';
import { exportLedger, importLedger } from './ledger/xlsx.js';
import { exportReports } from './reports/export.js';
import { writeFile } from 'node:fs/promises';

const USAGE = `duban — 督办 command line

  duban plan apply FILE        create or update a campaign from a plan file (YAML or JSON); idempotent
  duban db migrate             create and migrate the database at DATABASE_PATH
  duban export ledger|reports [--campaign NAME] [--format xlsx|csv] [--out FILE]
                               the ledger (台账) or the progress reports, with the seeds' Chinese column headings
  duban import ledger FILE.xlsx|.csv --campaign NAME
                               the same columns back in; any unknown unit or bad date rejects the file, row and column named
  duban job list               the jobs, their schedules, last and next runs
  duban job run NAME [--at ISO-8601]
                               run one job now (or as if the clock read --at), through the same exactly-once
                               ledger as the scheduler; delivers what it queued before it exits

Environment: DATABASE_PATH (default ./data/duban.db). See README.md.`;

/** The clock what the command line writes is dated by: real time, or in sandbox mode the sandbox's start when earlier. */
async function recordsClock(config: Config, dbh: DbHandle): Promise<Clock> {
  return hasLarkApp(config) ? systemClock : commandLineClock(dbh.db, process.env.SANDBOX_START || undefined, systemClock);
}

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
      const res = await applyPlanText(dbh, text, await recordsClock(config, dbh));
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
  const flag = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (cmd === 'export' && (sub === 'ledger' || sub === 'reports')) {
    const format = (flag('format') ?? (flag('out')?.endsWith('.csv') ? 'csv' : 'xlsx')) as 'xlsx' | 'csv';
    if (format !== 'xlsx' && format !== 'csv') {
      err('--format is xlsx or csv');
      return 2;
    }
    const dbh = openSqlite(config.DATABASE_PATH);
    try {
      const opts = { campaignName: flag('campaign'), format };
      const bytes = sub === 'ledger' ? await exportLedger(dbh, opts) : await exportReports(dbh, opts);
      const outFile = flag('out') ?? `${sub === 'ledger' ? '台账' : '进度专报'}.${format}`;
      await writeFile(outFile, bytes);
      out(`wrote ${outFile} (${bytes.length} bytes)`);
      return 0;
    } catch (e) {
      err((e as Error).message);
      return 1;
    } finally {
      dbh.close();
    }
  }
  if (cmd === 'import' && sub === 'ledger') {
    const file = rest.find((a, i) => !a.startsWith('--') && !rest[i - 1]?.startsWith('--'));
    const campaign = flag('campaign');
    if (!file || !campaign) {
      err('usage: duban import ledger FILE.xlsx --campaign NAME');
      return 2;
    }
    const dbh = openSqlite(config.DATABASE_PATH);
    try {
      const res = await importLedger(dbh, campaign, await readFile(file), { now: (await recordsClock(config, dbh)).now() });
      if (!res.ok) {
        err(`${file} rejected; nothing was written. ${res.problems.length} problem(s):\n${res.problems.map((p) => `  row ${p.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`).join('\n')}`);
        return 1;
      }
      out(`imported ${file}: ${res.added} added, ${res.updated} updated`);
      return 0;
    } finally {
      dbh.close();
    }
  }
  if (cmd === 'job' && (sub === 'list' || sub === 'run')) {
    const rt = createRuntime({ config: { ...config, LOG_LEVEL: 'warn' } });
    try {
      if (sub === 'list') {
        const { calendar, jobs } = await rt.runner.list();
        for (const j of jobs) {
          out(`${j.name.padEnd(20)} ${j.schedule}\n${' '.repeat(21)}last run: ${j.lastRun ?? 'never'} (${j.runs} occasions)   next: ${j.next ?? '—'}`);
          if (j.changes.length) out(`${' '.repeat(21)}changed by the plan: ${j.changes.join('; ')}`);
        }
        out(`calendar: ${calendar}`);
        return 0;
      }
      const name = rest[0];
      const atIdx = rest.indexOf('--at');
      const at = atIdx >= 0 ? new Date(rest[atIdx + 1] ?? '') : systemClock.now();
      if (!name || Number.isNaN(at.getTime())) {
        err('usage: duban job run NAME [--at 2026-11-27T09:00:00+08:00]');
        return 2;
      }
      if (!rt.runner.job(name)) {
        err(`no job "${name}". Jobs: ${rt.runner.deps.jobs.map((j) => j.name).join(', ')}`);
        return 2;
      }
      const results = await rt.runner.runNow(name, at);
      await rt.sender.drain(120_000);
      for (const r of results) out(`${r.job} ${r.campaign} ${r.period || '(no occasion)'}: ${r.outcome}${r.posts ? `, ${r.posts} message(s) queued and delivered` : ''}`);
      const left = await rt.sender.pendingCount();
      if (left) err(`${left} message(s) still waiting for Lark; a running server delivers them.`);
      return 0;
    } finally {
      await rt.close();
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
