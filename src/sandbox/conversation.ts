// One chat's conversation in the sandbox: the users' messages and card clicks are the inbox rows of that chat (the
// Lark events the page built), the bot's messages are the delivered outbox rows (what Lark would show). Patches
// replace the message they patch, as Lark does.
import { commandOfClick } from '../pipeline/card-actions.js';
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.js';
import { inbox, outbox, outboxContent } from '../../db/schema.js';
import { cardHtml } from './card-html.js';
import { BOT_NAME, isP2p, p2pOwner } from './events.js';
import { escapeHtml, textHtml, type Names } from './markdown.js';

export interface ShownMessage {
  key: string;
  at: string;
  when: string;
  /** who sent it: a person's open_id, or 'bot' */
  from: string;
  fromName: string;
  kind: 'user' | 'bot' | 'action';
  html: string;
  /** the Lark message id of a bot message (a card click names it as its context) */
  messageId?: string;
}

const WEEKDAY = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const LIMIT = 300;

export function when(iso: string, zone: string): string {
  const d = DateTime.fromISO(iso, { zone });
  return d.isValid ? `${d.toFormat('MM-dd')} ${WEEKDAY[d.weekday]} ${d.toFormat('HH:mm')}` : '';
}

interface MessagePayload {
  event?: {
    sender?: { sender_id?: { open_id?: string } };
    message?: { content?: string; mentions?: Array<{ key?: string; name?: string }> };
    operator?: { open_id?: string };
    action?: { value?: unknown; form_value?: Record<string, unknown> };
  };
}

function userMessageHtml(p: MessagePayload): string {
  let text = '';
  try {
    text = String((JSON.parse(p.event?.message?.content ?? '{}') as { text?: unknown }).text ?? '');
  } catch {
    text = '';
  }
  let html = escapeHtml(text).replace(/\n/g, '<br>');
  for (const m of p.event?.message?.mentions ?? []) if (m.key) html = html.split(escapeHtml(m.key)).join(`<span class="at">@${escapeHtml(m.name ?? '')}</span>`);
  return html;
}

function clickHtml(p: MessagePayload): string {
  // The command the click stood for, as the server mapped it (pipeline/card-actions.ts).
  const click = commandOfClick(p.event?.action?.value, p.event?.action?.form_value);
  return `点击了按钮 / clicked: <code>${escapeHtml(click.ok ? click.text : JSON.stringify(p.event?.action?.value ?? {}))}</code>`;
}

function botHtml(msgType: string, content: string, names: Names): string {
  let c: Record<string, unknown> = {};
  try {
    c = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return escapeHtml(content);
  }
  if (msgType === 'interactive') return cardHtml(c, names);
  if (msgType === 'file') return `<a class="file" href="/sandbox/api/files/${encodeURIComponent(String(c.file_key ?? ''))}">📎 文件 / file</a>`;
  return textHtml(String(c.text ?? ''), names);
}

/** The messages of one chat, oldest first (the latest LIMIT). */
export async function conversation(db: Db, chatId: string, zone: string, names: Names): Promise<ShownMessage[]> {
  const chatOfEvent = sql`coalesce(json_extract(${inbox.payload}, '$.event.message.chat_id'), json_extract(${inbox.payload}, '$.event.context.open_chat_id'))`;
  const ins = await db
    .select({ eventId: inbox.eventId, type: inbox.eventType, at: inbox.receivedAt, payload: inbox.payload })
    .from(inbox)
    .where(and(inArray(inbox.eventType, ['im.message.receive_v1', 'card.action.trigger']), sql`${chatOfEvent} = ${chatId}`))
    .orderBy(asc(inbox.receivedAt));
  // A message sent to a person (open_id) shows in that person's private chat with the bot.
  const whereChat = isP2p(chatId) ? or(eq(outbox.chatId, chatId), and(eq(outbox.targetType, 'open_id'), eq(outbox.target, p2pOwner(chatId)))) : eq(outbox.chatId, chatId);
  const rows = await db
    .select({ row: outbox, content: outboxContent.content })
    .from(outbox)
    .leftJoin(outboxContent, eq(outboxContent.outboxId, outbox.id))
    .where(and(whereChat, inArray(outbox.status, ['sent', 'failed'])))
    .orderBy(asc(outbox.id));
  const outs = rows.map((r) => ({ ...r.row, content: r.content ?? '' }));

  const shown: ShownMessage[] = [];
  for (const r of ins) {
    const p = JSON.parse(r.payload) as MessagePayload;
    const from = (r.type === 'card.action.trigger' ? p.event?.operator?.open_id : p.event?.sender?.sender_id?.open_id) ?? '';
    shown.push({
      key: `in:${r.eventId}`,
      at: r.at,
      when: when(r.at, zone),
      from,
      fromName: names(from) ?? from,
      kind: r.type === 'card.action.trigger' ? 'action' : 'user',
      html: r.type === 'card.action.trigger' ? clickHtml(p) : userMessageHtml(p),
    });
  }
  const byMessageId = new Map<string, ShownMessage>();
  for (const r of outs) {
    if (r.kind === 'patch') {
      const target = byMessageId.get(r.target);
      if (target && r.status === 'sent') target.html = botHtml('interactive', r.content, names);
      continue;
    }
    const m: ShownMessage = {
      key: `out:${r.id}`,
      at: r.createdAt,
      when: when(r.createdAt, zone),
      from: 'bot',
      fromName: BOT_NAME,
      kind: 'bot',
      html: r.status === 'failed' ? `<div class="failed">发送失败 / not delivered: ${escapeHtml(r.lastError ?? '')}</div>` : botHtml(r.msgType, r.content, names),
      messageId: r.messageId ?? undefined,
    };
    if (r.messageId) byMessageId.set(r.messageId, m);
    shown.push(m);
  }
  // Same instant: the user's message comes before the bot's answer to it.
  shown.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.key.startsWith('in:') === b.key.startsWith('in:') ? 0 : a.key.startsWith('in:') ? -1 : 1));
  return shown.slice(-LIMIT);
}

/** How many messages each chat holds (the page marks chats with new ones). */
export async function messageCounts(db: Db, chatIds: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(chatIds.map((c) => [c, 0]));
  const outs = await db
    .select({ chat: outbox.chatId, n: sql<number>`count(*)` })
    .from(outbox)
    .where(and(inArray(outbox.chatId, chatIds), inArray(outbox.status, ['sent', 'failed']), sql`${outbox.kind} <> 'patch'`))
    .groupBy(outbox.chatId);
  for (const r of outs) if (r.chat) counts[r.chat] = (counts[r.chat] ?? 0) + Number(r.n);
  const ins = await db
    .select({ chat: sql<string>`coalesce(json_extract(${inbox.payload}, '$.event.message.chat_id'), json_extract(${inbox.payload}, '$.event.context.open_chat_id'))`, n: sql<number>`count(*)` })
    .from(inbox)
    .groupBy(sql`1`);
  for (const r of ins) if (r.chat && r.chat in counts) counts[r.chat] = (counts[r.chat] ?? 0) + Number(r.n);
  return counts;
}
