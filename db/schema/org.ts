// The organisation of a campaign (专项工作): its units, working groups, people, chats and reporting rules.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { json } from './columns.js';

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
