// Who may use /admin/*: the holder of ADMIN_TOKEN. The token is compared in constant time: both sides are hashed
// (SHA-256, so their lengths leak nothing) and the digests compared byte by byte without an early exit, so the time of
// a wrong guess says nothing about how much of it was right. crypto.subtle is the same on Node and Workers.
import { createMiddleware } from 'hono/factory';


async function digest(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
}

/** Whether `given` equals `expected`, in time that does not depend on where they differ. */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** 404 while ADMIN_TOKEN is unset (the routes do not exist), 401 unless the request bears the token. */
export function adminAuth(token: string | undefined) {
  return createMiddleware(async (c, next) => {
    if (!token) return c.json({ error: 'not found' }, 404);
    const auth = c.req.header('authorization') ?? '';
    const given = /^Bearer (.+)$/.exec(auth)?.[1] ?? '';
    if (!(await sameSecret(given, token))) return c.json({ error: 'unauthorized' }, 401);
    await next();
  });
}
