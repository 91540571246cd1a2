// Migration 0002 (history and counters) on a database made by the schema before it (migrations 0000 and 0001 only),
// holding reports, problems, tasks and meetings: nothing is lost or renumbered, and the next numbers the office
// gets through chat continue after the highest ones, never reusing a number.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder, openSqlite } from '../db/client.js';
import { tasks } from '../db/schema.js';
import { statements } from '../db/statements.js';
import { takeNumber } from '../src/ledger/counters.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { ROWS_0002 } from './support/rows-0002.js';

const OLD_TABLES = ['campaigns', 'units', 'groups', 'people', 'chats', 'reporting_rules', 'reports', 'report_revisions', 'tasks', 'task_events', 'problems', 'meetings'];

/** A folder of the describe block's own, made now and removed after its tests. */
function scratchDir(prefix: string): string {
  const made = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(made, { recursive: true, force: true }));
  return made;
}

/** A database as the code before migration `n` made it: its own copy of the first `n` migrations applied. */
function migratedTo(dir: string, n: number, name: string): Database.Database {
  const old = join(dir, `migrations-${n}`);
  mkdirSync(join(old, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.slice(0, n);
  writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) copyFileSync(join(migrationsFolder, `${e.tag}.sql`), join(old, `${e.tag}.sql`));
  const sqlite = new Database(join(dir, name));
  migrate(drizzle(sqlite), { migrationsFolder: old });
  return sqlite;
}

/** A database as the code before migration 0002 made it: migrations 0000 and 0001 applied. */
function oldDatabase(dir: string): string {
  const sqlite = migratedTo(dir, 2, 'old.db');
  const path = join(dir, 'old.db');
  sqlite.exec(`
    INSERT INTO campaigns (id, name, created_at) VALUES (1, '新河周转房居住环境改善', '2026-10-01T00:00:00Z');
    INSERT INTO units (id, campaign_id, name, aliases) VALUES (1, 1, '区住房建设委', '["住建委"]'), (2, 1, '新河街道办事处', '[]'), (3, 1, '区公安局', '[]');
    INSERT INTO groups (id, campaign_id, name, lead_unit_id, unit_ids) VALUES (1, 1, '维稳保障组', 2, '[3]');
    INSERT INTO people (id, campaign_id, name, open_id, unit_id, roles) VALUES (1, 1, '陈波', 'ou_chenbo', 1, '["office"]'), (2, 1, '王敏', 'ou_wangmin', 2, '["liaison"]');
    INSERT INTO chats (chat_id, campaign_id, kind, group_id, bound_at) VALUES ('oc_xinhe_office', 1, 'office', 0, '2026-10-01T00:00:00Z'), ('oc_xinhe_weiwen', 1, 'group', 1, '2026-10-01T00:00:00Z');
    INSERT INTO reporting_rules (id, campaign_id, name, cadence, due, who) VALUES (1, 1, '工作进度专报', 'weekly', '{"weekday":"fri","time":"17:00"}', '"all_units"');
    INSERT INTO reports (id, campaign_id, rule_id, unit_id, period, progress, problems, submitted_by, submitted_at, revision)
      VALUES (1, 1, 1, 2, '2026-W47', '完成摸排120户', '资金不足', 2, '2026-11-20T08:00:00Z', 2);
    INSERT INTO report_revisions (report_id, revision, body, submitted_by, submitted_at) VALUES (1, 1, '{"progress":"第一版"}', 2, '2026-11-20T07:00:00Z');
    INSERT INTO tasks (id, campaign_id, seq, title, lead_unit_id, deadline, status, created_at) VALUES
      (1, 1, 1, '完成一户一册登记', 2, '2026-12-31', 'open', '2026-10-01T00:00:00Z'),
      (2, 1, 2, '组织听证会', 1, '2026-11-30', 'done', '2026-10-01T00:00:00Z'),
      (3, 1, 7, '排查安全隐患', 3, '2026-11-10', 'cancelled', '2026-10-01T00:00:00Z');
    INSERT INTO task_events (campaign_id, task_id, kind, at, note, from_deadline, to_deadline) VALUES
      (1, 2, 'done', '2026-11-01T00:00:00Z', '听证会已召开', NULL, NULL), (1, 1, 'extend', '2026-11-02T00:00:00Z', '住户外出', '2026-11-30', '2026-12-31');
    INSERT INTO problems (id, campaign_id, seq, text, unit_id, group_id, report_id, level, level_since, status, raised_at, resolved_at, resolution) VALUES
      (1, 1, 1, '资金不足', 2, 1, 1, 'group', '2026-11-20T08:00:00Z', 'open', '2026-11-20T08:00:00Z', NULL, NULL),
      (2, 1, 2, '人手不够', 2, 1, NULL, 'deputy', '2026-11-21T08:00:00Z', 'resolved', '2026-11-18T08:00:00Z', '2026-11-22T08:00:00Z', '已增派人员'),
      (3, 1, 4, '场地未落实', 2, 1, NULL, 'group', '2026-11-21T08:00:00Z', 'open', '2026-11-21T08:00:00Z', NULL, NULL);
    INSERT INTO meetings (id, campaign_id, seq, title, kind, starts_at, minutes, status, created_at) VALUES
      (1, 1, 1, '维稳保障组调度会', 'dispatch', '2026-11-16T07:00:00Z', '会议研究了摸排工作', 'scheduled', '2026-11-10T00:00:00Z'),
      (2, 1, 3, '专题会', 'topic', '2026-11-20T07:00:00Z', NULL, 'cancelled', '2026-11-10T00:00:00Z');
  `);
  sqlite.close();
  return path;
}

function snapshot(path: string): Record<string, unknown[]> {
  const sqlite = new Database(path, { readonly: true });
  const out: Record<string, unknown[]> = {};
  for (const t of OLD_TABLES) {
    const cols = (sqlite.prepare(`SELECT name FROM pragma_table_info('${t}')`).all() as Array<{ name: string }>).map((c) => c.name);
    out[t] = sqlite.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t}" ORDER BY 1`).all();
  }
  sqlite.close();
  return out;
}

