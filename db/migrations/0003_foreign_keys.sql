-- Foreign keys (issue 17). SQLite cannot add one to an existing table, so every table that gains one is rebuilt the
-- drizzle-kit way (copy into __new_, drop, rename, recreate its indexes), parents before children so that no table is
-- dropped while a rebuilt one refers to it. Node's migrator runs this in one transaction with foreign keys on, and D1
-- ignores foreign_keys=OFF, so the checks are deferred to the commit instead.
-- Rows that point at something missing are kept: a missing campaign, unit or reporting rule gets an inactive stand-in
-- named after its number; an optional reference to a missing group, meeting, report or person is cleared and its old
-- value written to `meta`. One statement per table: D1 refuses a long compound SELECT. A history row of a missing
-- task, report, problem or meeting (the code never makes one) fails the commit and the migration rolls back, leaving
-- the database as it was (docs/migrations.md).
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `units` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `groups` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `people` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `chats` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `reporting_rules` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `reports` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `tasks` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `task_events` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `problems` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `problem_events` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `meetings` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `meeting_events` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `id_counters` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `campaigns` (`id`, `name`, `created_at`) SELECT DISTINCT `campaign_id`, '缺失的专项工作 #' || `campaign_id`, '1970-01-01T00:00:00.000Z' FROM `job_runs` WHERE `campaign_id` NOT IN (SELECT `id` FROM `campaigns`);--> statement-breakpoint
INSERT INTO `units` (`id`, `campaign_id`, `name`, `active`) SELECT `unit_id`, min(`campaign_id`), '缺失的单位 #' || `unit_id`, 0 FROM `people` WHERE `unit_id` IS NOT NULL AND `unit_id` NOT IN (SELECT `id` FROM `units`) GROUP BY `unit_id`;--> statement-breakpoint
INSERT INTO `units` (`id`, `campaign_id`, `name`, `active`) SELECT `lead_unit_id`, min(`campaign_id`), '缺失的单位 #' || `lead_unit_id`, 0 FROM `groups` WHERE `lead_unit_id` IS NOT NULL AND `lead_unit_id` NOT IN (SELECT `id` FROM `units`) GROUP BY `lead_unit_id`;--> statement-breakpoint
INSERT INTO `units` (`id`, `campaign_id`, `name`, `active`) SELECT `lead_unit_id`, min(`campaign_id`), '缺失的单位 #' || `lead_unit_id`, 0 FROM `tasks` WHERE `lead_unit_id` IS NOT NULL AND `lead_unit_id` NOT IN (SELECT `id` FROM `units`) GROUP BY `lead_unit_id`;--> statement-breakpoint
INSERT INTO `units` (`id`, `campaign_id`, `name`, `active`) SELECT `unit_id`, min(`campaign_id`), '缺失的单位 #' || `unit_id`, 0 FROM `reports` WHERE `unit_id` IS NOT NULL AND `unit_id` NOT IN (SELECT `id` FROM `units`) GROUP BY `unit_id`;--> statement-breakpoint
INSERT INTO `units` (`id`, `campaign_id`, `name`, `active`) SELECT `organiser_unit_id`, min(`campaign_id`), '缺失的单位 #' || `organiser_unit_id`, 0 FROM `meetings` WHERE `organiser_unit_id` IS NOT NULL AND `organiser_unit_id` NOT IN (SELECT `id` FROM `units`) GROUP BY `organiser_unit_id`;--> statement-breakpoint
INSERT INTO `units` (`id`, `campaign_id`, `name`, `active`) SELECT `unit_id`, min(`campaign_id`), '缺失的单位 #' || `unit_id`, 0 FROM `problems` WHERE `unit_id` IS NOT NULL AND `unit_id` NOT IN (SELECT `id` FROM `units`) GROUP BY `unit_id`;--> statement-breakpoint
INSERT INTO `units` (`id`, `campaign_id`, `name`, `active`) SELECT `unit_id`, min(`campaign_id`), '缺失的单位 #' || `unit_id`, 0 FROM `problem_events` WHERE `unit_id` IS NOT NULL AND `unit_id` NOT IN (SELECT `id` FROM `units`) GROUP BY `unit_id`;--> statement-breakpoint
INSERT INTO `reporting_rules` (`id`, `campaign_id`, `name`, `cadence`, `due`, `who`, `active`) SELECT `rule_id`, min(`campaign_id`), '缺失的汇报制度 #' || `rule_id`, 'weekly', '{"weekday":"fri","time":"17:00"}', '[]', 0 FROM `reports` WHERE `rule_id` NOT IN (SELECT `id` FROM `reporting_rules`) GROUP BY `rule_id`;--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`) SELECT 'migration 0003 cleared tasks.group_id of row ' || `id`, `group_id` FROM `tasks` WHERE `group_id` IS NOT NULL AND `group_id` NOT IN (SELECT `id` FROM `groups`);--> statement-breakpoint
UPDATE `tasks` SET `group_id` = NULL WHERE `group_id` IS NOT NULL AND `group_id` NOT IN (SELECT `id` FROM `groups`);--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`) SELECT 'migration 0003 cleared tasks.meeting_id of row ' || `id`, `meeting_id` FROM `tasks` WHERE `meeting_id` IS NOT NULL AND `meeting_id` NOT IN (SELECT `id` FROM `meetings`);--> statement-breakpoint
UPDATE `tasks` SET `meeting_id` = NULL WHERE `meeting_id` IS NOT NULL AND `meeting_id` NOT IN (SELECT `id` FROM `meetings`);--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`) SELECT 'migration 0003 cleared problems.group_id of row ' || `id`, `group_id` FROM `problems` WHERE `group_id` IS NOT NULL AND `group_id` NOT IN (SELECT `id` FROM `groups`);--> statement-breakpoint
UPDATE `problems` SET `group_id` = NULL WHERE `group_id` IS NOT NULL AND `group_id` NOT IN (SELECT `id` FROM `groups`);--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`) SELECT 'migration 0003 cleared problems.report_id of row ' || `id`, `report_id` FROM `problems` WHERE `report_id` IS NOT NULL AND `report_id` NOT IN (SELECT `id` FROM `reports`);--> statement-breakpoint
UPDATE `problems` SET `report_id` = NULL WHERE `report_id` IS NOT NULL AND `report_id` NOT IN (SELECT `id` FROM `reports`);--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`) SELECT 'migration 0003 cleared meetings.group_id of row ' || `id`, `group_id` FROM `meetings` WHERE `group_id` IS NOT NULL AND `group_id` NOT IN (SELECT `id` FROM `groups`);--> statement-breakpoint
UPDATE `meetings` SET `group_id` = NULL WHERE `group_id` IS NOT NULL AND `group_id` NOT IN (SELECT `id` FROM `groups`);--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`) SELECT 'migration 0003 cleared task_events.by_person_id of row ' || `id`, `by_person_id` FROM `task_events` WHERE `by_person_id` IS NOT NULL AND `by_person_id` NOT IN (SELECT `id` FROM `people`);--> statement-breakpoint
UPDATE `task_events` SET `by_person_id` = NULL WHERE `by_person_id` IS NOT NULL AND `by_person_id` NOT IN (SELECT `id` FROM `people`);--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`) SELECT 'migration 0003 cleared problem_events.by_person_id of row ' || `id`, `by_person_id` FROM `problem_events` WHERE `by_person_id` IS NOT NULL AND `by_person_id` NOT IN (SELECT `id` FROM `people`);--> statement-breakpoint
UPDATE `problem_events` SET `by_person_id` = NULL WHERE `by_person_id` IS NOT NULL AND `by_person_id` NOT IN (SELECT `id` FROM `people`);--> statement-breakpoint
INSERT INTO `meta` (`key`, `value`) SELECT 'migration 0003 cleared meeting_events.by_person_id of row ' || `id`, `by_person_id` FROM `meeting_events` WHERE `by_person_id` IS NOT NULL AND `by_person_id` NOT IN (SELECT `id` FROM `people`);--> statement-breakpoint
UPDATE `meeting_events` SET `by_person_id` = NULL WHERE `by_person_id` IS NOT NULL AND `by_person_id` NOT IN (SELECT `id` FROM `people`);--> statement-breakpoint
CREATE TABLE `__new_units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_units`("id", "campaign_id", "name", "aliases", "active") SELECT "id", "campaign_id", "name", "aliases", "active" FROM `units`;--> statement-breakpoint
DROP TABLE `units`;--> statement-breakpoint
ALTER TABLE `__new_units` RENAME TO `units`;--> statement-breakpoint
CREATE UNIQUE INDEX `units_campaign_name` ON `units` (`campaign_id`,`name`);--> statement-breakpoint
CREATE TABLE `__new_reporting_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`cadence` text NOT NULL,
	`due` text NOT NULL,
	`who` text NOT NULL,
	`remind_before` text DEFAULT '[]' NOT NULL,
	`chats` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_reporting_rules`("id", "campaign_id", "name", "cadence", "due", "who", "remind_before", "chats", "active") SELECT "id", "campaign_id", "name", "cadence", "due", "who", "remind_before", "chats", "active" FROM `reporting_rules`;--> statement-breakpoint
DROP TABLE `reporting_rules`;--> statement-breakpoint
ALTER TABLE `__new_reporting_rules` RENAME TO `reporting_rules`;--> statement-breakpoint
CREATE UNIQUE INDEX `rules_campaign_name` ON `reporting_rules` (`campaign_id`,`name`);--> statement-breakpoint
CREATE TABLE `__new_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`lead_unit_id` integer NOT NULL,
	`lead_unit_ids` text DEFAULT '[]' NOT NULL,
	`unit_ids` text DEFAULT '[]' NOT NULL,
	`duties` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_groups`("id", "campaign_id", "name", "lead_unit_id", "lead_unit_ids", "unit_ids", "duties", "active") SELECT "id", "campaign_id", "name", "lead_unit_id", "lead_unit_ids", "unit_ids", "duties", "active" FROM `groups`;--> statement-breakpoint
DROP TABLE `groups`;--> statement-breakpoint
ALTER TABLE `__new_groups` RENAME TO `groups`;--> statement-breakpoint
CREATE UNIQUE INDEX `groups_campaign_name` ON `groups` (`campaign_id`,`name`);--> statement-breakpoint
CREATE TABLE `__new_people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`open_id` text NOT NULL,
	`unit_id` integer NOT NULL,
	`roles` text DEFAULT '[]' NOT NULL,
	`lead_group_ids` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_people`("id", "campaign_id", "name", "open_id", "unit_id", "roles", "lead_group_ids", "active") SELECT "id", "campaign_id", "name", "open_id", "unit_id", "roles", "lead_group_ids", "active" FROM `people`;--> statement-breakpoint
DROP TABLE `people`;--> statement-breakpoint
ALTER TABLE `__new_people` RENAME TO `people`;--> statement-breakpoint
CREATE UNIQUE INDEX `people_campaign_open_id` ON `people` (`campaign_id`,`open_id`);--> statement-breakpoint
CREATE INDEX `people_open_id` ON `people` (`open_id`);--> statement-breakpoint
CREATE TABLE `__new_meetings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`title` text NOT NULL,
	`kind` text DEFAULT 'regular' NOT NULL,
	`group_id` integer,
	`organiser_unit_id` integer,
	`attendee_unit_ids` text DEFAULT '[]' NOT NULL,
	`recurrence` text,
	`starts_at` text,
	`duration_min` integer DEFAULT 60 NOT NULL,
	`place` text DEFAULT '' NOT NULL,
	`minutes` text,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`calendar_event_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organiser_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_meetings`("id", "campaign_id", "seq", "title", "kind", "group_id", "organiser_unit_id", "attendee_unit_ids", "recurrence", "starts_at", "duration_min", "place", "minutes", "status", "calendar_event_id", "created_at") SELECT "id", "campaign_id", "seq", "title", "kind", "group_id", "organiser_unit_id", "attendee_unit_ids", "recurrence", "starts_at", "duration_min", "place", "minutes", "status", "calendar_event_id", "created_at" FROM `meetings`;--> statement-breakpoint
