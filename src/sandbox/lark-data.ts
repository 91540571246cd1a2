// What keeps the sandbox away from a real deployment's data (issue 16, finding 2): a database that has held Lark
// events is refused unless SANDBOX=1 says so on purpose, and even then the sandbox never delivers (marks sent) the
// rows Lark mode queued, which Lark has still to get.
import { and, isNotNull, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inbox, outbox } from '../../db/schema.js';

/** How many events and sent messages in this database came from or went to Lark (not the sandbox). */
export async function larkTraces(db: Db): Promise<number> {
  const [events] = await db.select({ n: sql<number>`count(*)` }).from(inbox).where(sql`substr(${inbox.eventId}, 1, 8) <> 'sandbox_'`);
  const [sent] = await db
    .select({ n: sql<number>`count(*)` })
    .from(outbox)
    .where(and(isNotNull(outbox.messageId), sql`substr(${outbox.messageId}, 1, 11) <> 'om_sandbox_'`));
  return Number(events?.n ?? 0) + Number(sent?.n ?? 0);
}

/** The newest outbox row now: the sandbox delivers only rows after it. */
export async function lastOutboxId(db: Db): Promise<number> {
  const [r] = await db.select({ id: max(outbox.id) }).from(outbox);
  return Number(r?.id ?? 0);
}

export const SANDBOX_REFUSED = (n: number, path: string) =>
  `The database ${path} holds ${n} Lark events or messages, and no Lark app is configured: the sandbox would mark Lark's pending messages as sent and its clock would write job runs that suppress real reminders. Set LARK_APP_ID and LARK_APP_SECRET to run with Lark, point DATABASE_PATH at another file for the sandbox, or set SANDBOX=1 to use this database in the sandbox on purpose.`;
