// One stale or foreign open_id in an `<at id=…>` makes Lark refuse the whole card (230099, sub-code 100290 "invalid
// user resource (at/person) in your card"), which would silence a reminder for everyone in the chat. The sender
// drops that mention (the person's name stays, as text), sends the card again, and tells the office chat whose id is
// wrong, once per person per day.
import { DateTime } from 'luxon';
import { and, eq } from 'drizzle-orm';
import type { DbHandle } from '../db/client.js';
import { campaigns, chats, outbox, outboxContent, people, units } from '../db/schema.js';
import { esc, textContent } from './lark/cards.js';
import { queueStatements, type OutboxRow } from './outbox.js';

/** Lark's answer to a card that mentions an unknown user: code 230099 with ErrCode 100290. */
export const isInvalidMention = (error: string) => /\b230099\b/.test(error) && /ErrCode:\s*100290\b/.test(error);

const MENTION = /<at\s+(?:id|user_id|open_id)\s*=\s*["']?([A-Za-z0-9_-]+)["']?\s*>\s*<\/at>/g;

/** The open_ids @-mentioned in a card (JSON text), in order, without repeats; @all is no person. */
export function mentionedIds(content: string): string[] {
  return [...new Set([...content.matchAll(MENTION)].map((m) => m[1]!).filter((id) => id !== 'all'))];
}

/** The card with these people's mentions replaced by their names (escaped), or removed when the name is unknown. */
export function withoutMentions(content: string, ids: string[], names: Map<string, string>): string {
  const card = JSON.parse(content) as unknown;
  const fix = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(MENTION, (whole, id: string) => (ids.includes(id) ? (names.has(id) ? esc(names.get(id)!) : '') : whole));
    if (Array.isArray(v)) return v.map(fix);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  return JSON.stringify(fix(card));
}

/**
 * Makes a refused card sendable: without the mention Lark named (its ErrorValue), or without every mention when
 * Lark named none of the card's. Queues the office notice and puts the row back to be sent now. Answers false when
 * the card has no mention to drop (nothing this can fix).
 */
export async function dropInvalidMentions(dbh: DbHandle, row: OutboxRow, error: string, now: Date): Promise<boolean> {
  const ids = mentionedIds(row.content);
  if (ids.length === 0) return false;
  const named = ids.filter((id) => new RegExp(`ErrorValue:[^;]*\\b${id}\\b`).test(error));
  const bad = named.length ? named : ids;
  const { db } = dbh;
  const who = row.campaignId
    ? await db
        .select({ openId: people.openId, name: people.name, unit: units.name })
        .from(people)
        .leftJoin(units, eq(units.id, people.unitId))
        .where(eq(people.campaignId, row.campaignId))
    : [];
  const names = new Map(who.filter((p) => bad.includes(p.openId)).map((p) => [p.openId, p.name]));
  const statements: Array<{ run(): unknown }> = [
    db.update(outboxContent).set({ content: withoutMentions(row.content, bad, names) }).where(eq(outboxContent.outboxId, row.id)),
    db.update(outbox).set({ status: 'pending', nextAttemptAt: 0, lastError: error.slice(0, 500) }).where(eq(outbox.id, row.id)),
  ];
  const notice = row.campaignId ? await officeNotice(dbh, row.campaignId, bad, named.length > 0, who, now) : [];
  for (const n of notice) statements.push(...queueStatements(dbh, n, now));
  await dbh.atomic(statements);
  return true;
}

/** 「联络员 张丽（区公安局）的飞书 ID ou_x 无效…」 for the office chat, keyed per person per campaign day. */
async function officeNotice(
  dbh: DbHandle,
  campaignId: number,
  bad: string[],
  certain: boolean,
  who: Array<{ openId: string; name: string; unit: string | null }>,
  now: Date,
) {
  const { db } = dbh;
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  const [office] = await db.select().from(chats).where(and(eq(chats.campaignId, campaignId), eq(chats.kind, 'office'), eq(chats.active, true)));
  if (!campaign || !office) return [];
  const day = DateTime.fromJSDate(now, { zone: campaign.timezone }).toISODate();
  const zh = campaign.locale !== 'en';
  const person = (id: string) => {
    const p = who.find((x) => x.openId === id);
    return p ? `${p.name}${p.unit ? (zh ? `（${p.unit}）` : ` (${p.unit})`) : ''} ${id}` : id;
  };
  const list = bad.map(person).join(zh ? '、' : ', ');
  const text = zh
    ? certain
      ? `飞书不认可 ${list} 的用户 ID，含对其 @ 的消息被拒收。已去掉这个 @ 重新发送（只写姓名）。请核对该人员的 open_id，在方案 people 中改正后重新导入。`
      : `飞书拒收了一条含无效用户 ID 的消息，未指明是哪一个：${list}。已去掉这些 @ 重新发送（只写姓名）。请核对这些人员的 open_id，在方案 people 中改正后重新导入。`
    : certain
      ? `Lark does not know the user id of ${list}; a message mentioning them was refused. It was sent again without the @ (name only). Please check their open_id in the plan's people and apply it again.`
      : `Lark refused a message for an unknown user id without saying which: ${list}. It was sent again without these @s (names only). Please check their open_ids in the plan's people and apply it again.`;
  // One notice per person per day, whatever the number of refused cards: a dedupe key, not a query.
  return [{ dedupeKey: `bad-mention:${campaignId}:${bad.join(',')}:${day}`, campaignId, kind: 'send' as const, target: office.chatId, msgType: 'text' as const, content: textContent(text) }];
}