DROP TABLE `meetings`;--> statement-breakpoint
ALTER TABLE `__new_meetings` RENAME TO `meetings`;--> statement-breakpoint
CREATE UNIQUE INDEX `meetings_campaign_seq` ON `meetings` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE TABLE `__new_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`rule_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`period` text NOT NULL,
	`progress` text DEFAULT '' NOT NULL,
	`problems` text DEFAULT '' NOT NULL,
	`next_steps` text DEFAULT '' NOT NULL,
	`metrics` text DEFAULT '{}' NOT NULL,
	`unplaced` text DEFAULT '' NOT NULL,
	`submitted_by` integer NOT NULL,
	`submitted_at` text NOT NULL,
	`late` integer DEFAULT false NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`chat_id` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rule_id`) REFERENCES `reporting_rules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_reports`("id", "campaign_id", "rule_id", "unit_id", "period", "progress", "problems", "next_steps", "metrics", "unplaced", "submitted_by", "submitted_at", "late", "revision", "chat_id") SELECT "id", "campaign_id", "rule_id", "unit_id", "period", "progress", "problems", "next_steps", "metrics", "unplaced", "submitted_by", "submitted_at", "late", "revision", "chat_id" FROM `reports`;--> statement-breakpoint
DROP TABLE `reports`;--> statement-breakpoint
ALTER TABLE `__new_reports` RENAME TO `reports`;--> statement-breakpoint
CREATE UNIQUE INDEX `reports_key` ON `reports` (`campaign_id`,`rule_id`,`unit_id`,`period`);--> statement-breakpoint
CREATE INDEX `reports_period` ON `reports` (`campaign_id`,`period`);--> statement-breakpoint
CREATE TABLE `__new_report_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`revision` integer NOT NULL,
	`body` text NOT NULL,
	`submitted_by` integer NOT NULL,
	`submitted_at` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_report_revisions`("id", "report_id", "revision", "body", "submitted_by", "submitted_at") SELECT "id", "report_id", "revision", "body", "submitted_by", "submitted_at" FROM `report_revisions`;--> statement-breakpoint
DROP TABLE `report_revisions`;--> statement-breakpoint
ALTER TABLE `__new_report_revisions` RENAME TO `report_revisions`;--> statement-breakpoint
CREATE TABLE `__new_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`title` text NOT NULL,
	`target` text DEFAULT '' NOT NULL,
	`group_id` integer,
	`lead_unit_id` integer NOT NULL,
	`cooperating_unit_ids` text DEFAULT '[]' NOT NULL,
	`deadline` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`meeting_id` integer,
	`source` text DEFAULT 'chat' NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	`closed_at` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_tasks`("id", "campaign_id", "seq", "title", "target", "group_id", "lead_unit_id", "cooperating_unit_ids", "deadline", "status", "meeting_id", "source", "created_by", "created_at", "closed_at") SELECT "id", "campaign_id", "seq", "title", "target", "group_id", "lead_unit_id", "cooperating_unit_ids", "deadline", "status", "meeting_id", "source", "created_by", "created_at", "closed_at" FROM `tasks`;--> statement-breakpoint
DROP TABLE `tasks`;--> statement-breakpoint
ALTER TABLE `__new_tasks` RENAME TO `tasks`;--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_campaign_seq` ON `tasks` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE INDEX `tasks_open_deadline` ON `tasks` (`campaign_id`,`status`,`deadline`);--> statement-breakpoint
CREATE TABLE `__new_task_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`kind` text NOT NULL,
	`by_person_id` integer,
	`at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`from_deadline` text,
	`to_deadline` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_task_events`("id", "campaign_id", "task_id", "kind", "by_person_id", "at", "note", "from_deadline", "to_deadline") SELECT "id", "campaign_id", "task_id", "kind", "by_person_id", "at", "note", "from_deadline", "to_deadline" FROM `task_events`;--> statement-breakpoint
DROP TABLE `task_events`;--> statement-breakpoint
ALTER TABLE `__new_task_events` RENAME TO `task_events`;--> statement-breakpoint
CREATE INDEX `task_events_task` ON `task_events` (`task_id`);--> statement-breakpoint
CREATE TABLE `__new_problems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`text` text NOT NULL,
	`unit_id` integer,
	`group_id` integer,
	`report_id` integer,
	`level` text DEFAULT 'group' NOT NULL,
	`level_since` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`raised_by` integer,
	`raised_at` text NOT NULL,
	`resolved_at` text,
	`resolution` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_problems`("id", "campaign_id", "seq", "text", "unit_id", "group_id", "report_id", "level", "level_since", "status", "raised_by", "raised_at", "resolved_at", "resolution") SELECT "id", "campaign_id", "seq", "text", "unit_id", "group_id", "report_id", "level", "level_since", "status", "raised_by", "raised_at", "resolved_at", "resolution" FROM `problems`;--> statement-breakpoint
DROP TABLE `problems`;--> statement-breakpoint
ALTER TABLE `__new_problems` RENAME TO `problems`;--> statement-breakpoint
CREATE UNIQUE INDEX `problems_campaign_seq` ON `problems` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE TABLE `__new_problem_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`problem_id` integer NOT NULL,
	`kind` text NOT NULL,
	`by_person_id` integer,
	`unit_id` integer,
	`at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`problem_id`) REFERENCES `problems`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_problem_events`("id", "campaign_id", "problem_id", "kind", "by_person_id", "unit_id", "at", "note") SELECT "id", "campaign_id", "problem_id", "kind", "by_person_id", "unit_id", "at", "note" FROM `problem_events`;--> statement-breakpoint
