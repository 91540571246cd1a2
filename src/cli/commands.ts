// The subcommands of the command line: each with its usage, its help, its options (parsed by node:util parseArgs in
// src/cli.ts) and what it does. Exit codes: 0 done, 1 refused (a bad plan or file), 2 a usage error.
import { readFile, writeFile } from 'node:fs/promises';
import type { ParseArgsConfig } from 'node:util';
import { openSqlite, type DbHandle } from '../../db/client.js';
import { hasLarkApp, type Config } from '../config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { commandLineClock } from '../sandbox/clock.js';
import { exportLedger, importLedger } from '../ledger/xlsx.js';
import { applyPlanText, formatProblems } from '../plan/apply.js';
import { exportReports } from '../reports/export.js';
import { parseQuarter } from '../core/quarters.js';
import { createRuntime } from '../runtime.js';

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface Subcommand {
  usage: string;
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: Parsed, config: Config, io: Io): Promise<number>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The clock what the command line writes is dated by: real time, or in sandbox mode the sandbox's start when earlier. */
async function recordsClock(config: Config, dbh: DbHandle): Promise<Clock> {
  return hasLarkApp(config) ? systemClock : commandLineClock(dbh.db, process.env.SANDBOX_START || undefined, systemClock);
}

async function exportCommand(what: 'ledger' | 'reports', args: Parsed, config: Config, io: Io): Promise<number> {
  const outArg = str(args.values.out);
  const format = (str(args.values.format) ?? (outArg?.endsWith('.csv') ? 'csv' : 'xlsx')) as 'xlsx' | 'csv';
  if (format !== 'xlsx' && format !== 'csv') {
    io.err('--format is xlsx or csv');
    return 2;
  }
  const dbh = openSqlite(config.DATABASE_PATH);
  try {
    const quarterArg = str(args.values.quarter);
    const quarter = quarterArg ? parseQuarter(quarterArg) : undefined;
    if (quarterArg && (!quarter || what !== 'ledger')) {
      io.err(what !== 'ledger' ? '--quarter is for export ledger' : `--quarter: cannot read "${quarterArg}"; write it like 2026Q1 or 2026年第一季度`);
      return 2;
    }
    const opts = { campaignName: str(args.values.campaign), format, quarter };
    const bytes = what === 'ledger' ? await exportLedger(dbh, opts) : await exportReports(dbh, opts);
    const file = outArg ?? `${what === 'ledger' ? '台账' : '进度专报'}.${format}`;
    await writeFile(file, bytes);
    io.out(`wrote ${file} (${bytes.length} bytes)`);
    return 0;
  } catch (e) {
    io.err((e as Error).message);
    return 1;
  } finally {
    dbh.close();
  }
}

const exportOptions = { campaign: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, quarter: { type: 'string' } } as const;

