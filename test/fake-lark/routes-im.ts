// Auth, bot, IM (messages, chats, files) and contact routes of the fake Lark API.
import { checkCard } from './card-rules.js';
import { fail, ok, parseMultipart } from './http-util.js';
import type { FakeMessage, FakeState, Route, RouteCtx, RouteReply } from './types.js';

const RECEIVE_ID_TYPES = new Set(['chat_id', 'open_id', 'user_id', 'union_id', 'email']);
const MSG_TYPES = new Set(['text', 'post', 'interactive', 'file', 'image', 'share_chat']);
/** 文本消息最大不能超过 150 KB (cards: 30 KB, checked in card-rules.ts). */
const MAX_TEXT_BYTES = 150 * 1024;
const UUID_TTL_MS = 60 * 60 * 1000;

function issueToken(ctx: RouteCtx, field: 'tenant_access_token' | 'app_access_token'): RouteReply {
  const { app_id, app_secret } = (ctx.body ?? {}) as { app_id?: string; app_secret?: string };
  // Real Lark answers these business failures with HTTP 200; the SDK checks for the token field.
  if (!app_id || !app_secret) return { status: 200, body: { code: 10003, msg: 'invalid param' } };
  if (app_secret !== ctx.state.appSecret) return { status: 200, body: { code: 10014, msg: 'app secret invalid' } };
  const token = ctx.state.nextId('t-fake-');
  ctx.state.tokenApps.set(token, app_id);
  const body: Record<string, unknown> = { code: 0, msg: 'ok', expire: 7200 };
  body[field] = token;
  if (field === 'app_access_token') body['tenant_access_token'] = token;
  return { status: 200, body };
}

function senderApp(ctx: RouteCtx): string {
  const auth = String(ctx.headers['authorization'] ?? '');
  return ctx.state.tokenApps.get(auth.replace(/^Bearer\s+/i, '')) ?? 'cli_fake';
}

function larkMessage(m: FakeMessage, app: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    message_id: m.message_id,
    msg_type: m.msg_type,
    create_time: String(m.at),
    update_time: String(m.at),
    deleted: false,
    updated: (m.patched ?? 0) > 0,
    chat_id: m.chat_id,
    sender: { id: app, id_type: 'app_id', sender_type: 'app', tenant_key: 'tk_fake' },
    body: { content: m.raw },
    mentions: [],
  };
  if (m.reply_to) {
    out['root_id'] = m.reply_to;
    out['parent_id'] = m.reply_to;
    if (m.reply_in_thread) out['thread_id'] = `omt_${m.reply_to}`;
  }
  return out;
}

/**
 * Validates msg_type/content the way Lark does: an error reply, or the content parsed (once: the card rules and the
 * stored message read it) with the notes on a card it accepts.
 */
function validateContent(ctx: RouteCtx, msgType: unknown, content: unknown): { bad: RouteReply } | { parsed: unknown; notes?: string[] } {
  if (typeof msgType !== 'string' || !MSG_TYPES.has(msgType)) {
    return { bad: fail(400, 230001, `invalid message content: unsupported msg_type ${String(msgType)}`) };
  }
  if (typeof content !== 'string') return { bad: fail(400, 230001, 'invalid message content: content must be a JSON string') };
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { bad: fail(400, 230001, 'invalid message content: content is not valid JSON') };
  }
  if (msgType !== 'interactive') {
    return Buffer.byteLength(content, 'utf8') > MAX_TEXT_BYTES ? { bad: fail(400, 230025, 'The length of the message content reaches its limit') } : { parsed };
  }
  const verdict = checkCard(content, parsed, (id) => ctx.state.fake.knowsUser(id));
  if (verdict.refusal) {
    ctx.state.fake.cardRefusals.push({ method: ctx.method, path: ctx.path, ...verdict.refusal, raw: content });
    return { bad: fail(400, verdict.refusal.code, verdict.refusal.msg) };
  }
  return verdict.notes.length ? { parsed, notes: verdict.notes } : { parsed };
}

