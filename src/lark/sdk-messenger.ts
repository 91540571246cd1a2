// Messenger over the official SDK client: sends, replies, patches, uploads and calendar calls go to the Open Platform.
// Errors are classified for the sender: rate limits and 5xx retry, other 4xx fail the row for an operator to see.
import { createHash } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Log } from '../log.js';
import type { TokenCache } from './token-cache.js';
import type { CalendarEventInput, Delivery, DeliveryResult, Messenger } from './messenger.js';

export interface LarkAppConfig {
  appId: string;
  appSecret: string;
  /** 'feishu', 'lark' or a base URL */
  domain: string;
  /** where the tenant token is kept (default: inside the client) */
  cache?: TokenCache;
  /** the HTTP transport (default: the SDK's axios; Node passes undici, src/lark/undici-http.ts) */
  httpInstance?: ConstructorParameters<typeof lark.Client>[0]['httpInstance'];
}

export function larkDomain(domain: string): lark.Domain | string {
  if (domain === 'feishu') return lark.Domain.Feishu;
  if (domain === 'lark') return lark.Domain.Lark;
  return domain.replace(/\/+$/, '');
}

const quietLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

export function createLarkClient(c: LarkAppConfig): lark.Client {
  return new lark.Client({
    appId: c.appId,
    appSecret: c.appSecret,
    domain: larkDomain(c.domain),
    ...(c.cache ? { cache: c.cache as never } : {}),
    ...(c.httpInstance ? { httpInstance: c.httpInstance } : {}),
    // The SDK logs request errors with their whole config; ours are enough and never carry secrets.
    loggerLevel: lark.LoggerLevel.fatal,
    logger: quietLogger,
  });
}

/** Lark's message uuid is at most 50 characters; our dedupe keys are longer and readable, so we hash them. */
export const larkUuid = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 40);

/** Lark limiting us (99991400, 230020): retried after its reset time. */
const RETRYABLE_CODES = new Set([99991400, 230020]);
/** Lark refused the tenant token we sent (missing, revoked, expired early): a fresh one is fetched for the next try. */
const TOKEN_REFUSED = new Set([99991661, 99991663]);
/** This server's IP is not in the app's IP whitelist. */
const IP_REFUSED = 99991401;

interface HttpError {
  response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, string> };
  code?: string;
  message?: string;
  /** the path asked for (our transport's LarkHttpError) */
  path?: string;
}

/**
 * tokenRefused: Lark refused the token itself (the messenger then drops it from its cache); setupKind: which setup
 * problem `setup` describes (its log line is said once per kind, whatever Lark's message)
 */
type Refusal = DeliveryResult & { ok: false; tokenRefused?: boolean; setupKind?: keyof typeof SETUP };

/** What the operator must fix, for the answers about the app rather than the message (DeliveryResult.setup). */
export const SETUP = {
  credentials: (detail: string) =>
    `Lark refused the app's credentials when the bot asked for its access token (${detail}): check LARK_APP_ID and LARK_APP_SECRET against the app's page in the developer console (凭证与基础信息), then restart.`,
  token: (detail: string) =>
    `Lark refused the bot's access token (${detail}): a new one is fetched for each try; if this goes on, check that the app is enabled and LARK_APP_SECRET is the current secret.`,
  ip: (detail: string) =>
    `Lark refused this server's IP address (${detail}): add it to the app's IP whitelist in the developer console (安全设置 → IP 白名单), or turn the whitelist off.`,
};

/** How often a setup problem that lasts is logged again. */
export const SETUP_LOG_EVERY_MS = 10 * 60_000;

/**
 * When each kind of setup problem was last logged, per token cache: the app's state that outlives a messenger (a Worker
 * builds a messenger for each request around one cache, and would otherwise say it on each).
 */
const setupLogged = new WeakMap<object, Map<keyof typeof SETUP, number>>();

/** What a setup problem's log line ends with. */
export const SETUP_WAITS = 'Until then replies wait in the outbox and group messages in the inbox, and go once it is fixed.';

/** The token endpoints: what they refuse for good is the app's id or secret (10003 invalid param, 10014 app secret invalid). */
const TOKEN_ENDPOINT = /^\/open-apis\/auth\/v3\//;

