// The data model of DESIGN.md section 1, as Drizzle tables. Migrations in db/migrations are generated from this file.
// Every domain row carries campaign_id: one deployment serves many campaigns (专项工作) and no query reads across them.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

/** 专项工作 / 指挥部: one task force. */
export const campaigns = sqliteTable('campaigns', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  timezone: text('timezone').notNull().default('Asia/Shanghai'),
  locale: text('locale').notNull().default('zh'),
  officeUnitId: integer('office_unit_id'),
  workdayCalendar: text('workday_calendar').notNull().default('cn'),
  settings: json<Record<string, unknown>>('settings').notNull().default(sql`'{}'`),
  createdAt: text('created_at').notNull(),
});

/** 单位 / 成员单位: a department, community or company. */
export const units = sqliteTable(
  'units',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    name: text('name').notNull(),
    aliases: json<string[]>('aliases').notNull().default(sql`'[]'`),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('units_campaign_name').on(t.campaignId, t.name)],
);

/**
 * 工作组: lead units (牵头单位, one or more: seeds/000's 搬迁安置组 has 经开区管委会 and 区住房建设委), responsible units
 * (责任单位), duties, usually one bound chat. lead_unit_id is the first lead unit; lead_unit_ids holds all of them.
 */
export const groups = sqliteTable(
  'groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    name: text('name').notNull(),
    leadUnitId: integer('lead_unit_id').notNull().references(() => units.id),
    leadUnitIds: json<number[]>('lead_unit_ids').notNull().default(sql`'[]'`),
    unitIds: json<number[]>('unit_ids').notNull().default(sql`'[]'`),
    duties: text('duties').notNull().default(''),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('groups_campaign_name').on(t.campaignId, t.name)],
);

export type Role = 'commander' | 'deputy' | 'office' | 'group_lead' | 'liaison' | 'member';

/** 人员: a Lark user of one unit, with roles; group_lead is per group (leadGroupIds). */
export const people = sqliteTable(
  'people',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    name: text('name').notNull(),
    openId: text('open_id').notNull(),
    unitId: integer('unit_id').notNull().references(() => units.id),
    roles: json<Role[]>('roles').notNull().default(sql`'[]'`),
    leadGroupIds: json<number[]>('lead_group_ids').notNull().default(sql`'[]'`),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('people_campaign_open_id').on(t.campaignId, t.openId), index('people_open_id').on(t.openId)],
);

export type ChatKind = 'group' | 'office' | 'leaders';

/** A Lark chat bound to a campaign: a working group's chat, the office chat or the leaders' chat. */
export const chats = sqliteTable(
  'chats',
  {
    chatId: text('chat_id').notNull(),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    kind: text('kind').$type<ChatKind>().notNull(),
    groupId: integer('group_id').notNull().default(0),
    boundBy: text('bound_by').notNull().default('plan'),
    boundAt: text('bound_at').notNull(),
    /** false once the bot was removed from the chat: jobs stop posting there. */
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.kind, t.groupId] }), index('chats_chat_id').on(t.chatId)],
);

export type Cadence = 'weekly' | 'twice_weekly' | 'monthly' | 'quarterly';
export interface DueSpec {
  weekday?: string;
  weekdays?: string[];
  day?: number | 'last';
  time: string;
}

/** 汇报制度: a reporting rule. */
export const reportingRules = sqliteTable(
  'reporting_rules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    name: text('name').notNull(),
    cadence: text('cadence').$type<Cadence>().notNull(),
    due: json<DueSpec>('due').notNull(),
    /** 'all_units' | 'group_leads' | unit ids */
    who: json<'all_units' | 'group_leads' | number[]>('who').notNull(),
    remindBefore: json<string[]>('remind_before').notNull().default(sql`'[]'`),
    chats: json<string[]>('chats').notNull().default(sql`'[]'`),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('rules_campaign_name').on(t.campaignId, t.name)],
);

