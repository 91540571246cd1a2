CREATE TABLE `outbox_content` (
	`outbox_id` integer PRIMARY KEY NOT NULL,
	`content` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `outbox_content` (`outbox_id`, `content`) SELECT `id`, `content` FROM `outbox`;--> statement-breakpoint
ALTER TABLE `outbox` DROP COLUMN `content`;
