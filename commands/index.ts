// Every chat command, in the order help lists them.
import bind from './bind.js';
import bulletin from './bulletin.js';
import type { AnyCommand } from './define.js';
import help from './help.js';
import lagging from './lagging.js';
import report from './report.js';
import status from './status.js';
import meetingAdd from './meeting-add.js';
import meetingCancel from './meeting-cancel.js';
import meetingList from './meeting-list.js';
import meetingMinutes from './meeting-minutes.js';
import meetingShow from './meeting-show.js';
import problemAdd from './problem-add.js';
import problemEscalate from './problem-escalate.js';
import problemList from './problem-list.js';
import problemResolve from './problem-resolve.js';
import exportLedger from './export.js';
import overdue from './overdue.js';
import taskAdd from './task-add.js';
import taskCancel from './task-cancel.js';
import taskDone from './task-done.js';
import taskExtend from './task-extend.js';
import taskList from './task-list.js';
import taskNote from './task-note.js';
import taskReopen from './task-reopen.js';
import taskShow from './task-show.js';

export const commands: readonly AnyCommand[] = [help, bind, report, status, lagging, meetingAdd, meetingList, meetingShow, meetingCancel, meetingMinutes, problemAdd, problemList, problemResolve, problemEscalate, taskAdd, taskList, taskShow, taskDone, taskExtend, taskNote, taskCancel, taskReopen, overdue, exportLedger, bulletin];
