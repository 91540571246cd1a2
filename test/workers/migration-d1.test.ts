// Migrations on local D1 through wrangler, as `wrangler d1 migrations apply` runs them in production: 0003 (foreign
// keys) on a database of migrations 0000–0002 with rows in every table keeps them all, and the keys are enforced
// afterwards; 0008 (the inbox numbered, its events claimed) keeps every inbox row with its rowid as its id; 0009 moves
// the outbox's content, word for word, into outbox_content.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROWS_0002 } from '../support/rows-0002.js';
import { root } from './wrangler-dev.js';

const wranglerBin = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
let dir = mkdtempSync(join(tmpdir(), 'duban-d1-migration-'));
let migrations = join(dir, 'migrations');
const dirs = [dir];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function wrangler(...args: string[]) {
  const r = spawnSync(process.execPath, [wranglerBin, 'd1', ...args, 'DB', '--local', '--config', join(dir, 'wrangler.toml'), '--persist-to', join(dir, 'state')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' },
  });
  return { ok: r.status === 0, out: `${r.stdout}\n${r.stderr}` };
}

function query(sql: string): Array<Record<string, unknown>> {
  const r = wrangler('execute', '--json', '--command', sql);
  expect(r.ok, r.out).toBe(true);
  return (JSON.parse(r.out.slice(r.out.indexOf('['), r.out.lastIndexOf(']') + 1)) as Array<{ results: Array<Record<string, unknown>> }>)[0]!.results;
}

/** Copies the project's migrations up to and including `tag` into the config's migrations_dir. */
function migrationsUpTo(tag: string) {
  mkdirSync(migrations, { recursive: true });
  for (const f of readdirSync(join(root, 'db/migrations')).filter((f) => f.endsWith('.sql') && f <= `${tag}.sql`)) copyFileSync(join(root, 'db/migrations', f), join(migrations, f));
}

