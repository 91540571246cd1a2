// Every scheduled job, in the order `job list` shows them.
import calendarNotice from './calendar-notice.js';
import deadlineReminder from './deadline-reminder.js';
import type { JobDef } from './define.js';
import laggingUnits from './lagging-units.js';
import meetingReminder from './meeting-reminder.js';
import monthlyBulletin from './monthly-bulletin.js';
import noticeChase from './notice-chase.js';
import overdueDigest from './overdue-digest.js';
import phaseNotice from './phase-notice.js';
import problemEscalation from './problem-escalation.js';
import reportChase from './report-chase.js';
import reportReminder from './report-reminder.js';
import { DEFAULT_RETENTION_DAYS, retentionJob } from './retention.js';

/** The jobs, with the retention job keeping RETENTION_DAYS of handled events and sent messages. */
export function jobsWith(opts: { retentionDays?: number } = {}): readonly JobDef[] {
  return [reportReminder, reportChase, deadlineReminder, overdueDigest, laggingUnits, meetingReminder, problemEscalation, monthlyBulletin, noticeChase, calendarNotice, phaseNotice, retentionJob(opts.retentionDays ?? DEFAULT_RETENTION_DAYS)];
}

export const jobs: readonly JobDef[] = jobsWith();
