// What keeps the sandbox to the person at this machine: whoever reaches it speaks as anyone of the plan, so a web page
// in another tab must not post to it (CSRF) and a hostile DNS name pointed at 127.0.0.1 must not read it (DNS
// rebinding). Requests are served only for a Host of this machine (or the configured HOST); a POST must be JSON
// (a cross-origin form or text/plain post needs no CORS preflight, JSON does), come from the same origin when the
// browser says where it comes from, and stay under a small body limit and nesting depth.
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { jsonDepth, MAX_JSON_DEPTH } from '../core/json-depth.js';

/** The sandbox's largest request: a message is at most 4,000 characters, a card form a few fields. */
export const SANDBOX_MAX_BODY = 64 * 1024;

const LOCAL_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** "Example.com:3000" → "example.com"; "[::1]:3000" → "[::1]"; undefined for a malformed Host. */
export function hostName(host: string): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

/** The host names the sandbox answers to: this machine's, and the HOST it was told to listen on. */
export function allowedHosts(configuredHost: string | undefined): Set<string> {
  const names = new Set(LOCAL_NAMES);
  if (configuredHost) {
    const h = configuredHost.trim().toLowerCase();
    names.add(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  }
  return names;
}

export function sandboxGuard(configuredHost: string | undefined) {
  const hosts = allowedHosts(configuredHost);
  const limit = bodyLimit({ maxSize: SANDBOX_MAX_BODY, onError: (c) => c.json({ ok: false, error: `body too large (the sandbox takes at most ${SANDBOX_MAX_BODY / 1024} KB)` }, 413) });
  return createMiddleware(async (c, next) => {
    const host = c.req.header('host') ?? '';
    const name = hostName(host);
    if (!name || !hosts.has(name)) {
      return c.json({ ok: false, error: `the sandbox answers only to ${[...hosts].join(', ')} (Host was "${host.slice(0, 100)}"); set HOST to serve another name` }, 403);
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(?:;|$)/i.test(type.trim())) return c.json({ ok: false, error: 'content-type must be application/json' }, 415);
    // Browsers name the page a request comes from; a page of another origin is refused. A client that names none
    // (curl, a test) is not a browser another site could drive.
    const origin = c.req.header('origin');
    if (origin !== undefined && !sameOrigin(origin, host)) return c.json({ ok: false, error: `cross-origin request refused (Origin ${origin.slice(0, 100)})` }, 403);
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return c.json({ ok: false, error: `cross-site request refused (Sec-Fetch-Site ${site.slice(0, 20)})` }, 403);
    return limit(c, async () => {
      // Measured before zod or JSON.parse walk it: a deep body would overflow the stack when stored.
      if (jsonDepth(await c.req.text(), MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        c.res = c.json({ ok: false, error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` }, 400);
        return;
      }
      await next();
    });
  });
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}
