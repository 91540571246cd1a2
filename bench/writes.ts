// npm run bench:writes — what the database writes for each event end to end, on the real schema and statements (this
// checkout's): the inbox row (commits of 8, as the group commit makes them under load), the handling (the reply queued
// already claimed with a card of about 6 KB, the event's claim and handled mark; commits of 3), the sent mark (commits
// of 3). Prints the WAL bytes and the CPU per event, and each phase's, in three rounds of 3,000 events after 20,000. The
// WAL bytes are the same from run to run (pages written whole at each commit; a checkpoint copies them again), the CPU
// moves with the box.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openSqlite } from '../db/client.js';
import { statements } from '../db/statements.js';
import { queueClaimedStatement } from '../src/outbox-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-writes-'));
const path = join(dir, 'x.db');
const dbh = openSqlite(path);
const raw = (dbh.db as unknown as { $client: Database.Database }).$client;
// no checkpoint within a round: what a round adds to the WAL is what it wrote
raw.pragma('wal_autocheckpoint = 0');
const st = statements(dbh.db);
// a reply card of about 6 KB (the bench's 帮助 card is 4.6 KB) and an event of about 1 KB, as stored
const card = { schema: '2.0', header: { title: { tag: 'plain_text', content: '督办 · 命令' } }, body: { elements: [{ tag: 'markdown', content: '**汇报** 本周进展：…… 问题：…… 下一步：……\n'.repeat(60) }] } };
const payload = JSON.stringify({ schema: '2.0', header: { event_id: 'x'.repeat(32) }, event: { message: { content: 'y'.repeat(900) } } });

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const walBytes = () => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
const PHASES = ['stored', 'handled', 'sent'] as const;
const used = { cpu: [0, 0, 0], wal: [0, 0, 0] };

/** Runs `commit` on `items` in commits of `size`, counting the CPU and WAL it took as phase `k`. */
function inCommits<T>(k: number, items: T[], size: number, commit: (x: T) => void) {
  const c = cpuUs();
  const w = walBytes();
  for (let i = 0; i < items.length; i += size) raw.transaction(() => items.slice(i, i + size).forEach(commit))();
  used.cpu[k]! += cpuUs() - c;
  used.wal[k]! += walBytes() - w;
}

/** `n` events end to end: each stored, handled (its reply queued claimed), and its reply marked sent. */
function events(n: number) {
  const at = () => new Date().toISOString();
  const evs = Array.from({ length: n }, () => ({ eventId: randomBytes(16).toString('hex'), messageId: `om_${randomBytes(12).toString('hex')}`, inboxId: 0, outboxId: 0 }));
  inCommits(0, evs, 8, (e) => {
    // as Bot.store does on better-sqlite3: no RETURNING, the row's id is the run's rowid
    e.inboxId = Number(st.storeEvent.run({ eventId: e.eventId, eventType: 'im.message.receive_v1', receivedAt: at(), payload }).lastInsertRowid);
  });
  inCommits(1, evs, 3, (e) => {
    const reply = { dedupeKey: `reply:${e.messageId}`, campaignId: null, kind: 'reply' as const, target: e.messageId, chatId: `oc_p2p_${e.messageId}`, msgType: 'interactive' as const, content: card };
    e.outboxId = queueClaimedStatement(dbh, reply, new Date(), Date.now() + 60_000).run()[0]!.id;
    // the claim written with the handled mark, as Bot.commit writes it on better-sqlite3
    st.writeClaim.run({ eventId: e.eventId, inboxId: e.inboxId, at: at() });
    st.markHandled.run({ id: e.inboxId, at: at(), outcome: 'ok' });
  });
  inCommits(2, evs, 3, (e) => st.markSent.run({ id: e.outboxId, sentAt: at(), messageId: `om_${randomBytes(8).toString('hex')}`, chatId: `oc_p2p_${e.messageId}` }));
}

const N = 3000;
events(20_000);
raw.pragma('wal_checkpoint(TRUNCATE)');
for (let round = 0; round < 3; round++) {
  used.cpu.fill(0);
  used.wal.fill(0);
  events(N);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const kb = (b: number) => (b / N / 1024).toFixed(1);
  process.stdout.write(
    `round ${round + 1}: ${kb(sum(used.wal))} KB of WAL and ${(sum(used.cpu) / N).toFixed(0)} µs of CPU per event; ${PHASES.map((p, i) => `${p} ${kb(used.wal[i]!)} KB, ${(used.cpu[i]! / N).toFixed(0)} µs`).join('; ')}\n`,
  );
  // (the WAL starts over from its beginning, so each round measures its own growth)
  raw.pragma('wal_checkpoint(TRUNCATE)');
}
dbh.close();
rmSync(dir, { recursive: true, force: true });
