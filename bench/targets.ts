// The comparison servers for the webhook bench, each run as its own process: a no-op Hono route on the same Node
// adapter as Duban, and the official SDK's EventDispatcher on plain node:http handling the same encrypted events.
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { Hono } from 'hono';

const which = process.argv[2];
const port = Number(process.env.PORT);
const key = process.env.LARK_ENCRYPT_KEY ?? '';

if (which === 'noop-hono') {
  const app = new Hono();
  app.post('/lark/events', (c) => c.json({}));
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => process.send?.('ready'));
} else if (which === 'sdk-dispatcher') {
  const dispatcher = new lark.EventDispatcher({ encryptKey: key, loggerLevel: lark.LoggerLevel.error }).register({
    'im.message.receive_v1': async () => ({}),
  });
  createServer(lark.adaptDefault('/lark/events', dispatcher, { autoChallenge: true })).listen(port, '127.0.0.1', () => process.send?.('ready'));
} else {
  process.stderr.write('usage: targets.ts noop-hono|sdk-dispatcher\n');
  process.exit(2);
}