DROP TABLE `problem_events`;--> statement-breakpoint
ALTER TABLE `__new_problem_events` RENAME TO `problem_events`;--> statement-breakpoint
CREATE INDEX `problem_events_problem` ON `problem_events` (`problem_id`);--> statement-breakpoint
CREATE TABLE `__new_meeting_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`meeting_id` integer NOT NULL,
	`kind` text NOT NULL,
	`by_person_id` integer,
	`at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_meeting_events`("id", "campaign_id", "meeting_id", "kind", "by_person_id", "at", "note") SELECT "id", "campaign_id", "meeting_id", "kind", "by_person_id", "at", "note" FROM `meeting_events`;--> statement-breakpoint
DROP TABLE `meeting_events`;--> statement-breakpoint
ALTER TABLE `__new_meeting_events` RENAME TO `meeting_events`;--> statement-breakpoint
CREATE INDEX `meeting_events_meeting` ON `meeting_events` (`meeting_id`);--> statement-breakpoint
CREATE TABLE `__new_meeting_sittings` (
	`meeting_id` integer NOT NULL,
	`starts_at` text NOT NULL,
	`calendar_event_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`meeting_id`, `starts_at`),
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_meeting_sittings`("meeting_id", "starts_at", "calendar_event_id", "created_at") SELECT "meeting_id", "starts_at", "calendar_event_id", "created_at" FROM `meeting_sittings`;--> statement-breakpoint
DROP TABLE `meeting_sittings`;--> statement-breakpoint
ALTER TABLE `__new_meeting_sittings` RENAME TO `meeting_sittings`;--> statement-breakpoint
CREATE TABLE `__new_chats` (
	`chat_id` text NOT NULL,
	`campaign_id` integer NOT NULL,
	`kind` text NOT NULL,
	`group_id` integer DEFAULT 0 NOT NULL,
	`bound_by` text DEFAULT 'plan' NOT NULL,
	`bound_at` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`campaign_id`, `kind`, `group_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_chats`("chat_id", "campaign_id", "kind", "group_id", "bound_by", "bound_at", "active") SELECT "chat_id", "campaign_id", "kind", "group_id", "bound_by", "bound_at", "active" FROM `chats`;--> statement-breakpoint
DROP TABLE `chats`;--> statement-breakpoint
ALTER TABLE `__new_chats` RENAME TO `chats`;--> statement-breakpoint
CREATE INDEX `chats_chat_id` ON `chats` (`chat_id`);--> statement-breakpoint
CREATE TABLE `__new_id_counters` (
	`campaign_id` integer NOT NULL,
	`kind` text NOT NULL,
	`last` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`campaign_id`, `kind`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_id_counters`("campaign_id", "kind", "last") SELECT "campaign_id", "kind", "last" FROM `id_counters`;--> statement-breakpoint
DROP TABLE `id_counters`;--> statement-breakpoint
ALTER TABLE `__new_id_counters` RENAME TO `id_counters`;--> statement-breakpoint
CREATE TABLE `__new_job_runs` (
	`job` text NOT NULL,
	`campaign_id` integer NOT NULL,
	`period` text NOT NULL,
	`chat_id` text NOT NULL,
	`ran_at` text NOT NULL,
	PRIMARY KEY(`job`, `campaign_id`, `period`, `chat_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_job_runs`("job", "campaign_id", "period", "chat_id", "ran_at") SELECT "job", "campaign_id", "period", "chat_id", "ran_at" FROM `job_runs`;--> statement-breakpoint
DROP TABLE `job_runs`;--> statement-breakpoint
ALTER TABLE `__new_job_runs` RENAME TO `job_runs`;