/** A setup refusal: retried as long as it lasts, with what to fix. */
const setupRefusal = (kind: keyof typeof SETUP, error: string, detail: string): Refusal => ({ ok: false, retry: true, transient: true, error, setup: SETUP[kind](detail), setupKind: kind });

/** A refusal that carries Lark's code: the same reading whether it came as an HTTP error or in a 200's body. */
function byCode(code: number, msg: string, retryAfterMs?: number): Refusal {
  if (RETRYABLE_CODES.has(code)) return { ok: false, retry: true, transient: true, retryAfterMs, error: msg };
  if (code === IP_REFUSED) return setupRefusal('ip', msg, msg);
  if (TOKEN_REFUSED.has(code)) return { ...setupRefusal('token', msg, msg), tokenRefused: true };
  return { ok: false, retry: false, error: msg };
}

/** The SDK's error when the token endpoint answered without a token (src: its buildTokenError). */
const TOKEN_FAILED = /failed to get (?:tenant|app)_access_token, code: (\S+), msg: (.*)$/s;

export function classifyError(err: unknown): Refusal {
  const e = err as HttpError;
  const status = e.response?.status;
  const code = e.response?.data?.code;
  const msg = `${status ?? e.code ?? 'network'} ${code ?? ''} ${e.response?.data?.msg ?? e.message ?? ''}`.trim();
  if (!e.response) {
    const refused = TOKEN_FAILED.exec(e.message ?? '');
    if (refused) {
      const tokenCode = Number(refused[1]);
      const detail = `code ${refused[1]}: ${refused[2]}`;
      // no code (an empty answer): as a network failure
      if (!Number.isInteger(tokenCode)) return { ok: false, retry: true, transient: true, error: `token endpoint: ${detail}` };
      // limited on the token endpoint, or any code read as it is elsewhere; what else it refuses is the credentials
      const read = byCode(tokenCode, detail);
      if (!read.retry) return setupRefusal('credentials', `token refused: ${detail}`, detail);
      return { ...read, error: `token endpoint: ${detail}` };
    }
    return { ok: false, retry: true, transient: true, error: `network: ${msg}` };
  }
  const reset = Number(e.response.headers?.['x-ogw-ratelimit-reset']);
  const retryAfterMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
  if (status === 429) return { ok: false, retry: true, transient: true, retryAfterMs, error: msg };
  const refusal = readStatus(status, code, msg, retryAfterMs);
  // The token endpoint refusing for good with an error status (rather than a 200 that carries the code, the SDK's
  // token error above): the credentials, not the message.
  if (!refusal.retry && e.path && TOKEN_ENDPOINT.test(e.path)) return setupRefusal('credentials', `token refused: ${msg}`, msg);
  return refusal;
}

/** An answer with an error status: by Lark's code when it has one, a 5xx otherwise an outage. */
function readStatus(status: number | undefined, code: number | undefined, msg: string, retryAfterMs: number | undefined): Refusal {
  if (code !== undefined) {
    const refusal = byCode(code, msg, retryAfterMs);
    if (refusal.retry || status === undefined || status < 500) return refusal;
  }
  if (status !== undefined && status >= 500) return { ok: false, retry: true, transient: true, error: msg };
  return { ok: false, retry: false, error: msg };
}

interface Resp {
  code?: number;
  msg?: string;
  data?: { message_id?: string; chat_id?: string };
}

export class LarkMessenger implements Messenger {
  readonly kind = 'lark' as const;
  private botId: string | undefined;
  private calendarId: string | undefined;
  private calendarDenied = false;

  constructor(
    readonly client: lark.Client,
    private readonly log: Log,
    /** the client's token cache (createLarkClient's `cache`), cleared when Lark refuses the token */
    private readonly tokens?: TokenCache,
    /** the clock that spaces the setup problems' log lines (tests move it) */
    private readonly now: () => number = Date.now,
  ) {}

  async deliver(d: Delivery): Promise<DeliveryResult> {
    const uuid = larkUuid(d.uuid);
    try {
      let res: Resp;
      if (d.kind === 'reply') {
        res = await this.client.im.v1.message.reply({ path: { message_id: d.target }, data: { content: d.content, msg_type: d.msgType, uuid } });
      } else if (d.kind === 'patch') {
        res = await this.client.im.v1.message.patch({ path: { message_id: d.target }, data: { content: d.content } });
      } else {
        res = await this.client.im.v1.message.create({
          params: { receive_id_type: d.targetType as 'chat_id' },
          data: { receive_id: d.target, msg_type: d.msgType, content: d.content, uuid },
        });
      }
      if (res.code && res.code !== 0) return await this.refused(byCode(res.code, `${res.code} ${res.msg ?? ''}`));
      return { ok: true, messageId: res.data?.message_id, chatId: res.data?.chat_id };
    } catch (err) {
      return await this.refused(classifyError(err));
    }
  }

