// Issue 16, finding 3: the sandbox is for the person at this machine. Another web page cannot post to it (CSRF) and a
// DNS name pointed at 127.0.0.1 cannot read it (DNS rebinding); bodies are JSON and small.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../db/schema.js';
import { configSchema } from '../src/config.js';
import { startServer, type Server } from '../src/server.js';

let s: Server;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duban-sbsec-'));
  const config = configSchema.parse({ PORT: '0', DATABASE_PATH: join(dir, 'duban.db'), LOG_LEVEL: 'silent' });
  s = await startServer({ config, scheduler: false, sandboxStart: '2026-11-23T09:00:00+08:00' });
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw HTTP request, so the Host header can be what a rebinding DNS name would send. */
function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, method, path, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const message = JSON.stringify({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
const inboxCount = async () => (await s.runtime.dbh.db.select().from(inbox)).length;

describe('sandbox: CSRF and DNS rebinding', () => {
  it('a text/plain post (what a cross-origin form or no-preflight fetch sends) is refused with 415 and stores nothing', async () => {
    const before = await inboxCount();
    const r = await raw('POST', '/sandbox/api/send', { host: `127.0.0.1:${s.port}`, 'content-type': 'text/plain' }, message);
    expect(r.status).toBe(415);
    expect(await inboxCount()).toBe(before);
  });

  it('a JSON post from another origin is refused with 403', async () => {
    const before = await inboxCount();
    const r = await raw('POST', '/sandbox/api/send', { host: `127.0.0.1:${s.port}`, 'content-type': 'application/json', origin: 'http://evil.example' }, message);
    expect(r.status).toBe(403);
    expect(r.text).toContain('cross-origin');
    expect(await inboxCount()).toBe(before);
  });

  it('a Host that is not this machine (a rebinding DNS name) is refused for reads and writes', async () => {
    const read = await raw('GET', '/sandbox/api/state', { host: `evil.example:${s.port}` });
    expect(read.status).toBe(403);
    expect(read.text).not.toContain('新河');
    const write = await raw('POST', '/sandbox/api/send', { host: `evil.example:${s.port}`, 'content-type': 'application/json', origin: `http://evil.example:${s.port}` }, message);
    expect(write.status).toBe(403);
  });

  it('a body over the limit is refused with 413', async () => {
    const big = JSON.stringify({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: 'x'.repeat(100_000) });
    const r = await raw('POST', '/sandbox/api/send', { host: `127.0.0.1:${s.port}`, 'content-type': 'application/json' }, big);
    expect(r.status).toBe(413);
  });

  it('a card click nested 10,000 levels deep is refused with 400, not a 500', async () => {
    const deep = '{"x":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const body = `{"from":"ou_chenbo","chat":"oc_xinhe_office","value":${deep}}`;
    const r = await raw('POST', '/sandbox/api/card', { host: `127.0.0.1:${s.port}`, 'content-type': 'application/json' }, body);
    expect(r.status).toBe(400);
    expect(r.text).toContain('nested');
  });

  it('the page itself still works: same-origin JSON from localhost, 127.0.0.1 and [::1] Host names', async () => {
    for (const host of [`localhost:${s.port}`, `127.0.0.1:${s.port}`, `[::1]:${s.port}`]) {
      const r = await raw('POST', '/sandbox/api/send', { host, 'content-type': 'application/json', origin: `http://${host}`, 'sec-fetch-site': 'same-origin' }, message);
      expect(r.status, host).toBe(200);
      expect(JSON.parse(r.text).ok).toBe(true);
    }
    expect((await raw('GET', '/sandbox/api/state', { host: `localhost:${s.port}` })).status).toBe(200);
  });
});