let h: Harness;
let dir: string;
let before: Record<string, unknown[]>;
let dbPath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duban-migration-'));
  dbPath = oldDatabase(dir);
  before = snapshot(dbPath);
  h = await startHarness({ plan: false, now: '2026-11-23T02:00:00Z', env: { DATABASE_PATH: dbPath, SEND_PER_CHAT_PER_SECOND: '100' } });
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

async function office(text: string): Promise<string> {
  const { messageId } = await h.say({ from: 'ou_chenbo', chat: 'oc_p2p_chenbo', text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  return reply ? flatten(reply.content) : '';
}

describe('migration 0002 on a database of the schema before it', () => {
  it('keeps every row and every column value of reports, problems, tasks and meetings', () => {
    const after = snapshot(dbPath);
    for (const t of OLD_TABLES) {
      const cols = Object.keys((before[t]![0] ?? {}) as object);
      const trimmed = after[t]!.map((r) => Object.fromEntries(cols.map((c) => [c, (r as Record<string, unknown>)[c]])));
      expect(trimmed, t).toEqual(before[t]);
    }
  });

  it('seeds the counters from the highest numbers, and the history from the rows', () => {
    const sqlite = new Database(dbPath, { readonly: true });
    expect(sqlite.prepare('SELECT kind, last FROM id_counters WHERE campaign_id = 1 ORDER BY kind').all()).toEqual([
      { kind: 'M', last: 3 },
      { kind: 'P', last: 4 },
      { kind: 'T', last: 7 },
    ]);
    expect(sqlite.prepare("SELECT lead_unit_ids FROM groups WHERE id = 1").get()).toEqual({ lead_unit_ids: '[2]' });
    expect(sqlite.prepare('SELECT problem_id, kind, note FROM problem_events ORDER BY id').all()).toEqual([
      { problem_id: 1, kind: 'raised', note: '' },
      { problem_id: 2, kind: 'raised', note: '' },
      { problem_id: 3, kind: 'raised', note: '' },
      { problem_id: 2, kind: 'resolved', note: '已增派人员' },
    ]);
    expect(sqlite.prepare('SELECT meeting_id, kind FROM meeting_events ORDER BY id').all()).toEqual([
      { meeting_id: 1, kind: 'scheduled' },
      { meeting_id: 2, kind: 'scheduled' },
      { meeting_id: 1, kind: 'minutes' },
    ]);
    sqlite.close();
  });

  it('the office sees the old problems and gets the next numbers after the highest ones through chat', async () => {
    const list = await office('问题 列表');
    expect(list).toContain('P1');
    expect(list).toContain('P4');
    expect(await office('问题 上报 周转房外墙脱落')).toContain('P5');
    expect(await office('任务 新增 清理楼道堆物 牵头：区公安局 截止：2026-12-20')).toContain('T8');
    expect(await office('会议 安排 推动会 时间：2026-12-01 15:00')).toContain('M4');
    // the ledger still holds every task, the cancelled one included
    expect(await office('台账 导出')).toContain('共 4 项');
  });
});


const rowsOf = (sqlite: Database.Database, t: string) => sqlite.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all() as Array<Record<string, unknown>>;
/** outbox rows without their content, which 0009 moves into outbox_content (tested below) */
const withoutContent = (rows: unknown[]) => rows.map((r) => Object.fromEntries(Object.entries(r as object).filter(([k]) => k !== 'content')));
/**
 * Rows as the later migrations leave them: 0007 adds the outbox's hold_left (5: each unsent message holds its chat);
 * 0008 numbers the inbox by its rowids (1, 2, …: the rows here were stored in order and none deleted); 0009 moves the
 * outbox's content into a table of its own.
 */
const withLater = (t: string, rows: unknown[]) =>
  t === 'outbox' ? withoutContent(rows).map((r) => ({ ...r, hold_left: 5 })) : t === 'inbox' ? rows.map((r, i) => ({ id: i + 1, ...(r as object) })) : rows;
/** tables a later migration adds: 0008's claims of the inbox, 0009's content of the outbox (the tests of older migrations compare the others) */
const LATER_TABLES = ['inbox_claims', 'outbox_content'];
const tableNames = (sqlite: Database.Database, all = false) =>
  (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name").all() as Array<{ name: string }>)
    .map((r) => r.name)
    .filter((t) => all || !LATER_TABLES.includes(t));
/** Every index with its table, columns and uniqueness, whether a constraint's or a CREATE INDEX's. */
const indexesOf = (sqlite: Database.Database) =>
  tableNames(sqlite).flatMap((t) =>
    (sqlite.prepare(`SELECT name, "unique", origin FROM pragma_index_list('${t}')`).all() as Array<{ name: string; unique: number; origin: string }>).map((i) => ({
      table: t,
      unique: i.unique,
      origin: i.origin,
      columns: (sqlite.prepare(`SELECT name FROM pragma_index_info('${i.name}')`).all() as Array<{ name: string }>).map((c) => c.name),
      name: i.origin === 'c' ? i.name : `(${i.origin})`,
    })),
  ).sort((a, b) => `${a.table}${a.columns}`.localeCompare(`${b.table}${b.columns}`));

/** ROWS_0002 without its orphans (0003 repairs those, and a database at 0003 or later cannot hold them) */
const ROWS_KEYED = ROWS_0002.replace("'清理楼道堆物', 9, 99,", "'清理楼道堆物', 1, 1,").replace("(1, 2, 'note', 77,", "(1, 2, 'note', 1,");
const TABLES_0004 = ['notices', 'notice_events', 'task_requests', 'report_evidence'];

describe('migration 0003 (foreign keys) on a database of migrations 0000–0002', () => {
  const fkDir = scratchDir('duban-migration-fk-');

  it('keeps every row of every table, keeps orphans pointing somewhere, recreates the indexes, then enforces the keys', async () => {
    const sqlite = migratedTo(fkDir, 3, 'fk.db');
    sqlite.exec(ROWS_0002);
    const tables = tableNames(sqlite);
    const before = Object.fromEntries(tables.map((t) => [t, rowsOf(sqlite, t)]));
    const indexesBefore = indexesOf(sqlite);
    for (const t of tables) if (t !== 'meta') expect(before[t]!.length, t).toBeGreaterThan(0);
    sqlite.close();

    const dbh = openSqlite(join(fkDir, 'fk.db'));
    const after = new Database(join(fkDir, 'fk.db'));
    // the missing unit 99 gets an inactive stand-in; the missing group 9 and person 77 are cleared and kept in meta
    const expected = structuredClone(before);
    expected.units!.push({ id: 99, campaign_id: 1, name: '缺失的单位 #99', aliases: '[]', active: 0 });
    expected.tasks![1]!.group_id = null;
    expected.task_events![1]!.by_person_id = null;
    expected.meta!.push({ key: 'migration 0003 cleared tasks.group_id of row 2', value: '9' }, { key: 'migration 0003 cleared task_events.by_person_id of row 2', value: '77' });
    // openSqlite applies every later migration too: 0004 adds tables of its own and two empty task columns
    for (const row of expected.tasks!) Object.assign(row, { phase: null, quarter: null });
    expect(tableNames(after).filter((t) => !TABLES_0004.includes(t))).toEqual(tables);
    for (const t of tables) expect(rowsOf(after, t), t).toEqual(withLater(t, expected[t]!));
    // (and 0006–0007 an index of the outbox's unsent rows by chat; 0008 the inbox's, tested below)
    expect(indexesOf(after).filter((i) => !TABLES_0004.includes(i.table) && i.name !== 'outbox_chat_head' && i.table !== 'inbox')).toEqual(indexesBefore.filter((i) => i.table !== 'inbox'));
    expect(after.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(after.prepare("SELECT count(*) AS n FROM pragma_foreign_key_list('tasks')").get()).toEqual({ n: 4 });
    after.close();

    const task = { campaignId: 1, seq: 3, title: '排查安全隐患', leadUnitId: 12345, deadline: '2026-12-31', createdAt: '2026-11-28T00:00:00Z' };
    await expect(Promise.resolve().then(() => dbh.db.insert(tasks).values(task).run())).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await dbh.db.insert(tasks).values({ ...task, leadUnitId: 1 }).run();
    dbh.close();
  });

  it('refuses, and leaves the database as it was, when history belongs to a task that does not exist', () => {
    const sqlite = migratedTo(fkDir, 3, 'history-orphan.db');
    sqlite.exec(`${ROWS_0002} INSERT INTO task_events (campaign_id, task_id, kind, at) VALUES (1, 404, 'note', '2026-10-03T00:00:00Z');`);
    const before = Object.fromEntries(tableNames(sqlite).map((t) => [t, rowsOf(sqlite, t)]));
    sqlite.close();
    // the deferred foreign key check fails the migrator's COMMIT (cause: FOREIGN KEY constraint failed); it rolls back
    let failure: unknown;
    try {
      openSqlite(join(fkDir, 'history-orphan.db'));
    } catch (err) {
      failure = err;
    }
    expect(String((failure as Error | undefined)?.cause)).toMatch(/FOREIGN KEY constraint failed/);
    const again = new Database(join(fkDir, 'history-orphan.db'));
    expect(Object.fromEntries(tableNames(again).map((t) => [t, rowsOf(again, t)]))).toEqual(before);
    expect(again.prepare("SELECT count(*) AS n FROM pragma_foreign_key_list('tasks')").get()).toEqual({ n: 0 });
    again.close();
  });
});

describe('migration 0004 (supervision: notices, requests, evidence, task phase and quarter) on a database of 0000–0003', () => {
  const dir = scratchDir('duban-migration-0004-');

  it('keeps every row and value of every table, adds the task columns empty and the new tables empty, and numbers notices from D1', async () => {
    const sqlite = migratedTo(dir, 4, 'sup.db');
    sqlite.exec(ROWS_KEYED);
    const tables = tableNames(sqlite);
    const before = Object.fromEntries(tables.map((t) => [t, rowsOf(sqlite, t)]));
    for (const t of ['reports', 'tasks', 'problems', 'meetings']) expect(before[t]!.length, t).toBeGreaterThan(0);
    sqlite.close();

    const dbh = openSqlite(join(dir, 'sup.db'));
    const after = new Database(join(dir, 'sup.db'));
    expect(tableNames(after)).toEqual([...tables, ...TABLES_0004].sort());
    for (const t of tables) {
      const expected = t === 'tasks' ? before[t]!.map((r) => ({ ...r, phase: null, quarter: null })) : before[t]!;
      expect(rowsOf(after, t), t).toEqual(withLater(t, expected));
    }
    for (const t of TABLES_0004) expect(rowsOf(after, t), t).toEqual([]);
    after.close();
    // the first notice is D1, and the task counter goes on from T2
    await dbh.atomic([takeNumber(dbh, 1, 'D'), takeNumber(dbh, 1, 'T')]);
    dbh.close();
    const counters = new Database(join(dir, 'sup.db'));
    expect(counters.prepare("SELECT kind, last FROM id_counters WHERE kind IN ('D', 'T') ORDER BY kind").all()).toEqual([{ kind: 'D', last: 1 }, { kind: 'T', last: 3 }]);
    counters.close();
  });
});

describe('migration 0005 (the chat a request was made in) on a database of 0000–0004', () => {
  const dir = scratchDir('duban-migration-0005-');

  it('keeps every row and value of every table, and the requests made before it have no chat (their decisions go privately)', () => {
    const sqlite = migratedTo(dir, 5, 'req.db');
    sqlite.exec(ROWS_KEYED);
    sqlite.exec(`INSERT INTO task_requests (id, campaign_id, task_id, kind, asked_by, asked_at, to_deadline, reason, status, decided_by, decided_at, decision_note) VALUES
      (1, 1, 1, 'extension', 2, '2026-11-20T01:00:00Z', '2026-12-31', '住户外出', 'approved', 1, '2026-11-21T01:00:00Z', '同意'),
      (2, 1, 2, 'writeoff', 2, '2026-11-25T01:00:00Z', NULL, '已完成', 'pending', NULL, NULL, '')`);
    const tables = tableNames(sqlite);
    const before = Object.fromEntries(tables.map((t) => [t, rowsOf(sqlite, t)]));
    for (const t of ['reports', 'tasks', 'problems', 'meetings', 'task_requests']) expect(before[t]!.length, t).toBeGreaterThan(0);
    sqlite.close();

    openSqlite(join(dir, 'req.db')).close();
    const after = new Database(join(dir, 'req.db'));
    expect(tableNames(after)).toEqual(tables);
    for (const t of tables) {
      const expected = t === 'task_requests' ? before[t]!.map((r) => ({ ...r, asked_in_chat: null })) : before[t]!;
      expect(rowsOf(after, t), t).toEqual(withLater(t, expected));
    }
    after.close();
  });
});

describe('migrations 0006 and 0007 (a chat’s unsent messages, oldest first, and how long each holds its chat) on a database of 0000–0005', () => {
  const dir = scratchDir('duban-migration-0006-');

  it('keeps every row and value of every table, and the sender finds each chat’s oldest unsent message among the old rows', async () => {
    const sqlite = migratedTo(dir, 6, 'order.db');
    sqlite.exec(ROWS_KEYED);
    sqlite.exec(`INSERT INTO outbox (dedupe_key, campaign_id, kind, target, chat_id, msg_type, content, status, attempts, next_attempt_at, lease_until, created_at) VALUES
      ('k2', 1, 'send', 'oc_weiwen', 'oc_weiwen', 'text', '{"text":"二"}', 'sent', 1, 0, 0, '2026-11-20T08:00:02Z'),
      ('k3', 1, 'reply', 'om_1', 'oc_weiwen', 'text', '{"text":"三"}', 'pending', 2, 1795000000000, 0, '2026-11-20T08:00:03Z'),
      ('k4', 1, 'send', 'ou_wangmin', NULL, 'text', '{"text":"四"}', 'failed', 12, 0, 0, '2026-11-20T08:00:04Z'),
      ('k5', 1, 'send', 'ou_wangmin', NULL, 'text', '{"text":"五"}', 'sending', 1, 0, 1795000000000, '2026-11-20T08:00:05Z')`);
    const tables = tableNames(sqlite);
    const before = Object.fromEntries(tables.map((t) => [t, rowsOf(sqlite, t)]));
    expect(before.outbox).toHaveLength(5);
    sqlite.close();

    const dbh = openSqlite(join(dir, 'order.db'));
    const heads = await statements(dbh.db).chatHeads.all({ keys: JSON.stringify(['oc_weiwen', 'ou_wangmin', 'oc_none']), floor: 0 });
    expect(heads).toEqual([
      { key: 'oc_weiwen', id: 1, then: 3 }, // k1: queued before 0006, never sent (its chat is its target); then k3
      { key: 'ou_wangmin', id: 5, then: null }, // k4 failed for good and holds nothing back
      { key: 'oc_none', id: null, then: null },
    ]);
    // read in the new index, one walk per chat
    const plan = (dbh.db as unknown as { $client: Database.Database }).$client
      .prepare(`EXPLAIN QUERY PLAN ${(statements(dbh.db).chatHeads as unknown as { getQuery(): { sql: string } }).getQuery().sql}`)
      .all(0, 0, JSON.stringify(['oc_weiwen'])) as Array<{ detail: string }>;
    expect(plan.map((r) => r.detail)).toContainEqual(expect.stringContaining('USING INDEX outbox_chat_head'));
    dbh.close();
    const after = new Database(join(dir, 'order.db'));
    expect(tableNames(after)).toEqual(tables);
    for (const t of tables) expect(rowsOf(after, t), t).toEqual(withLater(t, before[t]!));
    expect(indexesOf(after).filter((i) => i.table === 'outbox').map((i) => i.name)).toContain('outbox_chat_head');
    expect(indexesOf(after).filter((i) => i.table === 'outbox').map((i) => i.name)).not.toContain('outbox_unsent_chat');
    after.close();
  });
});

describe('migration 0008 (the inbox numbered as stored, its events claimed) on a database of 0000–0007', () => {
  const dir = scratchDir('duban-migration-0008-');

  it('keeps every inbox row with its rowid as its id, claims each stored event for its row, and a redelivery of one is dropped', async () => {
    const sqlite = migratedTo(dir, 8, 'inbox.db');
    sqlite.exec(ROWS_KEYED);
    sqlite.exec(`INSERT INTO inbox (event_id, event_type, received_at, payload, handled_at, outcome) VALUES
      ('ev_2', 'im.message.receive_v1', '2026-11-20T08:01:00Z', '{"n":2}', '2026-11-20T08:01:01Z', 'ok'),
      ('ev_3', 'card.action.trigger', '2026-11-20T08:02:00Z', '{"n":3}', '2026-11-20T08:02:01Z', 'refused_click'),
      ('ev_4', 'im.message.receive_v1', '2026-11-20T08:03:00Z', '{"n":4}', NULL, NULL);
      DELETE FROM inbox WHERE event_id = 'ev_2';`);
    const before = sqlite.prepare('SELECT rowid AS id, * FROM inbox ORDER BY rowid').all() as Array<Record<string, unknown>>;
    expect(before.map((r) => r.id)).toEqual([1, 3, 4]);
    const others = tableNames(sqlite).filter((t) => t !== 'inbox');
    const othersBefore = Object.fromEntries(others.map((t) => [t, rowsOf(sqlite, t)]));
    sqlite.close();

    const dbh = openSqlite(join(dir, 'inbox.db'));
    const st = statements(dbh.db);
    // the unhandled row is found by its event; a handled event pushed again is claimed already: not stored
    expect(await st.unhandledRow.all({ eventId: 'ev_4' })).toEqual([{ id: 4 }]);
    expect(await dbh.grouped!(() => st.recordEvent.all({ eventId: 'ev_3', eventType: 'card.action.trigger', receivedAt: '2026-11-21T00:00:00Z', payload: '{}' }))).toEqual([]);
    // a new event takes the next number
    expect(await dbh.grouped!(() => st.recordEvent.all({ eventId: 'ev_5', eventType: 'im.message.receive_v1', receivedAt: '2026-11-21T00:00:00Z', payload: '{}' }))).toEqual([{ id: 5 }]);
    dbh.close();

    const after = new Database(join(dir, 'inbox.db'));
    expect(tableNames(after, true)).toEqual([...others, 'inbox', 'inbox_claims', 'outbox_content'].sort());
    expect(rowsOf(after, 'inbox').slice(0, 3)).toEqual(before);
    for (const t of others) expect(rowsOf(after, t), t).toEqual(t === 'outbox' ? withoutContent(othersBefore[t]!) : othersBefore[t]);
    expect(rowsOf(after, 'inbox_claims')).toEqual([
      { event_id: 'ev_1', inbox_id: 1, claimed_at: '2026-11-20T08:00:00Z' },
      { event_id: 'ev_3', inbox_id: 3, claimed_at: '2026-11-20T08:02:00Z' },
      { event_id: 'ev_4', inbox_id: 4, claimed_at: '2026-11-20T08:03:00Z' },
    ]);
    expect(indexesOf(after).filter((i) => i.table === 'inbox')).toEqual([{ table: 'inbox', unique: 0, origin: 'c', columns: ['id'], name: 'inbox_unhandled' }]);
    expect(after.prepare("SELECT \"unique\", origin FROM pragma_index_list('inbox_claims')").all()).toEqual([{ unique: 1, origin: 'pk' }]);
    after.close();
  });
});

describe('migration 0009 (what each message says, apart from its delivery state) on a database of 0000–0008', () => {
  const dir = scratchDir('duban-migration-0009-');

  it('keeps every outbox row and its content, word for word; a message queued before it is sent after it, and a new one is queued and sent', async () => {
    const sqlite = migratedTo(dir, 9, 'content.db');
    sqlite.exec(ROWS_KEYED);
    // a card of several KB (on overflow pages), quotes and Chinese in it; every state a row can be in
    const card = JSON.stringify({ schema: '2.0', header: { title: { tag: 'plain_text', content: '工作进度专报 "第47周"' } }, body: { elements: [{ tag: 'markdown', content: '新河街道办事处：完成摸排120户；\n'.repeat(200) }] } });
    sqlite.prepare(`INSERT INTO outbox (dedupe_key, campaign_id, kind, target, chat_id, msg_type, content, status, attempts, next_attempt_at, lease_until, created_at, sent_at, message_id) VALUES
      ('k2', 1, 'send', 'oc_weiwen', 'oc_weiwen', 'interactive', ?, 'sent', 1, 0, 0, '2026-11-20T08:00:02Z', '2026-11-20T08:00:03Z', 'om_sent'),
      ('k3', 1, 'reply', 'om_1', 'oc_weiwen', 'text', '{"text":"三"}', 'failed', 12, 0, 0, '2026-11-20T08:00:03Z', NULL, NULL),
      ('k4', 1, 'send', 'ou_wangmin', NULL, 'text', '{"text":"四"}', 'sending', 1, 0, 1795000000000, '2026-11-20T08:00:04Z', NULL, NULL)`).run(card);
    const before = rowsOf(sqlite, 'outbox');
    expect(before.map((r) => r.status)).toEqual(['pending', 'sent', 'failed', 'sending']);
    const others = tableNames(sqlite).filter((t) => t !== 'outbox');
    const othersBefore = Object.fromEntries(others.map((t) => [t, rowsOf(sqlite, t)]));
    sqlite.close();

    openSqlite(join(dir, 'content.db')).close();
    const after = new Database(join(dir, 'content.db'));
    expect(rowsOf(after, 'outbox')).toEqual(withoutContent(before));
    expect(rowsOf(after, 'outbox_content')).toEqual(before.map((r) => ({ outbox_id: r.id, content: r.content })));
    expect((rowsOf(after, 'outbox_content')[1] as { content: string }).content).toBe(card);
    for (const t of others) expect(rowsOf(after, t), t).toEqual(othersBefore[t]);
    expect(after.prepare("SELECT name FROM pragma_table_info('outbox') WHERE name = 'content'").all()).toEqual([]);
    after.close();

    // The server on the migrated file: the messages queued before the upgrade and not sent go with their content; one
    // queued now is written with its content and goes too.
    const h = await startHarness({ plan: false, now: '2026-11-23T02:00:00Z', env: { DATABASE_PATH: join(dir, 'content.db') } });
    try {
      await h.settle();
      // (k4's lease ran out before the upgrade: it goes again, as a row left by a sender that died does)
      expect(h.fake.messages.map((m) => [m.chat_id, flatten(m.content)])).toEqual([
        ['oc_weiwen', '已收到'],
        ['ou_wangmin', '四'],
      ]);
      const { messageId } = await h.say({ from: 'ou_chenbo', chat: 'oc_p2p_chenbo', text: '帮助' });
      const reply = h.fake.messages.find((m) => m.reply_to === messageId);
      expect(reply).toBeDefined();
      const st = new Database(join(dir, 'content.db'), { readonly: true });
      const row = st.prepare("SELECT o.status, c.content FROM outbox o JOIN outbox_content c ON c.outbox_id = o.id WHERE o.dedupe_key = ?").get(`reply:${messageId}`) as { status: string; content: string };
      st.close();
      expect(row.status).toBe('sent');
      expect(JSON.parse(row.content)).toEqual(reply!.content);
    } finally {
      await h.close();
    }
  });
});
