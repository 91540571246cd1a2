// The webhook endpoint (webhook.ts) read straight off node:http: the Node server hands each request here first and
// passes on to the Hono app whatever is not POST /lark/events or /lark/cards. Same checks, same answers as the Hono
// route; it saves building a Web Request, Headers and Response for each of Lark's pushes (about a fifth of an answer's
// CPU time in `npm run bench`), and reads the body as Buffers counted against MAX_BODY as they arrive.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY, TOO_LARGE, type WebhookAnswer, type WebhookEndpoint, type WebhookRoute } from './webhook.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

function send(res: ServerResponse, a: WebhookAnswer, close = false): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(a.status, close ? { ...JSON_HEADERS, connection: 'close' } : JSON_HEADERS);
  res.end(JSON.stringify(a.body));
}

/** Answers the request and says true when it is one of the endpoint's routes; false leaves it to the next listener. */
export function nodeWebhook(endpoint: WebhookEndpoint): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = endpoint.route(path);
    if (!route) return false;
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const before = endpoint.beforeBody(header);
    if ('refuse' in before) {
      // Not read: Node discards the body after the answer (a declared length bounds it).
      send(res, before.refuse, before.refuse.status === 413);
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        // A body with no length that runs past the limit: answered at once, and the connection is closed rather than
        // read to its end.
        over = true;
        chunks.length = 0;
        res.once('finish', () => req.destroy());
        send(res, TOO_LARGE, true);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (over) return;
      const raw = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      void answer(route, raw);
    });
    req.once('error', () => res.destroy());
    const answer = async (r: WebhookRoute, raw: string) => {
      let a: WebhookAnswer;
      try {
        a = await endpoint.answer(r, raw, header);
      } catch (err) {
        a = endpoint.failed(path, err);
      }
      send(res, a);
    };
    return true;
  };
}
