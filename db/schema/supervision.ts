// The 督查督办 office's own records (issue 18): supervision notices (督办单 D1) and their replies, requests the office
// decides (延期申请, 销账审核), and the evidence (images, files) attached to reports. Append-only like the rest: a
// notice is closed, a request decided, never deleted.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { campaigns, people, units } from './org.js';
import { reports, tasks } from './work.js';

export type NoticeStatus = 'open' | 'replied' | 'closed';

/** 督办单: a notice the office issues to one unit, numbered D1, D2 … per campaign from the counter. */
export const notices = sqliteTable(
  'notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    seq: integer('seq').notNull(),
    unitId: integer('unit_id').notNull().references(() => units.id),
    text: text('text').notNull(),
    /** YYYY-MM-DD in the campaign's timezone */
    due: text('due').notNull(),
    status: text('status').$type<NoticeStatus>().notNull().default('open'),
    issuedBy: integer('issued_by').references(() => people.id),
    issuedAt: text('issued_at').notNull(),
    /** the chat it was issued from */
    chatId: text('chat_id'),
    closedBy: integer('closed_by').references(() => people.id),
    closedAt: text('closed_at'),
  },
  (t) => [uniqueIndex('notices_campaign_seq').on(t.campaignId, t.seq), index('notices_open').on(t.campaignId, t.status, t.due)],
);

/** Every step of a notice, never updated or deleted: issued, reply, chased, closed. */
export const noticeEvents = sqliteTable(
  'notice_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    noticeId: integer('notice_id').notNull().references(() => notices.id),
    kind: text('kind').notNull(),
    byPersonId: integer('by_person_id').references(() => people.id),
    at: text('at').notNull(),
    note: text('note').notNull().default(''),
  },
  (t) => [index('notice_events_notice').on(t.noticeId)],
);

export type RequestKind = 'extension' | 'writeoff';
export type RequestStatus = 'pending' | 'approved' | 'rejected';

/** A request on a task that the office decides: an extension (申请延期) or, with ledger.writeoff_review, a write-off. */
export const taskRequests = sqliteTable(
  'task_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    taskId: integer('task_id').notNull().references(() => tasks.id),
    kind: text('kind').$type<RequestKind>().notNull(),
    askedBy: integer('asked_by').references(() => people.id),
    askedAt: text('asked_at').notNull(),
    /** the group chat the request was made in, where its decision is told (none: asked privately, or before 0005) */
    askedInChat: text('asked_in_chat'),
    /** the deadline asked for (extensions) */
    toDeadline: text('to_deadline'),
    reason: text('reason').notNull().default(''),
    status: text('status').$type<RequestStatus>().notNull().default('pending'),
    decidedBy: integer('decided_by').references(() => people.id),
    decidedAt: text('decided_at'),
    decisionNote: text('decision_note').notNull().default(''),
  },
  (t) => [index('task_requests_task').on(t.taskId), index('task_requests_pending').on(t.campaignId, t.status)],
);

/** 佐证材料: an image or file a unit sent with (or just after) its report. */
export const reportEvidence = sqliteTable(
  'report_evidence',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    reportId: integer('report_id').notNull().references(() => reports.id),
    kind: text('kind').$type<'image' | 'file'>().notNull(),
    /** Lark's image_key or file_key */
    fileKey: text('file_key').notNull(),
    name: text('name').notNull().default(''),
    messageId: text('message_id').notNull(),
    byPersonId: integer('by_person_id').references(() => people.id),
    at: text('at').notNull(),
  },
  (t) => [index('report_evidence_report').on(t.reportId), uniqueIndex('report_evidence_key').on(t.messageId, t.fileKey)],
);