/** 进度专报: one unit's report for one period; earlier versions live in report_revisions. */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    ruleId: integer('rule_id').notNull().references(() => reportingRules.id),
    unitId: integer('unit_id').notNull().references(() => units.id),
    period: text('period').notNull(),
    progress: text('progress').notNull().default(''),
    problems: text('problems').notNull().default(''),
    nextSteps: text('next_steps').notNull().default(''),
    metrics: json<Record<string, number>>('metrics').notNull().default(sql`'{}'`),
    unplaced: text('unplaced').notNull().default(''),
    submittedBy: integer('submitted_by').notNull(),
    submittedAt: text('submitted_at').notNull(),
    late: integer('late', { mode: 'boolean' }).notNull().default(false),
    revision: integer('revision').notNull().default(1),
    /** the chat the latest version was sent in (null for reports older than this column or sent by the CLI) */
    chatId: text('chat_id'),
  },
  (t) => [
    uniqueIndex('reports_key').on(t.campaignId, t.ruleId, t.unitId, t.period),
    index('reports_period').on(t.campaignId, t.period),
  ],
);

export const reportRevisions = sqliteTable('report_revisions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  reportId: integer('report_id').notNull().references(() => reports.id),
  revision: integer('revision').notNull(),
  body: json<Record<string, unknown>>('body').notNull(),
  submittedBy: integer('submitted_by').notNull(),
  submittedAt: text('submitted_at').notNull(),
});

export type TaskStatus = 'open' | 'done' | 'cancelled';

/** 任务 / 台账条目: a ledger item with a short id (T12) per campaign. */
export const tasks = sqliteTable(
  'tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    target: text('target').notNull().default(''),
    groupId: integer('group_id').references(() => groups.id),
    leadUnitId: integer('lead_unit_id').notNull().references(() => units.id),
    cooperatingUnitIds: json<number[]>('cooperating_unit_ids').notNull().default(sql`'[]'`),
    /** YYYY-MM-DD in the campaign's timezone */
    deadline: text('deadline').notNull(),
    status: text('status').$type<TaskStatus>().notNull().default('open'),
    meetingId: integer('meeting_id').references(() => meetings.id),
    source: text('source').notNull().default('chat'),
    createdBy: integer('created_by'),
    createdAt: text('created_at').notNull(),
    closedAt: text('closed_at'),
  },
  (t) => [
    uniqueIndex('tasks_campaign_seq').on(t.campaignId, t.seq),
    index('tasks_open_deadline').on(t.campaignId, t.status, t.deadline),
  ],
);

/** Every change to a task: created, note, extend, done (销账), cancel, reopen. */
export const taskEvents = sqliteTable(
  'task_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    taskId: integer('task_id').notNull().references(() => tasks.id),
    kind: text('kind').notNull(),
    byPersonId: integer('by_person_id').references(() => people.id),
    at: text('at').notNull(),
    note: text('note').notNull().default(''),
    fromDeadline: text('from_deadline'),
    toDeadline: text('to_deadline'),
  },
  (t) => [index('task_events_task').on(t.taskId)],
);

export type ProblemLevel = 'group' | 'deputy' | 'office' | 'commander';
export type ProblemStatus = 'open' | 'resolved' | 'cancelled';

/** 问题 / 问题清单: climbs group → deputy → office → commander while unresolved. */
export const problems = sqliteTable(
  'problems',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    seq: integer('seq').notNull(),
    text: text('text').notNull(),
    unitId: integer('unit_id').references(() => units.id),
    groupId: integer('group_id').references(() => groups.id),
    reportId: integer('report_id').references(() => reports.id),
    level: text('level').$type<ProblemLevel>().notNull().default('group'),
    levelSince: text('level_since').notNull(),
    status: text('status').$type<ProblemStatus>().notNull().default('open'),
    raisedBy: integer('raised_by'),
    raisedAt: text('raised_at').notNull(),
    /** when it was resolved or cancelled */
    resolvedAt: text('resolved_at'),
    /** the resolution note, or the reason it was cancelled */
    resolution: text('resolution'),
  },
  (t) => [uniqueIndex('problems_campaign_seq').on(t.campaignId, t.seq)],
);

/**
 * Every change to a problem, never updated or deleted: raised, escalated, dropped from a revised report (the problem
 * stays open), raised again, resolved, cancelled. unit_id is the unit concerned (the reporting unit for report lines).
 */