/** Stores a message Lark accepted (its content as validateContent parsed it), or answers the one sent with its uuid. */
function accept(ctx: RouteCtx, draft: Omit<FakeMessage, 'message_id' | 'at'>): RouteReply {
  const { state } = ctx;
  const now = Date.now();
  const app = senderApp(ctx);
  state.recordSend(draft.chat_id, now);
  if (draft.uuid) {
    const seen = state.uuids.get(draft.uuid);
    if (seen && now - seen.at < UUID_TTL_MS) {
      const prev = state.fake.messages.find((m) => m.message_id === seen.message_id);
      if (prev) return ok(larkMessage(prev, app));
    }
  }
  const msg: FakeMessage = { ...draft, message_id: state.nextId('om_fake_'), at: now };
  state.fake.messages.push(msg);
  state.messageChat.set(msg.message_id, msg.chat_id);
  if (msg.uuid) state.uuids.set(msg.uuid, { message_id: msg.message_id, at: now });
  return ok(larkMessage(msg, app));
}

function createMessage(ctx: RouteCtx): RouteReply {
  const rit = ctx.query['receive_id_type'];
  if (!rit || !RECEIVE_ID_TYPES.has(rit)) return fail(400, 99992402, 'field validation failed: receive_id_type');
  const b = (ctx.body ?? {}) as Record<string, unknown>;
  if (typeof b['receive_id'] !== 'string' || !b['receive_id']) return fail(400, 99992402, 'field validation failed: receive_id');
  const checked = validateContent(ctx, b['msg_type'], b['content']);
  if ('bad' in checked) return checked.bad;
  return accept(ctx, {
    ...(checked.notes ? { cardNotes: checked.notes } : {}),
    chat_id: b['receive_id'],
    receive_id_type: rit,
    msg_type: b['msg_type'] as string,
    raw: b['content'] as string,
    content: checked.parsed,
    ...(typeof b['uuid'] === 'string' && b['uuid'] ? { uuid: b['uuid'] } : {}),
  });
}

function replyMessage(ctx: RouteCtx): RouteReply {
  const parent = ctx.params['message_id'] ?? '';
  const b = (ctx.body ?? {}) as Record<string, unknown>;
  const checked = validateContent(ctx, b['msg_type'], b['content']);
  if ('bad' in checked) return checked.bad;
  return accept(ctx, {
    ...(checked.notes ? { cardNotes: checked.notes } : {}),
    chat_id: ctx.state.messageChat.get(parent) ?? '',
    receive_id_type: 'reply',
    msg_type: b['msg_type'] as string,
    raw: b['content'] as string,
    content: checked.parsed,
    reply_to: parent,
    ...(b['reply_in_thread'] === true ? { reply_in_thread: true } : {}),
    ...(typeof b['uuid'] === 'string' && b['uuid'] ? { uuid: b['uuid'] } : {}),
  });
}

/** PATCH (cards) and PUT (text/post) both edit a sent message in place. */
function editMessage(ctx: RouteCtx): RouteReply {
  const id = ctx.params['message_id'] ?? '';
  const msg = ctx.state.fake.messages.find((m) => m.message_id === id);
  if (!msg) return fail(400, 230011, 'The message is not found or was recalled');
  const b = (ctx.body ?? {}) as Record<string, unknown>;
  const msgType = typeof b['msg_type'] === 'string' ? b['msg_type'] : msg.msg_type;
  const checked = validateContent(ctx, msgType, b['content']);
  if ('bad' in checked) return checked.bad;
  if (checked.notes) msg.cardNotes = checked.notes;
  else delete msg.cardNotes;
  msg.raw = b['content'] as string;
  msg.content = checked.parsed;
  msg.msg_type = msgType;
  msg.patched = (msg.patched ?? 0) + 1;
  return ctx.method === 'PUT' ? ok(larkMessage(msg, senderApp(ctx))) : ok({});
}

function getMessage(ctx: RouteCtx): RouteReply {
  const msg = ctx.state.fake.messages.find((m) => m.message_id === ctx.params['message_id']);
  if (!msg) return fail(400, 230011, 'The message is not found or was recalled');
  return ok({ items: [larkMessage(msg, senderApp(ctx))] });
}

function chatInfo(state: FakeState, chatId: string): { name: string; members: string[] } {
  return state.chats.get(chatId) ?? { name: chatId, members: [] };
}

