// The long-connection receiver (Bolt's SocketModeReceiver): the SDK's WSClient carries Lark's events over a socket
// the app opens itself, so no public URL is needed (Node only: a Worker cannot hold the socket). Each event is turned
// back into the schema 2.0 shape the webhook delivers and handed to core.accept, stored before the SDK acknowledges it.
import * as lark from '@larksuiteoapi/node-sdk';
import type { Core } from '../../create-core.js';
import type { LarkEvent } from '../inbound.js';
import { larkDomain } from '../sdk-messenger.js';

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
}

const TYPES = ['im.message.receive_v1', 'im.chat.member.bot.added_v1', 'im.chat.member.bot.deleted_v1', 'card.action.trigger'] as const;

/** The SDK flattens header and event into one object; we rebuild the schema 2.0 shape the core reads. */
export function rebuild(data: Record<string, unknown>, type: string): LarkEvent {
  // Object.entries leaves out the SDK's own symbol-keyed markers, which are not Lark's data.
  const { event_id, token: _t, create_time, event_type: _e, tenant_key, app_id, ...event } = Object.fromEntries(Object.entries(data));
  return { schema: '2.0', header: { event_id: String(event_id ?? ''), event_type: type }, event: { ...event, create_time, tenant_key, app_id } };
}

export function longConnectionReceiver(core: Core, opts: LongConnectionOptions): { close(): void } {
  const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.warn });
  const handlers: Record<string, (data: Record<string, unknown>) => Promise<unknown>> = {};
  for (const type of TYPES) {
    handlers[type] = async (data) => {
      const res = await core.accept(rebuild(data, type));
      if (res.status !== 200) core.log.warn('long connection event refused', { type, error: res.body.error });
      // A card click's toast goes back over the socket as the callback's answer.
      return res.status === 200 && 'toast' in res.body ? res.body : undefined;
    };
  }
  dispatcher.register(handlers as Parameters<typeof dispatcher.register>[0]);
  // The SDK's WSClient quietly does nothing for an app id not of Lark's form; say it plainly instead.
  if (!/^cli_[0-9a-fA-F]{16}$/.test(opts.appId)) {
    core.log.error('LARK_MODE=ws needs the app id as the developer console shows it (cli_ and 16 hex digits); no long connection started', { app_id: opts.appId });
  }
  const ws = new lark.WSClient({ appId: opts.appId, appSecret: opts.appSecret, domain: larkDomain(opts.domain), loggerLevel: lark.LoggerLevel.warn });
  void ws.start({ eventDispatcher: dispatcher });
  return { close: () => ws.close({ force: true }) };
}
