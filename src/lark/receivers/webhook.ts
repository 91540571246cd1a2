// The webhook receiver (Bolt's HTTPReceiver): Lark's POST /lark/events and /lark/cards. It checks the request on its
// raw bytes (decrypt, signature, 5-minute window, token: src/lark/verify.ts), answers url_verification, and hands the
// one event to core.accept. Mounted only in webhook mode; in ws mode these routes do not exist.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { Core } from '../../create-core.js';
import { verifyLarkRequest } from '../verify.js';

const MAX_BODY = 256 * 1024;

export interface WebhookOptions {
  encryptKey?: string;
  verificationToken?: string;
}

export function webhookReceiver(core: Core, opts: WebhookOptions): Hono {
  const app = new Hono();
  const { log } = core;

  const streamLimit = bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.json({ error: 'body too large' }, 413) });
  // A declared length is checked from the header (Node's HTTP parser and workerd deliver exactly that many bytes), and
  // the body is then read on the adapter's fast path; only a body without a length is counted as it streams in.
  const limit = createMiddleware(async (c, next) => {
    const len = c.req.header('content-length');
    if (len === undefined || !/^\d{1,15}$/.test(len)) return streamLimit(c, next);
    if (Number(len) > MAX_BODY) return c.json({ error: 'body too large' }, 413);
    await next();
  });
  // Lark posts JSON. A body declared as something else (a form, text/plain) did not come from Lark: refused before it
  // is read. A request without a content type is read as JSON; the signature decides.
  const json = createMiddleware(async (c, next) => {
    const type = c.req.header('content-type');
    if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim())) {
      return c.json({ error: 'content-type must be application/json' }, 415);
    }
    await next();
  });

  const verified = async (c: { req: { text(): Promise<string>; header(n: string): string | undefined } }) =>
    verifyLarkRequest(await c.req.text(), (n) => c.req.header(n), { ...opts, now: core.clock.now() });

  app.post('/lark/events', json, limit, async (c) => {
    const v = await verified(c);
    if (!v.ok) {
      log.warn('event refused', { status: v.status, reason: v.reason });
      return c.json({ error: v.reason }, v.status);
    }
    if (v.challenge !== undefined) return c.json({ challenge: v.challenge });
    // Card callbacks configured to the event URL arrive here too; core.accept tells them apart.
    const res = await core.accept(v.body);
    return c.json(res.body, res.status);
  });

  app.post('/lark/cards', json, limit, async (c) => {
    const v = await verified(c);
    if (!v.ok) {
      log.warn('card callback refused', { status: v.status, reason: v.reason });
      return c.json({ error: v.reason }, v.status);
    }
    if (v.challenge !== undefined) return c.json({ challenge: v.challenge });
    // Only card actions come here; another event would be recorded under its event_id as a card click and then
    // dropped as a redelivery when it arrives at /lark/events.
    if (v.body.header?.event_type !== 'card.action.trigger') {
      log.warn('card callback refused', { status: 400, reason: 'not a card action', type: v.body.header?.event_type });
      return c.json({ error: `not a card action (event_type ${v.body.header?.event_type})` }, 400);
    }
    const res = await core.accept(v.body);
    return c.json(res.body, res.status);
  });

  return app;
}
