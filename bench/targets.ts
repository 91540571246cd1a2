// The comparison servers for the webhook bench, each run as its own process: a no-op Hono route on the same Node
// adapter as Duban's other routes, and the official SDK's EventDispatcher on plain node:http handling the same
// encrypted events. bench/floor.ts adds three servers on plain node:http that do Duban's answer in layers, with no bot
// behind them: nothing (node-noop), Duban's checks (node-checks: verifyLarkRequest and checkEvent), and the checks plus
// the inbox row through the group commit (node-store, on DATABASE_PATH).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { serve } from '@hono/node-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { Hono } from 'hono';
import { openSqlite } from '../db/client.js';
import { statements } from '../db/statements.js';
import { checkEvent } from '../src/lark/inbound.js';
import { verifyLarkRequest } from '../src/lark/verify.js';

const which = process.argv[2];
const port = Number(process.env.PORT);
const key = process.env.LARK_ENCRYPT_KEY ?? '';
const ready = () => process.send?.('ready');

/** A plain node:http server that reads each body whole and answers what `answer` says. */
function plain(answer: (raw: string, req: IncomingMessage) => Promise<number> | number) {
  const send = (res: ServerResponse, status: number) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? '{}' : '{"error":"refused"}');
  };
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void Promise.resolve(answer(Buffer.concat(chunks).toString('utf8'), req)).then((status) => send(res, status)));
  }).listen(port, '127.0.0.1', ready);
}

const checks = (raw: string, req: IncomingMessage) => {
  const v = verifyLarkRequest(raw, (n) => req.headers[n] as string | undefined, { encryptKey: key, verificationToken: process.env.LARK_VERIFICATION_TOKEN, now: new Date() });
  if (!v.ok) return undefined;
  const c = checkEvent(v.body);
  return c.ok ? c.event : undefined;
};

if (which === 'noop-hono') {
  const app = new Hono();
  app.post('/lark/events', (c) => c.json({}));
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, ready);
} else if (which === 'sdk-dispatcher') {
  const dispatcher = new lark.EventDispatcher({ encryptKey: key, loggerLevel: lark.LoggerLevel.error }).register({
    'im.message.receive_v1': async () => ({}),
  });
  createServer(lark.adaptDefault('/lark/events', dispatcher, { autoChallenge: true })).listen(port, '127.0.0.1', ready);
} else if (which === 'node-noop') {
  plain(() => 200);
} else if (which === 'node-checks') {
  plain((raw, req) => (checks(raw, req) ? 200 : 401));
} else if (which === 'node-store') {
  // as the server opens its database: the checkpointer thread on, the same group commit and prepared insert (storeEvent,
  // what Bot.store runs on better-sqlite3)
  const dbh = openSqlite(process.env.DATABASE_PATH!, { backgroundCheckpoint: true });
  const insert = statements(dbh.db).storeEvent;
  plain(async (raw, req) => {
    const ev = checks(raw, req);
    if (!ev) return 401;
    const row = { eventId: ev.header.event_id, eventType: ev.header.event_type, receivedAt: new Date().toISOString(), payload: JSON.stringify(ev) };
    await dbh.grouped!(() => insert.run(row));
    return 200;
  });
} else {
  process.stderr.write('usage: targets.ts noop-hono|sdk-dispatcher|node-noop|node-checks|node-store\n');
  process.exit(2);
}
