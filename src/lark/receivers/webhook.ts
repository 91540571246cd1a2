// The webhook receiver (Bolt's HTTPReceiver): Lark's POST /lark/events and /lark/cards. It checks the request on its
// raw bytes (decrypt, signature, 5-minute window, token: src/lark/verify.ts), answers url_verification, and hands the
// one event to core.accept. Mounted only in webhook mode; in ws mode these routes do not exist.
//
// One endpoint, two mounts: `webhookReceiver` is the Hono route (Workers, and the Node server's other paths), and
// src/lark/receivers/webhook-node.ts reads the same two routes straight off node:http on the Node server, where
// Hono's Request and Response objects cost more than the rest of an answer's checks (bench/README). Both give the
// endpoint the raw body and a header reader and send back what it answers.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { Core } from '../../create-core.js';
import { internalError } from '../../log.js';
import { verifyLarkRequest } from '../verify.js';

/** The largest body read; Lark's events and card callbacks are a few KB. */
export const MAX_BODY = 256 * 1024;

export interface WebhookOptions {
  encryptKey?: string;
  verificationToken?: string;
}

export type WebhookRoute = 'events' | 'cards';

/** What the endpoint answers: a status and a JSON body. */
export interface WebhookAnswer {
  status: 200 | 400 | 401 | 413 | 415 | 500;
  body: Record<string, unknown>;
}

type Header = (name: string) => string | undefined;

export interface WebhookEndpoint {
  /** the route a path names, if it is one of the two */
  route(path: string): WebhookRoute | undefined;
  /**
   * Refusals decided from the headers alone, before the body is read: a declared content type other than JSON (415),
   * a declared length past MAX_BODY (413). `streamed` says the body has no usable length and must be counted as it
   * arrives.
   */
  beforeBody(header: Header): { refuse: WebhookAnswer } | { streamed: boolean };
  /** the answer to a whole body that came within MAX_BODY */
  answer(route: WebhookRoute, raw: string, header: Header): Promise<WebhookAnswer>;
  /** what a request that threw is answered (logged without the body, as the Hono app's onError does) */
  failed(path: string, err: unknown): WebhookAnswer;
}

export const TOO_LARGE: WebhookAnswer = { status: 413, body: { error: 'body too large' } };

export function webhookEndpoint(core: Core, opts: WebhookOptions): WebhookEndpoint {
  const { log } = core;
  return {
    route: (path) => (path === '/lark/events' ? 'events' : path === '/lark/cards' ? 'cards' : undefined),
    beforeBody(header) {
      // Lark posts JSON. A body declared as something else (a form, text/plain) did not come from Lark: refused before
      // it is read. A request without a content type is read as JSON; the signature decides.
      const type = header('content-type');
      if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim())) {
        return { refuse: { status: 415, body: { error: 'content-type must be application/json' } } };
      }
      // A declared length is checked from the header (Node's HTTP parser and workerd deliver exactly that many bytes);
      // only a body without a length is counted as it streams in.
      const len = header('content-length');
      if (len === undefined || !/^\d{1,15}$/.test(len)) return { streamed: true };
      if (Number(len) > MAX_BODY) return { refuse: TOO_LARGE };
      return { streamed: false };
    },
    async answer(route, raw, header) {
      const what = route === 'events' ? 'event' : 'card callback';
      const v = verifyLarkRequest(raw, header, { ...opts, now: core.clock.now() });
      if (!v.ok) {
        log.warn(`${what} refused`, { status: v.status, reason: v.reason });
        return { status: v.status, body: { error: v.reason } };
      }
      if (v.challenge !== undefined) return { status: 200, body: { challenge: v.challenge } };
      // Card callbacks configured to the event URL arrive at /lark/events too; core.accept tells them apart. Only card
      // actions come to /lark/cards: another event would be recorded under its event_id as a card click and then
      // dropped as a redelivery when it arrives at /lark/events.
      if (route === 'cards' && v.body.header?.event_type !== 'card.action.trigger') {
        log.warn('card callback refused', { status: 400, reason: 'not a card action', type: v.body.header?.event_type });
        return { status: 400, body: { error: `not a card action (event_type ${v.body.header?.event_type})` } };
      }
      const res = await core.accept(v.body);
      return { status: res.status, body: res.body };
    },
    failed: (path, err) => internalError(log, path, err),
  };
}

/** The endpoint as Hono routes (Workers; tests of the app). */
export function webhookReceiver(endpoint: WebhookEndpoint): Hono {
  const app = new Hono();
  const streamLimit = bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.json(TOO_LARGE.body, TOO_LARGE.status) });
  const before = createMiddleware(async (c, next) => {
    const b = endpoint.beforeBody((n) => c.req.header(n));
    if ('refuse' in b) return c.json(b.refuse.body, b.refuse.status);
    if (b.streamed) return streamLimit(c, next);
    await next();
  });
  for (const route of ['events', 'cards'] as const) {
    app.post(`/lark/${route}`, before, async (c) => {
      const res = await endpoint.answer(route, await c.req.text(), (n) => c.req.header(n));
      return c.json(res.body, res.status);
    });
  }
  return app;
}