/** A local D1 of its own (the next tests' `dir`), with the project's migrations up to `tag` applied. */
function freshD1(name: string, tag: string) {
  dir = mkdtempSync(join(tmpdir(), `duban-d1-migration-${name}-`));
  migrations = join(dir, 'migrations');
  dirs.push(dir);
  writeFileSync(join(dir, 'wrangler.toml'), readFileSync(join(root, 'wrangler.toml'), 'utf8').replace(/^main = .*$/m, '').replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(migrations)}`));
  applyUpTo(tag);
}

/** Applies the project's migrations up to `tag` on the test's D1, as a deploy does. */
function applyUpTo(tag: string) {
  migrationsUpTo(tag);
  const r = wrangler('migrations', 'apply');
  expect(r.ok, r.out).toBe(true);
}

/** Runs statements on the test's D1 from a file. */
function execute(statements: string) {
  writeFileSync(join(dir, 'rows.sql'), statements);
  const r = wrangler('execute', '--file', join(dir, 'rows.sql'));
  expect(r.ok, r.out).toBe(true);
}

describe('migration 0003 on D1', () => {
  it('keeps every row of a 0002 database, orphans included, and then refuses a task with an unknown lead unit', () => {
    writeFileSync(join(dir, 'wrangler.toml'), readFileSync(join(root, 'wrangler.toml'), 'utf8').replace(/^main = .*$/m, '').replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(migrations)}`));
    migrationsUpTo('0002_history_and_counters');
    let r = wrangler('migrations', 'apply');
    expect(r.ok, r.out).toBe(true);
    writeFileSync(join(dir, 'rows.sql'), ROWS_0002);
    r = wrangler('execute', '--file', join(dir, 'rows.sql'));
    expect(r.ok, r.out).toBe(true);
    const tables = query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name <> 'd1_migrations' ORDER BY name").map((t) => String(t.name));
    const count = () => query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(', ')}`)[0]!;
    const before = count();
    const indexes = () => query("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name");
    const indexesBefore = indexes();

    migrationsUpTo('0003_foreign_keys');
    r = wrangler('migrations', 'apply');
    expect(r.ok, r.out).toBe(true);
    // one stand-in unit (99) and two meta rows for the cleared references; nothing else changes in number
    expect(count()).toEqual({ ...before, units: Number(before.units) + 1, meta: Number(before.meta) + 2 });
    expect(indexes()).toEqual(indexesBefore);
    expect(query('SELECT name, active FROM units WHERE id = 99')).toEqual([{ name: '缺失的单位 #99', active: 0 }]);
    // (wrangler prints NULL as "null", so ask for the type)
    expect(query('SELECT id, lead_unit_id, typeof(group_id) AS g FROM tasks ORDER BY id')).toEqual([{ id: 1, lead_unit_id: 2, g: 'integer' }, { id: 2, lead_unit_id: 99, g: 'null' }]);
    expect(query("SELECT count(*) AS n FROM pragma_foreign_key_list('tasks')")).toEqual([{ n: 4 }]);

    r = wrangler('execute', '--command', "INSERT INTO tasks (campaign_id, seq, title, lead_unit_id, deadline, created_at) VALUES (1, 3, '排查安全隐患', 12345, '2026-12-31', '2026-11-28T00:00:00Z')");
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/FOREIGN KEY constraint failed/);
  }, 240_000);
});

describe('migration 0008 on D1', () => {
  it('keeps every inbox row, numbered by its rowid, and claims each stored event for its row', () => {
    freshD1('0008', '0007_outbox_chat_head');
    execute(
      `INSERT INTO inbox (event_id, event_type, received_at, payload, handled_at, outcome) VALUES
        ('ev_1', 'im.message.receive_v1', '2026-11-20T08:00:00Z', '{"n":1}', '2026-11-20T08:00:01Z', 'ok'),
        ('ev_2', 'im.message.receive_v1', '2026-11-20T08:01:00Z', '{"n":2}', '2026-11-20T08:01:01Z', 'ok'),
        ('ev_3', 'im.message.receive_v1', '2026-11-20T08:02:00Z', '{"n":3}', NULL, NULL);
      DELETE FROM inbox WHERE event_id = 'ev_2';`,
    );
    const before = query('SELECT rowid AS id, event_id, payload, handled_at, outcome FROM inbox ORDER BY rowid');
    expect(before.map((x) => x.id)).toEqual([1, 3]);

    applyUpTo('0008_inbox_claims');
    expect(query('SELECT id, event_id, payload, handled_at, outcome FROM inbox ORDER BY id')).toEqual(before);
    expect(query('SELECT event_id, inbox_id FROM inbox_claims ORDER BY event_id')).toEqual([
      { event_id: 'ev_1', inbox_id: 1 },
      { event_id: 'ev_3', inbox_id: 3 },
    ]);
    expect(query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'inbox'")).toEqual([{ name: 'inbox_unhandled' }]);
  }, 240_000);
});

describe('migration 0009 on D1', () => {
  it('keeps every outbox row, its content moved word for word into outbox_content', () => {
    freshD1('0009', '0008_inbox_claims');
    const card = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: '新河街道办事处：完成摸排120户；"已核实"\n'.repeat(120) }] } });
    execute(
      `INSERT INTO outbox (dedupe_key, kind, target, chat_id, msg_type, content, status, created_at) VALUES
        ('k1', 'send', 'oc_weiwen', 'oc_weiwen', 'text', '{"text":"已收到"}', 'sent', '2026-11-20T08:00:01Z'),
        ('k2', 'send', 'oc_weiwen', 'oc_weiwen', 'interactive', '${card.replace(/'/g, "''")}', 'pending', '2026-11-20T08:00:02Z'),
        ('k3', 'send', 'oc_weiwen', 'oc_weiwen', 'text', '{"text":"三"}', 'failed', '2026-11-20T08:00:03Z');
      DELETE FROM outbox WHERE dedupe_key = 'k1';`,
    );
    const before = query('SELECT id, dedupe_key, status, content FROM outbox ORDER BY id');
    expect(before.map((x) => x.id)).toEqual([2, 3]);

    applyUpTo('0009_outbox_content');
    expect(query('SELECT id, dedupe_key, status FROM outbox ORDER BY id')).toEqual(before.map(({ content: _, ...row }) => row));
    expect(query('SELECT outbox_id AS id, content FROM outbox_content ORDER BY outbox_id')).toEqual(before.map((x) => ({ id: x.id, content: x.content })));
    expect(query("SELECT count(*) AS n FROM pragma_table_info('outbox') WHERE name = 'content'")).toEqual([{ n: 0 }]);
  }, 240_000);
});
