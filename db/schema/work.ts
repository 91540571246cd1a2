// What the campaign's people write and do: reports and their revisions, the task ledger, problems, meetings, the
// histories of each, and the per-campaign number counters. Nothing here is deleted by another action.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { json } from './columns.js';
import { campaigns, groups, people, reportingRules, units } from './org.js';

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
    /** the plan's phase (阶段) it belongs to, by name */
    phase: text('phase'),
    /** the quarter's task list (季度工作任务单) it belongs to, e.g. 2026Q1 */
    quarter: text('quarter'),
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