export const SUBCOMMANDS: Record<string, Subcommand> = {
  'plan apply': {
    usage: 'duban plan apply FILE',
    help: 'Creates or updates a campaign from a plan file (YAML or JSON). Idempotent: the same plan again prints "no changes".\nA plan with any problem is rejected whole, every problem listed by path, and nothing is written.',
    options: {},
    async run({ positionals: [file] }, config, io) {
      if (!file) {
        io.err('usage: duban plan apply FILE');
        return 2;
      }
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        io.err(`cannot read ${file}: ${(e as Error).message}`);
        return 2;
      }
      const dbh = openSqlite(config.DATABASE_PATH);
      try {
        const res = await applyPlanText(dbh, text, await recordsClock(config, dbh));
        if (!res.ok) {
          io.err(`plan ${file} rejected; nothing was written. ${res.problems.length} problem(s):\n${formatProblems(res.problems)}`);
          return 1;
        }
        io.out(res.changes.length ? `campaign ${res.campaign}: ${res.changes.length} change(s)\n${res.changes.map((c) => '  ' + c).join('\n')}` : `campaign ${res.campaign}: no changes`);
        return 0;
      } finally {
        dbh.close();
      }
    },
  },
  'db migrate': {
    usage: 'duban db migrate',
    help: 'Creates the SQLite database at DATABASE_PATH if needed and applies every migration in db/migrations.',
    options: {},
    async run(_args, config, io) {
      openSqlite(config.DATABASE_PATH).close();
      io.out(`database ${config.DATABASE_PATH} is migrated`);
      return 0;
    },
  },
  'export ledger': {
    usage: 'duban export ledger [--campaign NAME] [--format xlsx|csv] [--quarter 2026Q1] [--out FILE]',
    help: "The ledger (台账) with the seeds' Chinese column headings. Default: xlsx to ./台账.xlsx (csv when --out ends in .csv).",
    options: exportOptions,
    run: (args, config, io) => exportCommand('ledger', args, config, io),
  },
  'export reports': {
    usage: 'duban export reports [--campaign NAME] [--format xlsx|csv] [--out FILE]',
    help: 'The progress reports (进度专报), one row per unit and period. Default: xlsx to ./进度专报.xlsx.',
    options: exportOptions,
    run: (args, config, io) => exportCommand('reports', args, config, io),
  },
  'import ledger': {
    usage: 'duban import ledger FILE.xlsx|.csv --campaign NAME',
    help: 'The export\'s columns back in. Any unknown unit or bad date rejects the whole file, row and column named.',
    options: { campaign: { type: 'string' } },
    async run({ positionals: [file], values }, config, io) {
      const campaign = str(values.campaign);
      if (!file || !campaign) {
        io.err('usage: duban import ledger FILE.xlsx --campaign NAME');
        return 2;
      }
      const dbh = openSqlite(config.DATABASE_PATH);
      try {
        const res = await importLedger(dbh, campaign, await readFile(file), { now: (await recordsClock(config, dbh)).now() });
        if (!res.ok) {
          io.err(`${file} rejected; nothing was written. ${res.problems.length} problem(s):\n${res.problems.map((p) => `  row ${p.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`).join('\n')}`);
          return 1;
        }
        io.out(`imported ${file}: ${res.added} added, ${res.updated} updated`);
        return 0;
      } finally {
        dbh.close();
      }
    },
  },
  'job list': {
    usage: 'duban job list',
    help: 'The jobs, their schedules (and the plan\'s changes to them), last and next runs, and the holiday calendar\'s coverage.',
    options: {},
    async run(_args, config, io) {
      const rt = createRuntime({ config: { ...config, LOG_LEVEL: 'warn' } });
      try {
        const { calendar, jobs } = await rt.runner.list();
        for (const j of jobs) {
          io.out(`${j.name.padEnd(20)} ${j.schedule}\n${' '.repeat(21)}last run: ${j.lastRun ?? 'never'} (${j.runs} occasions)   next: ${j.next ?? '—'}`);
          if (j.changes.length) io.out(`${' '.repeat(21)}changed by the plan: ${j.changes.join('; ')}`);
        }
        io.out(`calendar: ${calendar}`);
        return 0;
      } finally {
        await rt.close();
      }
    },
  },
  'job run': {
    usage: 'duban job run NAME [--at ISO-8601]',
    help: 'Runs one job now, or as if the clock read --at (e.g. 2026-11-27T09:00:00+08:00), through the same exactly-once\nledger as the scheduler, and delivers what it queued before it exits (a running server may deliver it too).',
    options: { at: { type: 'string' } },
    async run({ positionals: [name], values }, config, io) {
      const at = str(values.at) !== undefined ? new Date(str(values.at)!) : systemClock.now();
      if (!name || Number.isNaN(at.getTime())) {
        io.err('usage: duban job run NAME [--at 2026-11-27T09:00:00+08:00]');
        return 2;
      }
      const rt = createRuntime({ config: { ...config, LOG_LEVEL: 'warn' } });
      try {
        if (!rt.runner.job(name)) {
          io.err(`no job "${name}". Jobs: ${rt.runner.deps.jobs.map((j) => j.name).join(', ')}`);
          return 2;
        }
        const results = await rt.runner.runNow(name, at);
        await rt.sender.drain(120_000);
        for (const r of results) io.out(`${r.job} ${r.campaign} ${r.period || '(no occasion)'}: ${r.outcome}${r.posts ? `, ${r.posts} message(s) queued and delivered` : ''}`);
        const left = await rt.sender.pendingCount();
        if (left) io.err(`${left} message(s) still waiting for Lark; a running server delivers them.`);
        return 0;
      } finally {
        await rt.close();
      }
    },
  },
};
