// Opens the database: a better-sqlite3 file on Node (created and migrated at start), or a D1 binding on Workers.
// Queries elsewhere are written once against `Db` and awaited, which both drivers accept.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase, SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import * as relations from './relations.js';
import * as tables from './schema.js';

/** The tables and how they connect, as drizzle's relational queries read them. */
export const schema = { ...tables, ...relations };
export type Schema = typeof schema;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = BaseSQLiteDatabase<'sync' | 'async', any, Schema>;

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface DbHandle {
  db: Db;
  driver: 'better-sqlite3' | 'd1';
  /** Runs statements all-or-nothing: a transaction on better-sqlite3, a batch on D1. */
  atomic(statements: Array<{ run(): unknown }>): Promise<void>;
  /**
   * Runs `work` in one transaction: everything it writes, or nothing if it throws. Only where the driver has
   * interactive transactions (better-sqlite3; D1 has batches only, so there it is absent). `work` may await only this
   * database's queries, which settle at once on better-sqlite3: no other request's query can run in between.
   */
  transaction?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Group commit (better-sqlite3 only): runs synchronous `work` in one transaction with the other work queued in the
   * same turn of the event loop, and settles once that transaction committed. A work that throws rejects alone and
   * leaves nothing of its own; the others are still written. A thousand events a second cost a few commits a second instead of a thousand.
   */
  grouped?<T>(work: () => T): Promise<T>;
  close(): void;
}

interface Pending {
  work: () => unknown;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** The group-commit queue of one connection: flushed in one transaction on the next turn of the event loop. */
function groupCommit(sqlite: Database.Database) {
  let queue: Pending[] = [];
  let scheduled = false;
  const flush = () => {
    // An interactive transaction (DbHandle.transaction) spans microtasks only; should one be open, come back after it.
    if (sqlite.inTransaction) return void setImmediate(flush);
    scheduled = false;
    const batch = queue;
    queue = [];
    // Optimistic: the whole batch in one transaction. Should any work throw, nothing of the batch was written and
    // each work runs again in its own transaction, so only the one that throws fails (a work only writes: running it
    // again after the rollback is the same as running it once).
    let results: unknown[] | undefined;
    try {
      results = sqlite.transaction(() => batch.map((p) => p.work()))();
    } catch {
      results = undefined;
    }
    if (results) {
      batch.forEach((p, i) => p.resolve(results![i]));
      return;
    }
    for (const p of batch) {
      try {
        p.resolve(sqlite.transaction(p.work)());
      } catch (e) {
        p.reject(e);
      }
    }
  };
  return <T>(work: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

export interface SqliteOptions {
  /**
   * Checkpoint the WAL from a worker thread instead of inside the commit that crosses 1,000 pages. A checkpoint writes
   * the pages back and fsyncs the file: on a slow disk that held the server's event loop for up to half a second in
   * the middle of a burst of events. The long-running server turns this on; short CLI runs keep SQLite's default.
   */
  backgroundCheckpoint?: boolean;
  /**
   * Another connection of this process checkpoints the WAL (the server's checkpointer thread): this one never does,
   * as the main connection does not once the checkpointer runs. The handler thread's connection (src/handler-thread.ts).
   */
  checkpointElsewhere?: boolean;
  /** the size the WAL file is cut back to when it starts over (default WAL_SIZE_LIMIT) */
  walSizeLimit?: number;
}

/**
 * The WAL file is cut back to this when it starts over. A checkpoint copies the WAL into the database, and the next
 * commit after a complete one writes the WAL from its beginning again, but SQLite keeps the file at the largest size
 * it ever reached. Under the bench's sustained 1,000–3,000 events a second the WAL grew by 40 MB a second (the
 * checkpointer thread copies, but new commits come before it has copied everything); without a limit the file would
 * keep that size on disk after the burst.
 */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export function openSqlite(path: string, opts: SqliteOptions = {}): DbHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL lets the CLI and a running server share the file; busy_timeout makes the second writer wait, not fail.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`journal_size_limit = ${Math.floor(opts.walSizeLimit ?? WAL_SIZE_LIMIT)}`);
  const checkpointer = opts.backgroundCheckpoint && path !== ':memory:' ? startCheckpointer(sqlite, path) : undefined;
  if (opts.checkpointElsewhere) sqlite.pragma('wal_autocheckpoint = 0');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return {
    db: db as unknown as Db,
    driver: 'better-sqlite3',
    async atomic(statements) {
      // better-sqlite3 transactions are synchronous: every statement runs inside BEGIN … COMMIT on this connection.
      sqlite.transaction(() => {
        for (const s of statements) s.run();
      })();
    },
    grouped: groupCommit(sqlite),
    async transaction(work) {
      // Nested inside another transaction (better-sqlite3 uses savepoints for atomic() then), it joins the outer one.
      if (sqlite.inTransaction) return work();
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        sqlite.exec('COMMIT');
        return result;
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        throw err;
      }
    },
    close: () => {
      void checkpointer?.terminate();
      sqlite.close();
    },
  };
}

const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
// PASSIVE never waits for the server's readers or writer: it copies what it can now and comes back in a moment, soon
// while the WAL keeps changing (see startCheckpointer), after a second once it holds still.
let frames = -1;
const tick = () => {
  let wait = workerData.idleMs;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log !== frames) wait = workerData.busyMs;
    frames = r ? r.log : -1;
  } catch (err) { parentPort.postMessage(String(err)); }
  setTimeout(tick, wait);
};
setTimeout(tick, workerData.idleMs);
`;

/**
 * A worker thread with its own connection that checkpoints the WAL; the main connection no longer does. It looks every
 * 25 ms while the WAL keeps changing, every second once it holds still. The WAL starts over from its beginning only
 * when a commit finds everything before it copied, so only a checkpoint that finishes between two commits lets it:
 * with one look a second (or every 100 ms), commits 2 ms apart never found one and the WAL grew by 11 MB a second (40
 * MB a second under the bench); looking every 25 ms, it started over several times a second and stayed under 16 MB.
 * Commits back to back with no pause still grow it until the first pause.
 */
function startCheckpointer(sqlite: Database.Database, path: string): Worker | undefined {
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, path: resolve(path), idleMs: 1000, busyMs: 25 } });
    worker.unref();
    // If the worker cannot run or its checkpoint fails, the main connection checkpoints again as SQLite does by default.
    const fallBack = () => sqlite.open && sqlite.pragma('wal_autocheckpoint = 1000');
    worker.on('error', fallBack);
    worker.on('message', fallBack);
    sqlite.pragma('wal_autocheckpoint = 0');
    return worker;
  } catch {
    return undefined;
  }
}

export type { SQLiteTransaction };
