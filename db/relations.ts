// How the tables connect (drizzle `relations()`): every row belongs to one campaign; a task to its lead unit and group,
// its history to the task; a report to its unit and rule, its revisions to it; a problem to the report it came from; a
// sitting to its meeting. They describe the schema to drizzle's relational queries (`db.query.tasks.findMany({ with })`)
// and to readers; the database's own foreign keys need a migration (issue 17: left to the migration after 0002).
import { relations } from 'drizzle-orm';
import { campaigns, chats, groups, jobRuns, meetings, meetingSittings, people, problems, reportingRules, reportRevisions, reports, taskEvents, tasks, units } from './schema.js';

export const campaignRelations = relations(campaigns, ({ many, one }) => ({
  officeUnit: one(units, { fields: [campaigns.officeUnitId], references: [units.id] }),
  units: many(units),
  groups: many(groups),
  people: many(people),
  chats: many(chats),
  rules: many(reportingRules),
  tasks: many(tasks),
  problems: many(problems),
  meetings: many(meetings),
  jobRuns: many(jobRuns),
}));

export const unitRelations = relations(units, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [units.campaignId], references: [campaigns.id] }),
  people: many(people),
  reports: many(reports),
}));

export const groupRelations = relations(groups, ({ one }) => ({
  campaign: one(campaigns, { fields: [groups.campaignId], references: [campaigns.id] }),
  leadUnit: one(units, { fields: [groups.leadUnitId], references: [units.id] }),
}));

export const personRelations = relations(people, ({ one }) => ({
  campaign: one(campaigns, { fields: [people.campaignId], references: [campaigns.id] }),
  unit: one(units, { fields: [people.unitId], references: [units.id] }),
}));

export const chatRelations = relations(chats, ({ one }) => ({
  campaign: one(campaigns, { fields: [chats.campaignId], references: [campaigns.id] }),
}));

export const ruleRelations = relations(reportingRules, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [reportingRules.campaignId], references: [campaigns.id] }),
  reports: many(reports),
}));

export const reportRelations = relations(reports, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [reports.campaignId], references: [campaigns.id] }),
  rule: one(reportingRules, { fields: [reports.ruleId], references: [reportingRules.id] }),
  unit: one(units, { fields: [reports.unitId], references: [units.id] }),
  revisions: many(reportRevisions),
  problems: many(problems),
}));

export const reportRevisionRelations = relations(reportRevisions, ({ one }) => ({
  report: one(reports, { fields: [reportRevisions.reportId], references: [reports.id] }),
}));

export const taskRelations = relations(tasks, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [tasks.campaignId], references: [campaigns.id] }),
  leadUnit: one(units, { fields: [tasks.leadUnitId], references: [units.id] }),
  group: one(groups, { fields: [tasks.groupId], references: [groups.id] }),
  meeting: one(meetings, { fields: [tasks.meetingId], references: [meetings.id] }),
  events: many(taskEvents),
}));

export const taskEventRelations = relations(taskEvents, ({ one }) => ({
  task: one(tasks, { fields: [taskEvents.taskId], references: [tasks.id] }),
  by: one(people, { fields: [taskEvents.byPersonId], references: [people.id] }),
}));

export const problemRelations = relations(problems, ({ one }) => ({
  campaign: one(campaigns, { fields: [problems.campaignId], references: [campaigns.id] }),
  unit: one(units, { fields: [problems.unitId], references: [units.id] }),
  group: one(groups, { fields: [problems.groupId], references: [groups.id] }),
  report: one(reports, { fields: [problems.reportId], references: [reports.id] }),
}));

export const meetingRelations = relations(meetings, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [meetings.campaignId], references: [campaigns.id] }),
  group: one(groups, { fields: [meetings.groupId], references: [groups.id] }),
  organiser: one(units, { fields: [meetings.organiserUnitId], references: [units.id] }),
  sittings: many(meetingSittings),
  tasks: many(tasks),
}));

export const meetingSittingRelations = relations(meetingSittings, ({ one }) => ({
  meeting: one(meetings, { fields: [meetingSittings.meetingId], references: [meetings.id] }),
}));

export const jobRunRelations = relations(jobRuns, ({ one }) => ({
  campaign: one(campaigns, { fields: [jobRuns.campaignId], references: [campaigns.id] }),
}));
