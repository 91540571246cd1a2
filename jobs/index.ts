// Every scheduled job, in the order `job list` shows them.
import deadlineReminder from './deadline-reminder.js';
import type { JobDef } from './define.js';
import reportChase from './report-chase.js';
import reportReminder from './report-reminder.js';

export const jobs: readonly JobDef[] = [reportReminder, reportChase, deadlineReminder];
