// Statements: the same SQL read as fields and as objects, DDL seen by later reads, and the hot statements prepared
// once by drizzle (db/statements.ts) reused with new values; the schema's relations() answer relational queries.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite, type DbHandle, type SqliteOptions } from '../db/client.js';
import { campaigns, meta, taskEvents, tasks, units } from '../db/schema.js';
import { statements } from '../db/statements.js';

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

describe('prepared once by drizzle', () => {
  it('a hot statement is prepared once per database and answers each call with its own values', async () => {
    const st = statements(dbh.db);
    expect(statements(dbh.db)).toBe(st);
    expect(await st.handledAt.all({ id: 41, eventId: 'ev_a' })).toEqual([]);
    await dbh.db.run(sql`insert into inbox (id, event_id, event_type, received_at, payload, handled_at) values (42, 'ev_a', 't', '2026-01-01', '{}', '2026-01-02')`);
    expect(await st.handledAt.all({ id: 42, eventId: 'ev_a' })).toEqual([{ h: '2026-01-02', holder: null }]);
    expect(await st.handledAt.all({ id: 41, eventId: 'ev_a' })).toEqual([]);
  });

  it('an event is stored without RETURNING, its id the run’s rowid; once its event_id is claimed it is not; a claim written with the mark keeps the first', async () => {
    const st = statements(dbh.db);
    const row = (eventId: string) => ({ eventId, eventType: 'im.message.receive_v1', receivedAt: '2026-01-01T00:00:00Z', payload: '{}' });
    const stored = await dbh.grouped!(() => st.storeEvent.run(row('ev_s')));
    expect(stored.changes).toBe(1);
    const id = Number(stored.lastInsertRowid);
    expect(await dbh.db.all(sql`select event_id as e from inbox where id = ${id}`)).toEqual([{ e: 'ev_s' }]);
    expect(await st.handledAt.all({ id, eventId: 'ev_s' })).toEqual([{ h: null, holder: null }]);
    await dbh.grouped!(() => st.writeClaim.run({ eventId: 'ev_s', inboxId: id, at: '2026-01-01T00:00:01Z' }));
    // a second claim of the same event (another copy's row) leaves the first in place
    await dbh.grouped!(() => st.writeClaim.run({ eventId: 'ev_s', inboxId: id + 100, at: '2026-01-01T00:00:02Z' }));
    expect(await st.handledAt.all({ id, eventId: 'ev_s' })).toEqual([{ h: null, holder: id }]);
    // a redelivery once claimed: nothing stored, no row changed
    expect((await dbh.grouped!(() => st.storeEvent.run(row('ev_s')))).changes).toBe(0);
    expect(await dbh.db.all(sql`select count(*) as n from inbox where event_id = 'ev_s'`)).toEqual([{ n: 1 }]);
  });

  it('no hot statement binds its LIMIT bare (SQLite compiles such a statement again at every run); each limit holds', async () => {
    const st = statements(dbh.db);
    for (const [name, q] of Object.entries(st)) {
      const text = (q as unknown as { getQuery(): { sql: string } }).getQuery().sql;
      expect(text, name).not.toMatch(/\blimit \?(?!\s*\+)/i);
    }
    for (const i of [1, 2, 3]) {
      await dbh.db.run(sql`insert into outbox (dedupe_key, kind, target, chat_id, msg_type, status, next_attempt_at, lease_until, created_at) values (${`lim:${i}`}, 'send', ${`oc_lim${i}`}, ${`oc_lim${i}`}, 'text', ${i === 3 ? 'sending' : 'pending'}, 0, 0, '2026-01-01')`);
      await dbh.db.run(sql`insert into outbox (dedupe_key, kind, target, chat_id, msg_type, status, next_attempt_at, lease_until, created_at) values (${`lim:s${i}`}, 'send', ${`oc_lims${i}`}, ${`oc_lims${i}`}, 'text', 'sending', 0, 0, '2026-01-01')`);
    }
    expect(await st.duePending.all({ now: 1, floor: 0, limit: 1 })).toHaveLength(1);
    expect(await st.duePending.all({ now: 1, floor: 0, limit: 5 })).toHaveLength(2);
    expect(await st.orphaned.all({ now: 1, floor: 0, limit: 3 })).toHaveLength(3);
    expect(await st.orphaned.all({ now: 1, floor: 0, limit: 10 })).toHaveLength(4);
    expect(await st.queued.all({ key: 'lim:2' })).toHaveLength(1);
  });

  it("a row queued handed to the sender is no orphan until its lease ends, and the orphans' walk reads only such rows", async () => {
    const st = statements(dbh.db);
    const row = { campaignId: null, kind: 'reply', target: 'om_lease', targetType: 'message_id', chatId: 'oc_lease', msgType: 'text', createdAt: '2026-01-01' };
    const floor = Number((await dbh.db.get<{ m: number }>(sql`select coalesce(max(id), 0) as m from outbox`))!.m);
    st.queueClaimed.run({ ...row, dedupeKey: 'lease:1', leaseUntil: 5_000 });
    expect(await st.orphaned.all({ now: 4_999, floor, limit: 10 })).toEqual([]);
    expect((await st.orphaned.all({ now: 5_000, floor, limit: 10 })).map((r) => r.target)).toEqual(['om_lease']);
    const q = (st.orphaned as unknown as { getQuery(): { sql: string; params: unknown[] } }).getQuery();
    const plan = await dbh.db.all<{ detail: string }>(sql.raw(`explain query plan ${q.sql.replace(/\?/g, '1')}`));
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/outbox USING INDEX outbox_due \(status=\? AND next_attempt_at<\?\)/);
  });

  it('relations(): a task with its lead unit and its history in one relational query', async () => {
    const [c] = await dbh.db.insert(campaigns).values({ name: '关系测试', createdAt: '2026-01-01' }).returning();
    const [u] = await dbh.db.insert(units).values({ campaignId: c!.id, name: '区公安局' }).returning();
    const [t] = await dbh.db.insert(tasks).values({ campaignId: c!.id, seq: 1, title: '消防通道', leadUnitId: u!.id, deadline: '2026-12-31', createdAt: '2026-01-01' }).returning();
    await dbh.db.insert(taskEvents).values({ campaignId: c!.id, taskId: t!.id, kind: 'created', at: '2026-01-01' }).run();
    const found = await dbh.db.query.tasks.findFirst({ where: eq(tasks.id, t!.id), with: { leadUnit: true, events: true, campaign: true } });
    expect(found?.leadUnit?.name).toBe('区公安局');
    expect(found?.campaign.name).toBe('关系测试');
    expect(found?.events.map((e) => e.kind)).toEqual(['created']);
  });
});

