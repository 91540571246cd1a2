// The command line as an operator uses it: plan apply, job list and run, export and import of the ledger.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { examplePlan } from '../src/runtime.js';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'duban-cli-'));
const env = { ...process.env, DATABASE_PATH: join(dir, 'd.db'), LARK_APP_ID: '', LOG_LEVEL: 'warn' };
const cli = (...args: string[]) => exec(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env });
const fails = (...args: string[]) => cli(...args).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);

beforeAll(async () => {
  await cli('plan', 'apply', examplePlan);
}, 60_000);

// Each step starts a process that compiles the CLI through tsx: seconds on a busy machine, so a minute per test.
describe('duban CLI', { timeout: 60_000 }, () => {
  it('job list shows every job with its schedule and the calendar’s coverage', async () => {
    const { stdout } = await cli('job', 'list');
    for (const name of ['report-reminder', 'report-chase', 'deadline-reminder', 'overdue-digest', 'lagging-units', 'meeting-reminder', 'problem-escalation', 'monthly-bulletin']) expect(stdout).toContain(name);
    expect(stdout).toContain('calendar:');
  });

  it('job run obeys the ledger: the second run for the same occasion sends nothing', async () => {
    const first = await cli('job', 'run', 'report-reminder', '--at', '2026-11-26T17:00:00+08:00');
    expect(first.stdout).toMatch(/工作进度专报:2026-W48:1d: sent, \d+ message\(s\) queued and delivered/);
    const second = await cli('job', 'run', 'report-reminder', '--at', '2026-11-26T17:00:00+08:00');
    expect(second.stdout).toContain(': already');
  });

  it('job run with an unknown job or a bad time says so', async () => {
    expect((await fails('job', 'run', 'nope')).stderr).toContain('no job "nope"');
    expect((await fails('job', 'run', 'report-chase', '--at', 'yesterday-ish')).stderr).toContain('usage');
  });

  it('export ledger writes xlsx and csv with the Chinese headings; import of the csv changes nothing', async () => {
    const xlsx = join(dir, 'ledger.xlsx');
    const csv = join(dir, 'ledger.csv');
    await cli('export', 'ledger', '--out', xlsx);
    await cli('export', 'ledger', '--format', 'csv', '--out', csv);
    expect(existsSync(xlsx)).toBe(true);
    expect(readFileSync(csv, 'utf8')).toContain('重点工作事项');
    const { stdout } = await cli('import', 'ledger', xlsx, '--campaign', '新河周转房居住环境改善');
    expect(stdout).toContain('0 added');
    // four CLI processes, each starting tsx: slow on a shared machine
  }, 60_000);

  it('export ledger --quarter writes that quarter’s task list only; a quarter it cannot read is refused', async () => {
    const out = join(dir, 'q.csv');
    await cli('export', 'ledger', '--quarter', '2027年第一季度', '--format', 'csv', '--out', out);
    const rows = readFileSync(out, 'utf8').trim().split(/\r?\n/).slice(1);
    // the reference plan's two 2027Q1 tasks
    expect(rows.map((r) => r.split(',')[2]).sort()).toEqual(['制定居住改善项目建设实施方案', '组织搬迁方案听证会'].sort());
    const bad = await fails('export', 'ledger', '--quarter', '第五季度');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--quarter');
  }, 30_000);

  it('export reports writes the reports file', async () => {
    const out = join(dir, 'reports.csv');
    const { stdout } = await cli('export', 'reports', '--out', out);
    expect(stdout).toContain('wrote');
    expect(readFileSync(out, 'utf8')).toContain('单位');
  });

  it('every subcommand answers --help with its usage, and an unknown option is refused with the usage', async () => {
    // in process: main() is what the bin runs, without starting tsx once per subcommand
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, (s) => void out.push(s), (s) => void err.push(s));
      return { code, stdout: out.join('\n'), stderr: err.join('\n') };
    };
    for (const [group, name] of [['plan', 'apply'], ['db', 'migrate'], ['export', 'ledger'], ['export', 'reports'], ['import', 'ledger'], ['job', 'list'], ['job', 'run']] as const) {
      const { code, stdout } = await run(group, name, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`usage: duban ${group} ${name}`);
    }
    const bad = await run('job', 'run', 'report-chase', '--when', 'now');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--when'");
    expect(bad.stderr).toContain('usage: duban job run NAME');
  });
});