export const problemEvents = sqliteTable(
  'problem_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    problemId: integer('problem_id').notNull().references(() => problems.id),
    kind: text('kind').notNull(),
    byPersonId: integer('by_person_id').references(() => people.id),
    unitId: integer('unit_id').references(() => units.id),
    at: text('at').notNull(),
    note: text('note').notNull().default(''),
  },
  (t) => [index('problem_events_problem').on(t.problemId)],
);

/** 会议: dispatch 调度会, regular 例会, coordination 协调会, topic 专题会, push 推动会, joint 联席会议. */
export const meetings = sqliteTable(
  'meetings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    kind: text('kind').notNull().default('regular'),
    groupId: integer('group_id').references(() => groups.id),
    organiserUnitId: integer('organiser_unit_id').references(() => units.id),
    attendeeUnitIds: json<number[]>('attendee_unit_ids').notNull().default(sql`'[]'`),
    recurrence: text('recurrence'),
    startsAt: text('starts_at'),
    durationMin: integer('duration_min').notNull().default(60),
    place: text('place').notNull().default(''),
    minutes: text('minutes'),
    status: text('status').notNull().default('scheduled'),
    calendarEventId: text('calendar_event_id'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('meetings_campaign_seq').on(t.campaignId, t.seq)],
);

/** Every change to a meeting, never updated or deleted: scheduled, minutes recorded (each version), cancelled. */
export const meetingEvents = sqliteTable(
  'meeting_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    meetingId: integer('meeting_id').notNull().references(() => meetings.id),
    kind: text('kind').notNull(),
    byPersonId: integer('by_person_id').references(() => people.id),
    at: text('at').notNull(),
    note: text('note').notNull().default(''),
  },
  (t) => [index('meeting_events_meeting').on(t.meetingId)],
);

/**
 * The last short number handed out per campaign and kind (T tasks, M meetings, P problems, D notices). Numbers come
 * from here and never from max(seq) + 1, so a cancelled or withdrawn item's number is never given to another.
 */
export const idCounters = sqliteTable(
  'id_counters',
  {
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    kind: text('kind').notNull(),
    last: integer('last').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.kind] })],
);

/**
 * The Lark calendar events of a standing meeting's sittings: one per sitting in the next two weeks, created ahead by the
 * meeting-reminder job and removed when the series is cancelled or its rule changes. starts_at is an ISO instant (UTC).
 */
export const meetingSittings = sqliteTable(
  'meeting_sittings',
  {
    meetingId: integer('meeting_id').notNull().references(() => meetings.id),
    startsAt: text('starts_at').notNull(),
    calendarEventId: text('calendar_event_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.startsAt] })],
);

/** Inbox: every accepted Lark event, stored before the HTTP answer; handled_at is set once it was handled. */
export const inbox = sqliteTable(
  'inbox',
  {
    eventId: text('event_id').primaryKey(),
    eventType: text('event_type').notNull(),
    receivedAt: text('received_at').notNull(),
    payload: text('payload').notNull(),
    handledAt: text('handled_at'),
    outcome: text('outcome'),
  },
  (t) => [index('inbox_unhandled').on(t.handledAt)],
);

/** Outbox: every outgoing message is a row first; dedupe_key doubles as Lark's message uuid. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull().unique(),
    campaignId: integer('campaign_id'),
    /** send: target is a chat_id / open_id; reply: target is a message_id; patch: target is a message_id */
    kind: text('kind').$type<'send' | 'reply' | 'patch' | 'file'>().notNull(),
    target: text('target').notNull(),
    targetType: text('target_type').notNull().default('chat_id'),
    /** the chat the message shows in, when known (replies and sends to chats) */
    chatId: text('chat_id'),
    msgType: text('msg_type').notNull(),
    content: text('content').notNull(),
    status: text('status').$type<'pending' | 'sending' | 'sent' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** epoch ms: not before */
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    leaseUntil: integer('lease_until').notNull().default(0),
    lastError: text('last_error'),
    messageId: text('message_id'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt)],
);

/** The exactly-once ledger of job runs, keyed by (job, campaign, period, chat). */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    job: text('job').notNull(),
    campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
    period: text('period').notNull(),
    chatId: text('chat_id').notNull(),
    ranAt: text('ran_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.campaignId, t.period, t.chatId] })],
);

/** Small key/value state: the bot's own open_id, the calendar id, "said once" log flags. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
