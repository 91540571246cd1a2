// The SDK's transport on the Node server (src/lark/undici-http.ts) when Lark misbehaves below the API: a request that
// never answers, and a proxy's HTML error page. Each becomes an error the outbox retries; none hangs a send slot.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../src/lark/sdk-messenger.js';
import { undiciHttp } from '../src/lark/undici-http.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body>502 Bad Gateway</body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const caught = async (p: Promise<unknown>) => p.then(() => expect.fail('expected a failure'), (e: unknown) => e);

describe('undici transport', () => {
  it('a request Lark never answers fails after the timeout, without a response: the outbox retries it', async () => {
    const http = undiciHttp({ timeoutMs: 300 });
    const err = await caught(http.request({ url: `${base}/hang`, method: 'POST', data: { a: 1 } }));
    expect((err as { response?: unknown }).response).toBeUndefined();
    expect(classifyError(err)).toMatchObject({ ok: false, retry: true, transient: true });
    await http.close();
  });

  it("a proxy's HTML 502 comes back as the status with the text, and is retried as a server error", async () => {
    const http = undiciHttp();
    const err = await caught(http.post(`${base}/open-apis/im/v1/messages`, { receive_id: 'oc_x' }));
    expect((err as { response: { status: number; data: unknown } }).response).toMatchObject({ status: 502, data: expect.stringContaining('Bad Gateway') });
    expect(classifyError(err)).toMatchObject({ ok: false, retry: true, transient: true });
    await http.close();
  });
});
