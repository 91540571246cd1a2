// Issue 16, findings 1 and 2, at start: webhook mode refuses to run unsigned unless told so on purpose, a half
// configured app refuses to start (it used to fall back to the sandbox), the sandbox runs only with no LARK_*
// variable at all, refuses a database that holds Lark events unless SANDBOX=1, and never delivers Lark's rows.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config.js';
import { createLog } from '../src/log.js';
import { startServer, type Server } from '../src/server.js';
import { startFakeLark, type FakeLark } from './fake-lark/server.js';
import { appEnv, TOKEN } from './support/harness.js';
import { messageEvent } from './support/lark-events.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-start-'));
let n = 0;
const fresh = () => join(dir, `d${++n}.db`);
let fake: FakeLark | undefined;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (env: Record<string, string>, lines?: string[]) =>
  startServer({ config: configSchema.parse({ PORT: '0', LOG_LEVEL: 'info', ...env }), scheduler: false, log: lines ? createLog({}, (l) => lines.push(l)) : createLog({}, () => {}) });

describe('webhook mode and signatures (finding 1)', () => {
  it('without LARK_ENCRYPT_KEY the start is refused, saying how to set it', async () => {
    fake ??= await startFakeLark();
    const env = { ...appEnv(fake, fresh()), LARK_ENCRYPT_KEY: '' };
    await expect(start(env)).rejects.toThrow(/LARK_ENCRYPT_KEY is not set[\s\S]*Encrypt Key[\s\S]*LARK_ALLOW_UNSIGNED=1/);
  });

  it('LARK_ALLOW_UNSIGNED=1 starts it on purpose, with a warning at every start', async () => {
    fake ??= await startFakeLark();
    const lines: string[] = [];
    const env = { ...appEnv(fake, fresh()), LARK_ENCRYPT_KEY: '', LARK_ALLOW_UNSIGNED: '1' };
    server = await start(env, lines);
    const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_p2p_x', chatType: 'p2p', text: 'help', token: TOKEN });
    const res = await fetch(`${server.url}/lark/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ev) });
    expect(res.status).toBe(200);
    await server.close();
    server = await start(env, lines);
    expect(lines.filter((l) => l.includes('LARK_ALLOW_UNSIGNED=1: webhook requests are not signed'))).toHaveLength(2);
  });

  it('ws mode needs no encrypt key: it has no webhook', async () => {
    fake ??= await startFakeLark();
    server = await start({ ...appEnv(fake, fresh()), LARK_ENCRYPT_KEY: '', LARK_MODE: 'ws', LARK_APP_ID: 'cli_a1b2c3d4e5f60718' });
    expect((await fetch(`${server.url}/lark/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('the sandbox only on purpose (finding 2)', () => {
  it('LARK_APP_ID without LARK_APP_SECRET refuses the start (it used to start the sandbox)', async () => {
    await expect(start({ DATABASE_PATH: fresh(), LARK_APP_ID: 'cli_x', HOST: '0.0.0.0' })).rejects.toThrow(/LARK_APP_ID is set but LARK_APP_SECRET is empty/);
  });

  it('LARK_APP_SECRET without LARK_APP_ID refuses the start', async () => {
    await expect(start({ DATABASE_PATH: fresh(), LARK_APP_SECRET: 'secret' })).rejects.toThrow(/LARK_APP_SECRET is set but LARK_APP_ID is empty/);
  });

  it('any other LARK_* variable without the app refuses the start', async () => {
    await expect(start({ DATABASE_PATH: fresh(), LARK_ENCRYPT_KEY: 'k', LARK_DOMAIN: 'lark' })).rejects.toThrow(/LARK_DOMAIN, LARK_ENCRYPT_KEY are set without LARK_APP_ID/);
  });

  it('with no LARK_* variable the sandbox starts', async () => {
    server = await start({ DATABASE_PATH: fresh() });
    expect((await fetch(`${server.url}/sandbox`)).status).toBe(200);
  });

  it('a database that holds Lark events is refused by the sandbox; SANDBOX=1 uses it without delivering Lark’s rows', async () => {
    fake ??= await startFakeLark();
    const path = fresh();
    // Lark mode first: an event is stored, and a message waits for Lark (which is down).
    fake.setFaults({ down: true });
    server = await start(appEnv(fake, path));
    const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_p2p_chenbo', chatType: 'p2p', text: 'help' });
    const { deliver } = await import('./support/lark-events.js');
    const d = deliver(ev, appEnv(fake, path).LARK_ENCRYPT_KEY);
    expect((await fetch(`${server.url}/lark/events`, { method: 'POST', headers: d.headers, body: d.body })).status).toBe(200);
    await server.runtime.settled();
    await server.close();
    server = undefined;
    fake.setFaults({});
    const pending = () => (new Database(path, { readonly: true }).prepare("select count(*) n from outbox where status = 'pending'").get() as { n: number }).n;
    expect(pending()).toBe(1);

    await expect(start({ DATABASE_PATH: path })).rejects.toThrow(/holds \d+ Lark events[\s\S]*SANDBOX=1/);
    server = await start({ DATABASE_PATH: path, SANDBOX: '1' });
    // the sandbox talks and delivers its own messages…
    const res = await fetch(`${server.url}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat: 'oc_p2p_sandbox_ou_chenbo', from: 'ou_chenbo', text: '帮助' }) });
    expect(res.status).toBe(200);
    await server.runtime.sender.drain(5_000);
    // …and leaves Lark's pending message for Lark
    expect(pending()).toBe(1);
  });
});

describe('the port', () => {
  it('a port already taken stops the start, saying which, with nothing left running; the port holder is untouched', async () => {
    fake ??= await startFakeLark();
    const first = await start(appEnv(fake, fresh()));
    try {
      const db = fresh();
      await expect(start({ ...appEnv(fake, db), PORT: String(first.port) })).rejects.toThrow(new RegExp(`Duban did not start: cannot listen on .*:${first.port}: .*EADDRINUSE`));
      // the refused start closed its database: another process may open it and write at once
      const sqlite = new Database(db, { timeout: 0 });
      sqlite.exec('create table if not exists t (x); insert into t values (1)');
      sqlite.close();
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    } finally {
      await first.close();
    }
  });
});

describe('a bad plan file at start', () => {
  it('stops the start with its problems and leaves nothing running: the database is closed (its WAL file gone)', async () => {
    fake ??= await startFakeLark();
    const db = fresh();
    const plan = join(dir, 'bad.plan.yaml');
    writeFileSync(plan, 'campaign: { name: 坏方案 }\nunits: 这不是一个列表\n');
    await expect(start({ ...appEnv(fake, db), PLAN_FILE: plan })).rejects.toThrow(/was not applied; nothing was written/);
    // the last connection to a WAL database removes its -wal file when it closes: the runtime's and its checkpointer's
    expect(existsSync(`${db}-wal`)).toBe(false);
  });
});
