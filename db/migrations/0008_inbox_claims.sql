-- The inbox numbered in the order it was stored, with no unique key on event_id: every delivery is a row, and which copy
-- of an event is handled is claimed in inbox_claims when its handling starts (db/schema/transport.ts). Every row keeps
-- its number (the rowid it had) and every value; each event stored so far claims its own row, so none is handled
-- again. The inbox is referenced by no other table.
CREATE TABLE `inbox_claims` (
	`event_id` text PRIMARY KEY NOT NULL,
	`inbox_id` integer NOT NULL,
	`claimed_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `__new_inbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`received_at` text NOT NULL,
	`payload` text NOT NULL,
	`handled_at` text,
	`outcome` text
);
--> statement-breakpoint
INSERT INTO `__new_inbox`("id", "event_id", "event_type", "received_at", "payload", "handled_at", "outcome") SELECT "rowid", "event_id", "event_type", "received_at", "payload", "handled_at", "outcome" FROM `inbox`;--> statement-breakpoint
INSERT INTO `inbox_claims`("event_id", "inbox_id", "claimed_at") SELECT "event_id", "id", "received_at" FROM `__new_inbox`;--> statement-breakpoint
DROP TABLE `inbox`;--> statement-breakpoint
ALTER TABLE `__new_inbox` RENAME TO `inbox`;--> statement-breakpoint
CREATE INDEX `inbox_unhandled` ON `inbox` (`id`) WHERE "inbox"."handled_at" is null;
