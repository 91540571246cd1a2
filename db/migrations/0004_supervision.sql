CREATE TABLE `notice_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`notice_id` integer NOT NULL,
	`kind` text NOT NULL,
	`by_person_id` integer,
	`at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`notice_id`) REFERENCES `notices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notice_events_notice` ON `notice_events` (`notice_id`);--> statement-breakpoint
CREATE TABLE `notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`text` text NOT NULL,
	`due` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`issued_by` integer,
	`issued_at` text NOT NULL,
	`chat_id` text,
	`closed_by` integer,
	`closed_at` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notices_campaign_seq` ON `notices` (`campaign_id`,`seq`);--> statement-breakpoint
CREATE INDEX `notices_open` ON `notices` (`campaign_id`,`status`,`due`);--> statement-breakpoint
CREATE TABLE `report_evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`report_id` integer NOT NULL,
	`kind` text NOT NULL,
	`file_key` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`message_id` text NOT NULL,
	`by_person_id` integer,
	`at` text NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `report_evidence_report` ON `report_evidence` (`report_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `report_evidence_key` ON `report_evidence` (`message_id`,`file_key`);--> statement-breakpoint
CREATE TABLE `task_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`kind` text NOT NULL,
	`asked_by` integer,
	`asked_at` text NOT NULL,
	`to_deadline` text,
	`reason` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by` integer,
	`decided_at` text,
	`decision_note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asked_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `task_requests_task` ON `task_requests` (`task_id`);--> statement-breakpoint
CREATE INDEX `task_requests_pending` ON `task_requests` (`campaign_id`,`status`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `phase` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `quarter` text;