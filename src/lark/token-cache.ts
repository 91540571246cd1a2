// The SDK's token cache as plain data (key → value and expiry), so a Worker keeps the tenant access token between
// requests without keeping anything a request made and another would await (the SDK's default cache is the same
// shape, held inside each client; a Worker builds a client per request).
export interface TokenCache {
  set(key: string | symbol, value: unknown, expire?: number, options?: { namespace?: string }): Promise<boolean>;
  get(key: string | symbol, options?: { namespace?: string }): Promise<unknown>;
  /** forgets every value (a token Lark refused) */
  clear(): Promise<void>;
}

export function plainCache(now: () => number = Date.now): TokenCache {
  const values = new Map<string, { value: unknown; expiresAt?: number }>();
  const keyOf = (key: string | symbol, ns?: string) => `${ns ?? ''}:${String(key)}`;
  return {
    async set(key, value, expire, options) {
      values.set(keyOf(key, options?.namespace), { value, expiresAt: expire });
      return true;
    },
    async clear() {
      values.clear();
    },
    async get(key, options) {
      const k = keyOf(key, options?.namespace);
      const hit = values.get(k);
      if (!hit) return undefined;
      // The SDK passes an absolute expiry in milliseconds.
      if (hit.expiresAt !== undefined && hit.expiresAt <= now()) {
        values.delete(k);
        return undefined;
      }
      return hit.value;
    },
  };
}
