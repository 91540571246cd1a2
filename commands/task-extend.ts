// 任务 延期 / task extend T3 due:<date> reason:<text>: a new deadline, with the reason kept in the item's history.
import { taskCard } from '../src/ledger/cards.js';
import { loadTask, notFound, readDeadline, taskDateReasonArgs, taskHint } from '../src/ledger/input.js';
import { overdueOf } from '../src/ledger/overdue.js';
import { MANAGERS } from '../src/ledger/rules.js';
import { extend, historyOf, taskCode } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'task extend',
  words: { zh: ['任务 延期', '延期'], en: ['task extend'] },
  summary: { zh: '任务延期（须写明原因）', en: 'extend a deadline (with a reason)' },
  usage: { zh: '任务 延期 <编号> 截止：<新的完成时限> 原因：<延期原因>', en: 'task extend <id> due:<date> reason:<text>' },
  examples: ['任务 延期 T3 截止：2027年1月31日 原因：住户外出务工，需补登记', 'task extend T3 due:2027-01-31 reason:residents away'],
  roles: MANAGERS,
  keys: { due: ['due', 'deadline', '截止', '截止日期', '完成时限', '时限', '延至'], reason: ['reason', '原因', '理由', '延期原因'] },
  args: taskDateReasonArgs({ due: '请写明新的完成时限，如「截止：12月31日」', dueEmpty: '请写明新的完成时限', reason: '延期须写明原因，如「原因：……」', reasonEmpty: '延期须写明原因' }),
  hint: (ctx, text) => taskHint(ctx, text, ctx.lang === 'en' ? 'task extend' : '任务 延期', false),
  async handle(ctx, { seq, due, reason }) {
    const task = await loadTask(ctx, seq);
    if (!task) return notFound(ctx, seq);
    if (task.status !== 'open') return { text: ctx.t(`${taskCode(task)} 已${task.status === 'done' ? '销账' : '取消'}，不能延期。`, `${taskCode(task)} is ${task.status === 'done' ? 'written off' : 'cancelled'}; it cannot be extended.`) };
    const date = readDeadline(ctx, due);
    if (!date.ok) return { text: date.text };
    if (date.value === task.deadline) return { text: ctx.t(`${taskCode(task)} 的完成时限已是 ${task.deadline}。`, `${taskCode(task)} is already due ${task.deadline}.`) };
    const moved = await extend(ctx.dbh, task, { by: ctx.actor.person.id, at: ctx.clock.now(), deadline: date.value, reason });
    return { card: taskCard(ctx, moved, await historyOf(ctx.db, moved.id), overdueOf(ctx.campaign, moved, ctx.clock.now())) };
  },
});
