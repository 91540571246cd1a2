// Rows for every table of the schema as migration 0002 left it, with orphans a hand-edited database may hold: task 2's
// lead unit 99 and group 9 and an event by person 77 do not exist. Migration 0003's tests (Node and D1) start from it.
export const ROWS_0002 = `
  INSERT INTO campaigns (id, name, created_at) VALUES (1, '新河周转房居住环境改善', '2026-10-01T00:00:00Z');
  INSERT INTO units (id, campaign_id, name) VALUES (1, 1, '区住房建设委'), (2, 1, '新河街道办事处');
  INSERT INTO groups (id, campaign_id, name, lead_unit_id, lead_unit_ids, unit_ids) VALUES (1, 1, '维稳保障组', 2, '[2]', '[1]');
  INSERT INTO people (id, campaign_id, name, open_id, unit_id, roles, lead_group_ids) VALUES (1, 1, '陈波', 'ou_chenbo', 1, '["office"]', '[]'), (2, 1, '王敏', 'ou_wangmin', 2, '["group_lead"]', '[1]');
  INSERT INTO chats (chat_id, campaign_id, kind, group_id, bound_at) VALUES ('oc_office', 1, 'office', 0, '2026-10-01T00:00:00Z'), ('oc_weiwen', 1, 'group', 1, '2026-10-01T00:00:00Z');
  INSERT INTO reporting_rules (id, campaign_id, name, cadence, due, who) VALUES (1, 1, '工作进度专报', 'weekly', '{"weekday":"fri","time":"17:00"}', '"all_units"');
  INSERT INTO reports (id, campaign_id, rule_id, unit_id, period, progress, submitted_by, submitted_at, revision, chat_id) VALUES (1, 1, 1, 2, '2026-W47', '完成摸排120户', 2, '2026-11-20T08:00:00Z', 2, 'oc_weiwen');
  INSERT INTO report_revisions (report_id, revision, body, submitted_by, submitted_at) VALUES (1, 1, '{"progress":"第一版"}', 2, '2026-11-20T07:00:00Z');
  INSERT INTO meetings (id, campaign_id, seq, title, kind, group_id, organiser_unit_id, recurrence, created_at) VALUES (1, 1, 1, '维稳保障组例会', 'regular', 1, 2, 'weekly mon 09:00', '2026-11-10T00:00:00Z');
  INSERT INTO meeting_events (campaign_id, meeting_id, kind, by_person_id, at) VALUES (1, 1, 'scheduled', 1, '2026-11-10T00:00:00Z');
  INSERT INTO meeting_sittings (meeting_id, starts_at, calendar_event_id, created_at) VALUES (1, '2026-11-30T01:00:00Z', 'evt_1', '2026-11-23T00:00:00Z');
  INSERT INTO tasks (id, campaign_id, seq, title, group_id, lead_unit_id, deadline, meeting_id, created_by, created_at) VALUES
    (1, 1, 1, '完成一户一册登记', 1, 2, '2026-12-31', 1, 1, '2026-10-01T00:00:00Z'),
    (2, 1, 2, '清理楼道堆物', 9, 99, '2026-12-20', NULL, 1, '2026-10-02T00:00:00Z');
  INSERT INTO task_events (campaign_id, task_id, kind, by_person_id, at, note) VALUES (1, 1, 'created', 1, '2026-10-01T00:00:00Z', ''), (1, 2, 'note', 77, '2026-10-03T00:00:00Z', '住户外出');
  INSERT INTO problems (id, campaign_id, seq, text, unit_id, group_id, report_id, level_since, raised_by, raised_at) VALUES (1, 1, 1, '资金不足', 2, 1, 1, '2026-11-20T08:00:00Z', 2, '2026-11-20T08:00:00Z');
  INSERT INTO problem_events (campaign_id, problem_id, kind, by_person_id, unit_id, at) VALUES (1, 1, 'raised', 2, 2, '2026-11-20T08:00:00Z');
  INSERT INTO id_counters (campaign_id, kind, last) VALUES (1, 'T', 2), (1, 'M', 1), (1, 'P', 1);
  INSERT INTO job_runs (job, campaign_id, period, chat_id, ran_at) VALUES ('report-reminder', 1, '2026-W47', 'oc_weiwen', '2026-11-20T01:00:00Z');
  INSERT INTO inbox (event_id, event_type, received_at, payload, handled_at, outcome) VALUES ('ev_1', 'im.message.receive_v1', '2026-11-20T08:00:00Z', '{}', '2026-11-20T08:00:01Z', 'ok');
  INSERT INTO outbox (dedupe_key, campaign_id, kind, target, msg_type, content, created_at) VALUES ('k1', 1, 'send', 'oc_weiwen', 'text', '{"text":"已收到"}', '2026-11-20T08:00:01Z');
  INSERT INTO meta (key, value) VALUES ('bot_open_id', 'ou_bot');
`;