  /** A refused token is dropped from the cache, so the next try asks for a new one; a setup problem is said. */
  private async refused(r: Refusal): Promise<Refusal> {
    if (r.tokenRefused) await this.tokens?.clear();
    if (r.setup && r.setupKind) {
      // at most once every SETUP_LOG_EVERY_MS for each kind while it lasts, not once per message or try
      const now = this.now();
      const owner = this.tokens ?? this;
      const logged = setupLogged.get(owner) ?? new Map<keyof typeof SETUP, number>();
      setupLogged.set(owner, logged);
      const last = logged.get(r.setupKind);
      if (last === undefined || now - last >= SETUP_LOG_EVERY_MS) {
        logged.set(r.setupKind, now);
        this.log.error(`${r.setup} ${SETUP_WAITS}`);
      }
    }
    return r;
  }

  async botOpenId(): Promise<string | undefined> {
    if (this.botId) return this.botId;
    try {
      const res = (await this.client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as { bot?: { open_id?: string } };
      this.botId = res.bot?.open_id;
    } catch (err) {
      const c = await this.refused(classifyError(err));
      if (!c.setup) this.log.warn('bot info unavailable', { error: c.error });
    }
    return this.botId;
  }

  async uploadFile(name: string, bytes: Buffer): Promise<string> {
    const res = await this.client.im.v1.file.create({ data: { file_type: name.endsWith('.xlsx') ? 'xls' : name.endsWith('.docx') ? 'doc' : 'stream', file_name: name, file: bytes } });
    if (!res?.file_key) throw new Error('upload answered no file_key');
    return res.file_key;
  }

  private async primaryCalendar(): Promise<string | undefined> {
    if (this.calendarId || this.calendarDenied) return this.calendarId;
    try {
      const res = await this.client.calendar.v4.calendar.primary({ params: { user_id_type: 'open_id' } });
      this.calendarId = res.data?.calendars?.[0]?.calendar?.calendar_id;
    } catch (err) {
      const c = await this.refused(classifyError(err));
      if (!c.retry) {
        this.calendarDenied = true;
        this.log.warn('calendar scope missing: meetings are kept in Duban only (grant calendar:calendar to add Lark events)', { error: c.error });
        return undefined;
      }
      throw err;
    }
    return this.calendarId;
  }

  async createCalendarEvent(e: CalendarEventInput): Promise<string | undefined> {
    const calendarId = await this.primaryCalendar();
    if (!calendarId) return undefined;
    const ts = (d: Date) => String(Math.floor(d.getTime() / 1000));
    const res = await this.client.calendar.v4.calendarEvent.create({
      path: { calendar_id: calendarId },
      ...(e.idempotencyKey ? { params: { idempotency_key: e.idempotencyKey } } : {}),
      data: {
        summary: e.summary,
        description: e.description,
        start_time: { timestamp: ts(e.startsAt), timezone: e.timezone },
        end_time: { timestamp: ts(e.endsAt), timezone: e.timezone },
        location: { name: e.location },
        attendee_ability: 'can_see_others',
      },
    });
    const eventId = res.data?.event?.event_id;
    if (eventId && e.attendeeOpenIds.length) {
      await this.client.calendar.v4.calendarEventAttendee.create({
        path: { calendar_id: calendarId, event_id: eventId },
        params: { user_id_type: 'open_id' },
        data: { attendees: e.attendeeOpenIds.map((id) => ({ type: 'user' as const, user_id: id })), need_notification: true },
      });
    }
    return eventId;
  }

  async deleteCalendarEvent(eventId: string): Promise<void> {
    const calendarId = await this.primaryCalendar();
    if (!calendarId) return;
    await this.client.calendar.v4.calendarEvent.delete({ path: { calendar_id: calendarId, event_id: eventId }, params: { need_notification: 'true' } });
  }
}
