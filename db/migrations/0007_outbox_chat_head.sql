DROP INDEX `outbox_unsent_chat`;--> statement-breakpoint
ALTER TABLE `outbox` ADD `hold_left` integer DEFAULT 5 NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_chat_head` ON `outbox` (coalesce(`chat_id`, `target`),`id`) WHERE `status` in ('pending', 'sending') and `hold_left` > 0;
