CREATE TABLE `meeting_sittings` (
	`meeting_id` integer NOT NULL,
	`starts_at` text NOT NULL,
	`calendar_event_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`meeting_id`, `starts_at`)
);
