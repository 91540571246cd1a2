// Local fake of the Lark Open Platform HTTP API for tests: records calls and messages, injects faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from './faults.js';
import { matchPath, readBody } from './http-util.js';
import { LimitTracker } from './limits.js';
import { planUsers } from './plan-users.js';
import { calendarRoutes } from './routes-calendar.js';
import { imRoutes } from './routes-im.js';
import { attachWsGateway, wsEndpointRoute } from './ws-gateway.js';
import {
  DEFAULT_SCOPES,
  type FakeLark,
  type FakeMessage,
  type FakeState,
  type FaultConfig,
  type FaultKind,
  type Route,
  type RouteReply,
  type StartOptions,
} from './types.js';

export type {
  CardRefusal,
  FakeCalendarEvent,
  FakeCall,
  FakeFile,
  FakeLark,
  FakeMessage,
  FaultConfig,
  FaultKind,
  MemberSeed,
  StartOptions,
} from './types.js';

const ROUTES: Route[] = [...imRoutes, ...calendarRoutes, wsEndpointRoute];

function summarize(messages: FakeMessage[]): string {
  if (messages.length === 0) return '  (no messages)';
  return messages
    .map((m, i) => {
      const text = JSON.stringify(m.content).slice(0, 160);
      const reply = m.reply_to ? ` reply_to=${m.reply_to}` : '';
      return `  #${i} ${m.message_id} chat=${m.chat_id || "''"}${reply} ${m.msg_type} ${text}`;
    })
    .join('\n');
}

/** What goes into `calls`: never the app secret, never file bytes. */
function recordableBody(route: Route | undefined, ctype: string, parsed: any, raw: Buffer): any {
  if (route?.public && parsed && typeof parsed === 'object') return { ...parsed, app_secret: '***' };
  if (ctype.startsWith('multipart/')) return { multipart: true, bytes: raw.length };
  return parsed;
}