function getChat(ctx: RouteCtx): RouteReply {
  const chatId = ctx.params['chat_id'] ?? '';
  const c = chatInfo(ctx.state, chatId);
  return ok({
    chat_id: chatId,
    name: c.name,
    description: '',
    avatar: '',
    owner_id: c.members[0] ?? '',
    owner_id_type: 'open_id',
    chat_mode: 'group',
    chat_type: 'private',
    chat_tag: 'inner',
    external: false,
    tenant_key: 'tk_fake',
    user_count: String(c.members.length),
    bot_count: '1',
  });
}

function chatMembers(ctx: RouteCtx): RouteReply {
  const c = chatInfo(ctx.state, ctx.params['chat_id'] ?? '');
  const items = c.members.map((id) => ({
    member_id_type: 'open_id',
    member_id: id,
    name: ctx.state.users.get(id)?.name ?? id,
    tenant_key: 'tk_fake',
  }));
  return ok({ items, page_token: '', has_more: false, member_total: items.length });
}

function getUser(ctx: RouteCtx): RouteReply {
  const id = ctx.params['user_id'] ?? '';
  const name = ctx.state.users.get(id)?.name ?? id;
  return ok({ user: { open_id: id, union_id: `on_${id}`, user_id: id, name, en_name: name, status: { is_activated: true } } });
}

function upload(ctx: RouteCtx, kind: 'file' | 'image'): RouteReply {
  const parts = parseMultipart(ctx.raw, String(ctx.headers['content-type'] ?? ''));
  const field = (n: string) => parts.find((p) => p.name === n);
  const blob = field(kind);
  if (!blob || blob.data.length === 0) return fail(400, 234010, `${kind} is empty or missing`);
  if (kind === 'image') {
    const key = ctx.state.nextId('img_v3_fake_');
    ctx.state.fake.files.push({ file_key: key, file_name: blob.filename ?? '', file_type: 'image', size: blob.data.length, data: blob.data });
    return ok({ image_key: key });
  }
  const key = ctx.state.nextId('file_v3_fake_');
  const file_name = field('file_name')?.data.toString('utf8') ?? blob.filename ?? '';
  const file_type = field('file_type')?.data.toString('utf8') ?? 'stream';
  ctx.state.fake.files.push({ file_key: key, file_name, file_type, size: blob.data.length, data: blob.data });
  return ok({ file_key: key });
}

export const imRoutes: Route[] = [
  { method: 'POST', pattern: '/open-apis/auth/v3/tenant_access_token/internal', public: true, handle: (c) => issueToken(c, 'tenant_access_token') },
  { method: 'POST', pattern: '/open-apis/auth/v3/app_access_token/internal', public: true, handle: (c) => issueToken(c, 'app_access_token') },
  {
    method: 'GET',
    pattern: '/open-apis/bot/v3/info',
    handle: (c) => ({
      status: 200,
      body: { code: 0, msg: 'ok', bot: { open_id: c.state.botOpenId, app_name: c.state.botName, activate_status: 2, avatar_url: '', ip_white_list: [] } },
    }),
  },
  { method: 'POST', pattern: '/open-apis/im/v1/messages', scope: 'im:message', send: true, handle: createMessage },
  { method: 'POST', pattern: '/open-apis/im/v1/messages/:message_id/reply', scope: 'im:message', send: true, handle: replyMessage },
  { method: 'PATCH', pattern: '/open-apis/im/v1/messages/:message_id', scope: 'im:message', handle: editMessage },
  { method: 'PUT', pattern: '/open-apis/im/v1/messages/:message_id', scope: 'im:message', handle: editMessage },
  { method: 'GET', pattern: '/open-apis/im/v1/messages/:message_id', scope: 'im:message', handle: getMessage },
  { method: 'GET', pattern: '/open-apis/im/v1/chats/:chat_id', scope: 'im:chat', handle: getChat },
  { method: 'GET', pattern: '/open-apis/im/v1/chats/:chat_id/members', scope: 'im:chat', handle: chatMembers },
  { method: 'GET', pattern: '/open-apis/contact/v3/users/:user_id', scope: 'contact:user.base:readonly', handle: getUser },
  { method: 'POST', pattern: '/open-apis/im/v1/files', scope: 'im:resource', handle: (c) => upload(c, 'file') },
  { method: 'POST', pattern: '/open-apis/im/v1/images', scope: 'im:resource', handle: (c) => upload(c, 'image') },
];
