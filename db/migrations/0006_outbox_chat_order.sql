CREATE INDEX `outbox_unsent_chat` ON `outbox` (coalesce(`chat_id`, `target`),`id`) WHERE `status` in ('pending', 'sending');