export async function startFakeLark(opts: StartOptions = {}): Promise<FakeLark> {
  const injector = new FaultInjector();
  const limits = new LimitTracker();
  let counter = 0;

  const fake: FakeLark = {
    url: '',
    ws: undefined as unknown as FakeLark['ws'], // set once the HTTP server exists
    calls: [],
    messages: [],
    faults: { ...(opts.faults ?? {}) },
    scopes: new Set<string>(DEFAULT_SCOPES),
    files: [],
    calendarEvents: [],
    cardRefusals: [],
    knowsUser: (openId) => state.users.has(openId) || opts.knows?.(openId) === true,
    setFaults(f: FaultConfig) {
      fake.faults = { ...f };
      injector.reseed(f.seed);
    },
    failNext(n: number, kind: FaultKind) {
      injector.failNext(n, kind);
    },
    outage(ms: number) {
      const until = Date.now() + ms;
      fake.faults = { ...fake.faults, downUntil: until };
      return new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 1));
    },
    isDown: () => Boolean(fake.faults.down) || (fake.faults.downUntil !== undefined && Date.now() < fake.faults.downUntil),
    limitViolations: () => limits.violations(),
    messagesIn: (chatId: string) => fake.messages.filter((m) => m.chat_id === chatId),
    waitFor(pred, timeoutMs = 5000) {
      const started = Date.now();
      return new Promise<void>((resolve, reject) => {
        const tick = () => {
          let done = false;
          try {
            done = pred(fake.messages);
          } catch {
            // A predicate that indexes into a not-yet-filled array should just keep waiting.
          }
          if (done) return resolve();
          if (Date.now() - started >= timeoutMs) {
            return reject(
              new Error(`fake-lark waitFor timed out after ${timeoutMs} ms; ${fake.messages.length} message(s):\n${summarize(fake.messages)}`),
            );
          }
          setTimeout(tick, 10);
        };
        tick();
      });
    },
    setAppSecret(secret) {
      state.appSecret = secret;
    },
    revokeTokens() {
      for (const token of state.tokenApps.keys()) state.revoked.add(token);
    },
    refuseIp: false,
    reset() {
      fake.refuseIp = false;
      fake.calls.length = 0;
      fake.messages.length = 0;
      fake.files.length = 0;
      fake.calendarEvents.length = 0;
      fake.cardRefusals.length = 0;
      fake.faults = {};
      injector.clear();
      limits.reset();
      state.uuids.clear();
      fake.scopes.clear();
      for (const s of DEFAULT_SCOPES) fake.scopes.add(s);
    },
    seedChat(chatId, info) {
      const members: string[] = [];
      for (const m of info.members ?? []) {
        if (typeof m === 'string') members.push(m);
        else {
          members.push(m.open_id);
          if (m.name) state.users.set(m.open_id, { name: m.name });
        }
      }
      state.chats.set(chatId, { name: info.name ?? chatId, members });
    },
    seedMessage(messageId, chatId) {
      state.messageChat.set(messageId, chatId);
    },
    seedUser(openId, info) {
      state.users.set(openId, { name: info.name ?? openId });
    },
    close: () => close(),
  };

  const state: FakeState = {
    fake,
    botOpenId: opts.botOpenId ?? 'ou_bot',
    botName: opts.botName ?? '督办',
    appSecret: opts.appSecret ?? 'secret',
    chats: new Map(),
    users: new Map([...planUsers()].map(([id, name]) => [id, { name }])),
    messageChat: new Map(),
    uuids: new Map(),
    tokenApps: new Map(),
    revoked: new Set(),
    wsEndpointCalls: [],
    nextId: (prefix) => `${prefix}${++counter}`,
    recordSend: (chatId, at) => limits.record(chatId, at),
  };
  injector.reseed(fake.faults.seed);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    const raw = await readBody(req);
    const ctype = String(req.headers['content-type'] ?? '');
    let params: Record<string, string> = {};
    const route = ROUTES.find((r) => {
      if (r.method !== method) return false;
      const p = matchPath(r.pattern, url.pathname);
      if (p) params = p;
      return p !== null;
    });
    let body: any = undefined;
    let badJson = false;
    if (raw.length > 0 && ctype.includes('json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        badJson = true;
      }
    }
    const record = (status: number) =>
      fake.calls.push({ method, path: url.pathname, query, body: recordableBody(route, ctype, body, raw), headers: { ...req.headers }, status, at });
    const destroy = () => {
      record(0);
      req.socket.destroy();
    };
    const send = (r: RouteReply) => {
      record(r.status);
      const payload = JSON.stringify(r.body);
      res.writeHead(r.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(payload),
        'x-tt-logid': `fake-log-${fake.calls.length}`,
        ...(r.headers ?? {}),
      });
      res.end(payload);
    };

    if (fake.isDown()) return destroy();
    if (!route) return send({ status: 404, body: { code: 404, msg: 'not found' } });
    if (!route.public) {
      if (fake.refuseIp) return send({ status: 400, body: { code: 99991401, msg: 'request ip not allowed' } });
      const auth = String(req.headers['authorization'] ?? '');
      if (!/^Bearer t-fake-\S+$/.test(auth)) {
        const msg = auth ? 'Invalid access token for authorization' : 'Missing access token';
        return send({ status: 401, body: { code: 99991661, msg } });
      }
      if (state.revoked.has(auth.slice('Bearer '.length))) {
        return send({ status: 401, body: { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' } });
      }
    }
    if (badJson) return send({ status: 400, body: { code: 9499, msg: 'Bad Request: body is not valid JSON' } });
    if (route.scope && !fake.scopes.has(route.scope)) {
      const msg = `Access denied. One of the following scopes is required: [${route.scope}]`;
      return send({ status: 400, body: { code: 99991672, msg } });
    }
    if (route.send) {
      if (fake.faults.refuseText && typeof body?.content === 'string' && body.content.includes(fake.faults.refuseText)) {
        if (fake.faults.refuseAs && fake.faults.refuseAs !== 'serverError') return send(injector.reply(fake.faults.refuseAs, fake.faults));
        return send({ status: 500, body: { code: 500, msg: 'Internal Server Error' } });
      }
      const fault = injector.decide(fake.faults);
      if (fault === 'down') return destroy();
      if (fault) return send(injector.reply(fault, fake.faults));
      if (fake.faults.slowMs && (fake.faults.slowFor === undefined || body?.receive_id === fake.faults.slowFor)) await new Promise((r) => setTimeout(r, fake.faults.slowMs));
    }
    send(route.handle({ state, method, path: url.pathname, params, query, body, raw, headers: req.headers }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the fake should surface as a 500 the test can see, not a hung request.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 500, msg: `fake-lark internal error: ${String(err)}` }));
      }
    });
  });

  const gateway = attachWsGateway(server);
  fake.ws = { clients: gateway.clients, push: gateway.push, endpointCalls: state.wsEndpointCalls };

  const close = () =>
    new Promise<void>((resolve, reject) => {
      gateway.close();
      server.close((err) => (err ? reject(err) : resolve()));
      // Keep-alive sockets from the SDK's axios agent would otherwise hold close() open.
      server.closeAllConnections();
    });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
