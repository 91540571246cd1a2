// 佐证材料: the images and files attached to a report — sent inside a rich-text report, or by the unit's person in the
// same chat within EVIDENCE_WINDOW_MS after the report (by the campaign clock). Each (message, key) is stored once, so
// a redelivered message attaches nothing twice. The keys are Lark's image_key / file_key; the bytes stay with Lark.
import { and, asc, desc, eq, gte, inArray, or } from 'drizzle-orm';
import type { Db, DbHandle } from '../../db/client.js';
import { reportEvidence, reports } from '../../db/schema.js';
import type { Attachment } from '../lark/events.js';

export type Evidence = typeof reportEvidence.$inferSelect;

/** How long after a report its unit's images and files count as its evidence. */
export const EVIDENCE_WINDOW_MS = 10 * 60 * 1000;

/** Stores the attachments of one message as a report's evidence; answers how many were new. */
export async function attachEvidence(dbh: DbHandle, report: { id: number; campaignId: number }, items: Attachment[], o: { messageId: string; by: number; at: Date }): Promise<number> {
  if (!items.length) return 0;
  const before = await dbh.db.select({ id: reportEvidence.id }).from(reportEvidence).where(eq(reportEvidence.messageId, o.messageId));
  await dbh.atomic(
    items.map((a) =>
      dbh.db
        .insert(reportEvidence)
        .values({ campaignId: report.campaignId, reportId: report.id, kind: a.kind, fileKey: a.key, name: a.name, messageId: o.messageId, byPersonId: o.by, at: o.at.toISOString() })
        .onConflictDoNothing(),
    ),
  );
  const after = await dbh.db.select({ id: reportEvidence.id }).from(reportEvidence).where(eq(reportEvidence.messageId, o.messageId));
  return after.length - before.length;
}

/**
 * The report an image or file sent now in this chat belongs to: the latest report sent in this chat within the window,
 * by this person or for this person's unit.
 */
export async function recentReport(db: Db, o: { campaignId: number; chatId: string; personId: number; unitId: number; now: Date }) {
  const since = new Date(o.now.getTime() - EVIDENCE_WINDOW_MS).toISOString();
  const [row] = await db
    .select()
    .from(reports)
    .where(and(eq(reports.campaignId, o.campaignId), eq(reports.chatId, o.chatId), gte(reports.submittedAt, since), or(eq(reports.submittedBy, o.personId), eq(reports.unitId, o.unitId))))
    .orderBy(desc(reports.submittedAt), desc(reports.id))
    .limit(1);
  return row && row.submittedAt <= o.now.toISOString() ? row : undefined;
}

export async function evidenceOf(db: Db, reportIds: number[]): Promise<Map<number, Evidence[]>> {
  const out = new Map<number, Evidence[]>();
  if (!reportIds.length) return out;
  const rows = await db.select().from(reportEvidence).where(inArray(reportEvidence.reportId, reportIds)).orderBy(asc(reportEvidence.id));
  for (const r of rows) out.set(r.reportId, [...(out.get(r.reportId) ?? []), r]);
  return out;
}

/** Every report's evidence in a campaign, by report (for the export: one query, however many reports). */
export async function evidenceOfCampaign(db: Db, campaignId: number): Promise<Map<number, Evidence[]>> {
  const out = new Map<number, Evidence[]>();
  const rows = await db.select().from(reportEvidence).where(eq(reportEvidence.campaignId, campaignId)).orderBy(asc(reportEvidence.id));
  for (const r of rows) out.set(r.reportId, [...(out.get(r.reportId) ?? []), r]);
  return out;
}

/** 图片2张、文件1个 / 2 images, 1 file. */
export function evidenceCount(items: Array<{ kind: string }>, t: (zh: string, en: string) => string): string {
  const images = items.filter((i) => i.kind === 'image').length;
  const files = items.length - images;
  const parts = [images ? t(`图片${images}张`, `${images} image${images > 1 ? 's' : ''}`) : '', files ? t(`文件${files}个`, `${files} file${files > 1 ? 's' : ''}`) : ''].filter(Boolean);
  return parts.join(t('、', ', '));
}

/** One line per item, for cards and exports: 图片 img_xxx / 文件 现场照片.zip（file_xxx）. */
export function evidenceLine(e: Pick<Evidence, 'kind' | 'fileKey' | 'name'>, t: (zh: string, en: string) => string): string {
  return e.kind === 'image' ? t(`图片 ${e.fileKey}`, `image ${e.fileKey}`) : t(`文件 ${e.name || e.fileKey}（${e.fileKey}）`, `file ${e.name || e.fileKey} (${e.fileKey})`);
}
