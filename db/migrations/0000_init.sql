CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`timezone` text DEFAULT 'Asia/Shanghai' NOT NULL,
	`locale` text DEFAULT 'zh' NOT NULL,
	`office_unit_id` integer,
	`workday_calendar` text DEFAULT 'cn' NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaigns_name_unique` ON `campaigns` (`name`);--> statement-breakpoint
CREATE TABLE `chats` (
	`chat_id` text NOT NULL,
	`campaign_id` integer NOT NULL,
	`kind` text NOT NULL,
	`group_id` integer DEFAULT 0 NOT NULL,
	`bound_by` text DEFAULT 'plan' NOT NULL,
	`bound_at` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`campaign_id`, `kind`, `group_id`)
);
--> statement-breakpoint
CREATE INDEX `chats_chat_id` ON `chats` (`chat_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`lead_unit_id` integer NOT NULL,
	`unit_ids` text DEFAULT '[]' NOT NULL,
	`duties` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_campaign_name` ON `groups` (`campaign_id`,`name`);--> statement-breakpoint
CREATE TABLE `inbox` (
	`event_id` text PRIMARY KEY NOT NULL,
	`event_type` text NOT NULL,
	`received_at` text NOT NULL,
	`payload` text NOT NULL,
	`handled_at` text,
	`outcome` text
);
--> statement-breakpoint
CREATE INDEX `inbox_unhandled` ON `inbox` (`handled_at`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job` text NOT NULL,
	`campaign_id` integer NOT NULL,
	`period` text NOT NULL,
	`chat_id` text NOT NULL,
	`ran_at` text NOT NULL,
	PRIMARY KEY(`job`, `campaign_id`, `period`, `chat_id`)
);
--> statement-breakpoint
CREATE TABLE `meetings` (
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
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `meetings_campaign_seq` ON `meetings` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`campaign_id` integer,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`target_type` text DEFAULT 'chat_id' NOT NULL,
	`chat_id` text,
	`msg_type` text NOT NULL,
	`content` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`message_id` text,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`open_id` text NOT NULL,
	`unit_id` integer NOT NULL,
	`roles` text DEFAULT '[]' NOT NULL,
	`lead_group_ids` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_campaign_open_id` ON `people` (`campaign_id`,`open_id`);--> statement-breakpoint
CREATE INDEX `people_open_id` ON `people` (`open_id`);--> statement-breakpoint
CREATE TABLE `problems` (
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
	`resolution` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `problems_campaign_seq` ON `problems` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE TABLE `report_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`revision` integer NOT NULL,
	`body` text NOT NULL,
	`submitted_by` integer NOT NULL,
	`submitted_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reporting_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`cadence` text NOT NULL,
	`due` text NOT NULL,
	`who` text NOT NULL,
	`remind_before` text DEFAULT '[]' NOT NULL,
	`chats` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rules_campaign_name` ON `reporting_rules` (`campaign_id`,`name`);--> statement-breakpoint
CREATE TABLE `reports` (
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
	`revision` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_key` ON `reports` (`campaign_id`,`rule_id`,`unit_id`,`period`);--> statement-breakpoint
CREATE INDEX `reports_period` ON `reports` (`campaign_id`,`period`);--> statement-breakpoint
CREATE TABLE `task_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`kind` text NOT NULL,
	`by_person_id` integer,
	`at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`from_deadline` text,
	`to_deadline` text
);
--> statement-breakpoint
CREATE INDEX `task_events_task` ON `task_events` (`task_id`);--> statement-breakpoint
CREATE TABLE `tasks` (
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
	`closed_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_campaign_seq` ON `tasks` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE INDEX `tasks_open_deadline` ON `tasks` (`campaign_id`,`status`,`deadline`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`name` text NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_campaign_name` ON `units` (`campaign_id`,`name`);