CREATE TABLE `id_counters` (
	`campaign_id` integer NOT NULL,
	`kind` text NOT NULL,
	`last` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`campaign_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `meeting_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`meeting_id` integer NOT NULL,
	`kind` text NOT NULL,
	`by_person_id` integer,
	`at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `meeting_events_meeting` ON `meeting_events` (`meeting_id`);--> statement-breakpoint
CREATE TABLE `problem_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`problem_id` integer NOT NULL,
	`kind` text NOT NULL,
	`by_person_id` integer,
	`unit_id` integer,
	`at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `problem_events_problem` ON `problem_events` (`problem_id`);--> statement-breakpoint
ALTER TABLE `groups` ADD `lead_unit_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `chat_id` text;--> statement-breakpoint
-- Hand-written (not generated): existing data carried into the new tables, nothing deleted or renumbered.
-- Every group's single lead unit becomes its list of lead units.
UPDATE `groups` SET `lead_unit_ids` = json_array(`lead_unit_id`);--> statement-breakpoint
-- The counters start at each campaign's highest number so far: the next T, M or P number is one past it.
INSERT INTO `id_counters` (`campaign_id`, `kind`, `last`) SELECT `campaign_id`, 'T', max(`seq`) FROM `tasks` GROUP BY `campaign_id`;--> statement-breakpoint
INSERT INTO `id_counters` (`campaign_id`, `kind`, `last`) SELECT `campaign_id`, 'M', max(`seq`) FROM `meetings` GROUP BY `campaign_id`;--> statement-breakpoint
INSERT INTO `id_counters` (`campaign_id`, `kind`, `last`) SELECT `campaign_id`, 'P', max(`seq`) FROM `problems` GROUP BY `campaign_id`;--> statement-breakpoint
-- The history of problems and meetings begins with what the rows themselves say.
INSERT INTO `problem_events` (`campaign_id`, `problem_id`, `kind`, `by_person_id`, `unit_id`, `at`, `note`)
  SELECT `campaign_id`, `id`, 'raised', `raised_by`, `unit_id`, `raised_at`, '' FROM `problems` ORDER BY `id`;--> statement-breakpoint
INSERT INTO `problem_events` (`campaign_id`, `problem_id`, `kind`, `by_person_id`, `unit_id`, `at`, `note`)
  SELECT `campaign_id`, `id`, 'resolved', NULL, `unit_id`, coalesce(`resolved_at`, `level_since`), coalesce(`resolution`, '') FROM `problems` WHERE `status` = 'resolved' ORDER BY `id`;--> statement-breakpoint
INSERT INTO `meeting_events` (`campaign_id`, `meeting_id`, `kind`, `by_person_id`, `at`, `note`)
  SELECT `campaign_id`, `id`, 'scheduled', NULL, `created_at`, '' FROM `meetings` ORDER BY `id`;--> statement-breakpoint
INSERT INTO `meeting_events` (`campaign_id`, `meeting_id`, `kind`, `by_person_id`, `at`, `note`)
  SELECT `campaign_id`, `id`, 'minutes', NULL, `created_at`, `minutes` FROM `meetings` WHERE `minutes` IS NOT NULL ORDER BY `id`;
