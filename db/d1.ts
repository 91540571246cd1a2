// The database on Cloudflare Workers: drizzle over a D1 binding, behind the same DbHandle as better-sqlite3.
// D1 has no interactive transactions; a batch runs its statements in one implicit transaction, so atomic() batches.
// Only type imports from ./client.js: that module loads better-sqlite3, a native module workerd cannot load.
import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import type { D1Database } from '@cloudflare/workers-types/index.ts';
import type { Db, DbHandle } from './client.js';
import * as relations from './relations.js';
import * as tables from './schema.js';

const schema = { ...tables, ...relations };

export function openD1(binding: D1Database): DbHandle {
  // drizzle types its client parameter against @cloudflare/workers-types, which we declare ourselves.
  const db = drizzle(binding as never, { schema });
  return {
    db: db as unknown as Db,
    driver: 'd1',
    async atomic(statements) {
      if (statements.length === 0) return;
      // Every statement handed to atomic() is a drizzle query builder: exactly what batch() takes.
      const items = statements as unknown as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];
      await db.batch(items);
    },
    // A D1 binding is owned by the runtime: there is nothing to close.
    close() {},
  };
}