/** The meta rows whose key starts with `prefix`. */
const keysLike = async (h: DbHandle, prefix: string) => Number((await h.db.select({ n: sql<number>`count(*)` }).from(meta).where(sql`${meta.key} like ${prefix + '%'}`))[0]!.n);

/** Opens a database with the checkpointer thread, runs `work` on it, and closes it. */
async function withCheckpointer(name: string, opts: SqliteOptions, work: (h: DbHandle, path: string) => Promise<void>) {
  const path = join(dir, name);
  const h = openSqlite(path, { backgroundCheckpoint: true, ...opts });
  try {
    await work(h, path);
  } finally {
    h.close();
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the WAL checkpointed from a worker thread', () => {
  it('a commit does not checkpoint; the worker copies the pages into the database file within a couple of seconds', () =>
    withCheckpointer('ckpt.db', {}, async (h, path) => {
      const before = statSync(path).size;
      // ≈8 MB in one commit: past the 1,000 pages at which SQLite's own commit would checkpoint before returning
      const value = 'x'.repeat(4000);
      await h.atomic(Array.from({ length: 2000 }, (_, i) => h.db.insert(meta).values({ key: `ck${i}`, value })));
      // right after the commit the pages are only in the WAL: the commit did not checkpoint
      expect(statSync(path).size).toBeLessThan(before + 1_000_000);
      let after = statSync(path).size;
      for (let i = 0; i < 40 && after < before + 4_000_000; i++) {
        await pause(100);
        after = statSync(path).size;
      }
      expect(after).toBeGreaterThan(before + 4_000_000);
      expect(await keysLike(h, 'ck')).toBe(2000);
    }));
});

describe('the WAL file after a burst', () => {
  it('is cut back to the size limit once it was checkpointed and starts over (journal_size_limit)', () => {
    const limit = 256 * 1024;
    return withCheckpointer('walsize.db', { walSizeLimit: limit }, async (h, path) => {
      const value = 'x'.repeat(4000);
      await h.atomic(Array.from({ length: 1500 }, (_, i) => h.db.insert(meta).values({ key: `ws${i}`, value })));
      const grown = statSync(`${path}-wal`).size;
      expect(grown).toBeGreaterThan(4_000_000);
      // each small commit after the checkpointer has copied everything starts the WAL over and cuts the file back
      let size = grown;
      for (let i = 0; i < 60 && size > limit; i++) {
        await pause(100);
        await h.db.insert(meta).values({ key: `wsafter${i}`, value: 'y' }).run();
        size = statSync(`${path}-wal`).size;
      }
      expect(size).toBeLessThanOrEqual(limit);
      expect(await keysLike(h, 'ws')).toBeGreaterThanOrEqual(1500);
    });
  });
});

