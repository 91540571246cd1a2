// The webhook endpoint (webhook.ts) read straight off node:http: the Node server hands each request here first and
// passes on to the Hono app whatever is not POST /lark/events or /lark/cards. Same checks, same answers as the Hono
// route; it saves building a Web Request, Headers and Response for each of Lark's pushes (a tenth to a sixth of an
// answer's CPU time in the server, by A/B: README, bench), and reads the body as Buffers counted against MAX_BODY as
// they arrive.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY, TOO_LARGE, type WebhookAnswer, type WebhookEndpoint } from './webhook.js';

/** The answer, with its length (as Hono sends it). */
function send(res: ServerResponse, a: WebhookAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(a.body);
  res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/**
 * A refusal before the whole body was read: answered, and the connection closed once the answer is out, so the rest of
 * the body (a declared length of up to 15 digits, or chunks with no end) is never read.
 */
function refuse(req: IncomingMessage, res: ServerResponse, a: WebhookAnswer): void {
  if (res.headersSent || res.destroyed) return;
  res.setHeader('connection', 'close');
  res.once('finish', () => req.destroy());
  send(res, a);
}

/**
 * Every value of a header, joined as Web Headers join them (Node's req.headers keeps only the first of a repeated
 * content-type). Read in one pass over the raw headers at the first call: req.headersDistinct builds an array for each.
 */
function headerReader(raw: string[]): (name: string) => string | undefined {
  let joined: Map<string, string> | undefined;
  return (name) => {
    if (!joined) {
      joined = new Map();
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const key = raw[i]!.toLowerCase();
        const before = joined.get(key);
        joined.set(key, before === undefined ? raw[i + 1]! : `${before}, ${raw[i + 1]!}`);
      }
    }
    return joined.get(name);
  };
}

/**
 * Answers the request and says true when it is one of the endpoint's routes; false leaves it to the next listener.
 * `accepted` is told of each request answered 200 (checked as Lark's, and stored).
 */
export function nodeWebhook(endpoint: WebhookEndpoint, hooks: { accepted?(): void } = {}): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = endpoint.route(path);
    if (!route) return false;
    const header = headerReader(req.rawHeaders);
    const before = endpoint.beforeBody(header);
    if ('refuse' in before) {
      refuse(req, res, before.refuse);
      return true;
    }
    // the whole body's answer, or the 500 of one that threw
    const answer = async (raw: string) => {
      let a: WebhookAnswer;
      try {
        a = await endpoint.answer(route, raw, header);
      } catch (err) {
        a = endpoint.failed(path, err);
      }
      if (a.status === 200) hooks.accepted?.();
      send(res, a);
    };
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
        refuse(req, res, TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (over) return;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      // A leading byte order mark is dropped, as the Hono mount's Request.text() drops it: both check the same text.
      void answer(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    });
    req.once('error', () => res.destroy());
    return true;
  };
}
