// The statement cache in db/client.ts: a statement drizzle put in raw mode (a select with fields) is handed out again
// in object mode for a query of the same SQL text, and DDL after a statement was cached is seen by it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../db/client.js';
import { meta } from '../db/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-stmt-'));
const dbh = openSqlite(join(dir, 'd.db'));
afterAll(() => {
  dbh.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('statements prepared once', () => {
  it('the same SQL read as rows of fields, then as plain objects, then as fields again', async () => {
    await dbh.db.insert(meta).values({ key: 'k1', value: 'v1' }).run();
    const query = sql`select ${meta.key} as key, ${meta.value} as value from ${meta} where ${meta.key} = 'k1'`;
    const typed = await dbh.db.select({ key: meta.key, value: meta.value }).from(meta).where(eq(meta.key, 'k1'));
    expect(typed).toEqual([{ key: 'k1', value: 'v1' }]);
    // raw mode was set on a cached statement above; a plain read of its SQL must still get objects
    expect(await dbh.db.all(query)).toEqual([{ key: 'k1', value: 'v1' }]);
    expect(await dbh.db.values(query)).toEqual([['k1', 'v1']]);
    expect(await dbh.db.get(query)).toEqual({ key: 'k1', value: 'v1' });
    expect(await dbh.db.select({ key: meta.key, value: meta.value }).from(meta).where(eq(meta.key, 'k1'))).toEqual(typed);
  });

  it('a cached statement sees a column added after it was prepared', async () => {
    const q = sql`select * from probe`;
    await dbh.db.run(sql`create table probe (a integer)`);
    await dbh.db.run(sql`insert into probe values (1)`);
    expect(await dbh.db.all(q)).toEqual([{ a: 1 }]);
    await dbh.db.run(sql`alter table probe add column b text default 'x'`);
    expect(await dbh.db.all(q)).toEqual([{ a: 1, b: 'x' }]);
  });
});

describe('the WAL checkpointed from a worker thread', () => {
  it('a commit does not checkpoint; the worker copies the pages into the database file within a couple of seconds', async () => {
    const path = join(dir, 'ckpt.db');
    const h = openSqlite(path, { backgroundCheckpoint: true });
    try {
      const before = statSync(path).size;
      // ≈8 MB in one commit: past the 1,000 pages at which SQLite's own commit would checkpoint before returning
      const value = 'x'.repeat(4000);
      await h.atomic(Array.from({ length: 2000 }, (_, i) => h.db.insert(meta).values({ key: `ck${i}`, value })));
      // right after the commit the pages are only in the WAL: the commit did not checkpoint
      expect(statSync(path).size).toBeLessThan(before + 1_000_000);
      let after = statSync(path).size;
      for (let i = 0; i < 40 && after < before + 4_000_000; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = statSync(path).size;
      }
      expect(after).toBeGreaterThan(before + 4_000_000);
      expect((await h.db.select({ n: sql<number>`count(*)` }).from(meta).where(sql`${meta.key} like 'ck%'`))[0]!.n).toBe(2000);
    } finally {
      h.close();
    }
  });
});
