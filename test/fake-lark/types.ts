// Public and internal types of the fake Lark Open Platform used by tests.

export interface FakeMessage {
  message_id: string;
  /** For create: the receive_id (a chat id, or the user id for DMs). For replies: the replied-to message's chat, or '' if unknown. */
  chat_id: string;
  receive_id_type: string;
  msg_type: string;
  /** JSON.parse'd content */
  content: any;
  raw: string;
  uuid?: string;
  reply_to?: string;
  reply_in_thread?: boolean;
  /** Date.now() at accept */
  at: number;
  /** how many times PATCH/PUT edited this message */
  patched?: number;
  /** for cards: documented limits this card goes past that Lark drops silently (see card-rules.ts) */
  cardNotes?: string[];
}

/** A card the fake refused, as real Lark would (card-rules.ts). */
export interface CardRefusal {
  method: string;
  path: string;
  code: number;
  msg: string;
  raw: string;
}

export interface FaultConfig {
  /** fraction 0..1 of message sends answered HTTP 429 {code:99991400} with header x-ogw-ratelimit-reset */
  rateLimit?: number;
  /** fraction answered HTTP 400 {code:230020,msg:'This chat is being rate limited'} */
  chatRateLimit?: number;
  /** fraction answered HTTP 500/502/503 */
  serverError?: number;
  /** every request: connection destroyed */
  down?: boolean;
  /** a time-based outage: every request is destroyed while Date.now() < downUntil (epoch ms); see FakeLark.outage */
  downUntil?: number;
  seed?: number;
  /** every message send is answered this many milliseconds late (Lark slow) */
  slowMs?: number;
  /** with slowMs: only sends to this receive_id are late (one chat slow) */
  slowFor?: string;
  /** sends whose content holds this text are answered HTTP 500 (Lark refusing one message while it accepts others) */
  refuseText?: string;
  /** with refuseText: how those sends are refused (default 'serverError', an HTTP 500) */
  refuseAs?: Exclude<FaultKind, 'down'>;
  /** value of x-ogw-ratelimit-reset on injected 429s (default 1) */
  resetSeconds?: number;
}

export type FaultKind = 'rateLimit' | 'chatRateLimit' | 'serverError' | 'down';

export interface FakeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** HTTP status answered; 0 when the connection was destroyed */
  status: number;
  at: number;
}

export interface FakeFile {
  file_key: string;
  file_name: string;
  file_type: string;
  size: number;
  /** the uploaded bytes, so a test can read the file the bot sent */
  data: Buffer;
}

export interface FakeCalendarEvent {
  calendar_id: string;
  event_id: string;
  summary: string;
  start_time: any;
  end_time: any;
  attendees: any[];
  deleted?: boolean;
  /** the create call's idempotency_key: Lark answers the same event when a key comes again */
  idempotency_key?: string;
  body: any;
}

export type MemberSeed = string | { open_id: string; name?: string };

export interface FakeLark {
  /** http://127.0.0.1:PORT */
  url: string;
  /** the long-connection gateway (LARK_MODE=ws): connected clients, and events pushed down the socket */
  ws: import('./ws-gateway.js').WsGateway & { endpointCalls: Array<{ appId: string; ok: boolean }> };
  calls: FakeCall[];
  /** accepted messages (create + reply), in order; uuid repeats within 1 hour are not added again */
  messages: FakeMessage[];
  /** mutable at runtime */
  faults: FaultConfig;
  setFaults(f: FaultConfig): void;
  /** deterministic: the next n message sends fail that way */
  failNext(n: number, kind: FaultKind): void;
  /** an outage of `ms` real milliseconds from now (sets faults.downUntil; other faults are kept); resolves when it is over */
  outage(ms: number): Promise<void>;
  /** true while `down` or a time-based outage is in effect */
  isDown(): boolean;
  /** granted scopes */
  scopes: Set<string>;
  /** the app secret the token endpoint accepts from now on (the secret reset in the developer console) */
  setAppSecret(secret: string): void;
  /** the tenant tokens issued so far are refused from now on, with 99991663 (revoked before their expiry) */
  revokeTokens(): void;
  /**
   * while true, API calls answer 99991401: this machine's IP is not in the app's IP whitelist (the token endpoints,
   * which the whitelist does not cover, still answer)
   */
  refuseIp: boolean;
  limitViolations(): { app1s: number; app1min: number; chat1s: number };
  messagesIn(chatId: string): FakeMessage[];
  waitFor(pred: (m: FakeMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  /** clears calls, messages, files, calendar events, faults, pending failNext, limit counters; restores default scopes; keeps seeds */
  reset(): void;
  seedChat(chatId: string, info: { name?: string; members?: MemberSeed[] }): void;
  seedMessage(messageId: string, chatId: string): void;
  seedUser(openId: string, info: { name?: string }): void;
  files: FakeFile[];
  calendarEvents: FakeCalendarEvent[];
  /** cards refused by the card JSON 2.0 check, in order */
  cardRefusals: CardRefusal[];
  /** whether this tenant has a user with this open_id: seeded users, plan people, or StartOptions.knows */
  knowsUser(openId: string): boolean;
  close(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  faults?: FaultConfig;
  /** default 'ou_bot' */
  botOpenId?: string;
  /** default '督办' */
  botName?: string;
  /** the app_secret the token endpoint accepts (default 'secret') */
  appSecret?: string;
  /** users of the tenant besides seeded ones and the people of the repository's plan files (a bench's generated people) */
  knows?: (openId: string) => boolean;
}

export const DEFAULT_SCOPES = [
  'im:message',
  'im:chat',
  'contact:user.base:readonly',
  'calendar:calendar',
  'im:resource',
] as const;

/** Internal world the route handlers read and mutate. */
export interface FakeState {
  fake: FakeLark;
  botOpenId: string;
  botName: string;
  appSecret: string;
  chats: Map<string, { name: string; members: string[] }>;
  users: Map<string, { name: string }>;
  /** message_id → chat_id for seeded inbound and sent messages */
  messageChat: Map<string, string>;
  /** uuid → message_id + accept time, for 1-hour idempotency */
  uuids: Map<string, { message_id: string; at: number }>;
  /** sender app id per issued token */
  tokenApps: Map<string, string>;
  /** tokens refused from now on (FakeLark.revokeTokens) */
  revoked: Set<string>;
  /** long-connection endpoint requests: app id, and whether the secret was right */
  wsEndpointCalls: Array<{ appId: string; ok: boolean }>;
  nextId(prefix: string): string;
  /** count a non-fault-injected send toward the rate-limit tracker */
  recordSend(chatId: string, at: number): void;
}

export interface RouteCtx {
  state: FakeState;
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  /** raw request body, for multipart */
  raw: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export interface RouteReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: string;
  /** scope that must be granted, else HTTP 400 code 99991672 */
  scope?: string;
  /** message sends are where faults other than `down` are injected */
  send?: boolean;
  /** token endpoints are reachable without a bearer token */
  public?: boolean;
  handle(ctx: RouteCtx): RouteReply;
}