describe('the WAL under writes that never pause for long', () => {
  it('starts over again and again instead of growing without end (commits 2 ms apart)', () =>
    withCheckpointer('walsteady.db', { walSizeLimit: 256 * 1024 }, async (h, path) => {
      const value = 'v'.repeat(3000);
      let rows = 0;
      let shrank = 0;
      let last = 0;
      let largest = 0;
      // Bound by the work, not the clock: on a loaded machine fewer commits fit in a second. Until the WAL has started
      // over three times, or 24 MB are written (checkpointing once a second, the WAL never started over and reached
      // 42–46 MB in 4 s of this), at most 20 s.
      const end = Date.now() + 20_000;
      while (shrank < 3 && rows * value.length < 24 * 2 ** 20 && Date.now() < end) {
        await h.grouped!(() => {
          for (let j = 0; j < 4; j++) h.db.insert(meta).values({ key: `steady${rows++}`, value }).run();
        });
        const size = statSync(`${path}-wal`).size;
        if (size < last) shrank++;
        last = size;
        largest = Math.max(largest, size);
        await pause(2);
      }
      expect(shrank).toBe(3);
      // Under 16 MB on a quiet machine; 18.9 MB once in a fresh-clone CI run, its checkpointer thread short of CPU. Never
      // starting over, it reached 42–46 MB: 24 MB keeps the two apart.
      expect(largest).toBeLessThan(24 * 2 ** 20);
      expect(await keysLike(h, 'steady')).toBe(rows);
    }));
});

describe('group commit (DbHandle.grouped)', () => {
  it('work queued in one turn commits together; each resolves with its own result', async () => {
    const put = (key: string) => dbh.grouped!(() => dbh.db.insert(meta).values({ key, value: key }).run());
    const before = (await dbh.db.select().from(meta)).length;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => put(`g${i}`)));
    expect(results.every((r) => (r as { changes: number }).changes === 1)).toBe(true);
    expect((await dbh.db.select().from(meta)).length).toBe(before + 50);
  });

  it('one work that throws rejects alone and leaves nothing of its own; the others of its turn are stored', async () => {
    const ok1 = dbh.grouped!(() => dbh.db.insert(meta).values({ key: 'ok1', value: '1' }).run());
    const bad = dbh.grouped!(() => {
      dbh.db.insert(meta).values({ key: 'half', value: 'written before the throw' }).run();
      throw new Error('boom');
    });
    const ok2 = dbh.grouped!(() => dbh.db.insert(meta).values({ key: 'ok2', value: '2' }).run());
    await expect(bad).rejects.toThrow('boom');
    await Promise.all([ok1, ok2]);
    const keys = (await dbh.db.select({ k: meta.key }).from(meta)).map((r) => r.k);
    expect(keys).toContain('ok1');
    expect(keys).toContain('ok2');
    expect(keys).not.toContain('half');
  });

  it('waits for an interactive transaction that is open, and does not join it', async () => {
    let inner: Promise<unknown> | undefined;
    await expect(
      dbh.transaction!(async () => {
        await dbh.db.insert(meta).values({ key: 'rolled back', value: 'x' }).run();
        inner = dbh.grouped!(() => dbh.db.insert(meta).values({ key: 'kept', value: 'y' }).run());
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await inner;
    const keys = (await dbh.db.select({ k: meta.key }).from(meta)).map((r) => r.k);
    expect(keys).toContain('kept');
    expect(keys).not.toContain('rolled back');
  });
});

describe('deliveredUnder (the cards a change patches)', () => {
  it('finds the delivered rows under a key and its `key:…` copies only; % and _ in a key are plain characters', async () => {
    const { deliveredUnder, queue } = await import('../src/outbox.js');
    const clock = { now: () => new Date('2026-11-27T01:00:00Z') };
    const send = (key: string) => ({ dedupeKey: key, kind: 'send' as const, target: 'oc_x', msgType: 'text' as const, content: '{"text":"x"}' });
    await queue(dbh, clock, ['n_1:issued', 'n_1:issued:oc_a', 'n_1:issued:ou_b', 'nx1:issued:oc_c', 'n_1:issuedX', 'n_1:issued:pending', 'n_10:issued:oc_d'].map(send));
    // Lark accepted all but one
    await dbh.db.run(sql`update outbox set message_id = 'om_' || id, status = 'sent' where dedupe_key <> 'n_1:issued:pending'`);
    const found = await deliveredUnder(dbh, 'n_1:issued');
    expect(found.map((r) => r.key).sort()).toEqual(['n_1:issued', 'n_1:issued:oc_a', 'n_1:issued:ou_b']);
    expect(found.every((r) => r.messageId.startsWith('om_'))).toBe(true);
    expect(await deliveredUnder(dbh, 'n%')).toEqual([]);
  });
});
