// The Lark messenger loaded on first use: the SDK and its dependencies cost about 30 MB of memory in each thread that
// loads them (measured on the compiled server), so the Node server loads them when it first talks to Lark, and with a
// handler thread only there (the main thread's messenger calls the thread's: src/handler-host.ts).
import type { Config } from '../config.js';
import type { Log } from '../log.js';
import type { Messenger } from './messenger.js';

/** A Messenger whose calls wait for `load` the first time. */
export function lazyMessenger(load: () => Promise<Messenger>): Messenger {
  let loading: Promise<Messenger> | undefined;
  const m = () => (loading ??= load().catch((err: unknown) => {
    loading = undefined;
    throw err;
  }));
  return {
    kind: 'lark',
    deliver: async (d) => (await m()).deliver(d),
    botOpenId: async () => (await m()).botOpenId(),
    uploadFile: async (name, bytes) => (await m()).uploadFile(name, bytes),
    createCalendarEvent: async (e) => (await m()).createCalendarEvent(e),
    deleteCalendarEvent: async (id) => (await m()).deleteCalendarEvent(id),
  };
}

/**
 * The SDK's messenger for the configured app over undici's keep-alive pool (src/lark/undici-http.ts), loaded on first
 * use; `close` closes the pool if it was opened.
 */
export function larkMessenger(config: Config, log: Log): { messenger: Messenger; close(): Promise<void> } {
  let closePool: (() => Promise<void>) | undefined;
  const messenger = lazyMessenger(async () => {
    const [{ createLarkClient, LarkMessenger }, { undiciHttp }, { plainCache }] = await Promise.all([import('./sdk-messenger.js'), import('./undici-http.js'), import('./token-cache.js')]);
    const http = undiciHttp();
    closePool = () => http.close();
    // our cache, so that a token Lark refused can be dropped (LarkMessenger)
    const tokens = plainCache();
    return new LarkMessenger(createLarkClient({ appId: config.LARK_APP_ID!, appSecret: config.LARK_APP_SECRET!, domain: config.LARK_DOMAIN, httpInstance: http, cache: tokens }), log, tokens);
  });
  return { messenger, close: async () => closePool?.() };
}
