// 任务 销账 / task done T3 [note]: write a ledger item off — by the office or a person of its lead unit (主责部门).
import { taskCard } from '../src/ledger/cards.js';
import { loadTask, notFound, taskRefArgs } from '../src/ledger/input.js';
import { mayWriteOff, writeOffRefusal } from '../src/ledger/rules.js';
import { historyOf, taskCode, writeOff } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'task done',
  words: { zh: ['任务 销账', '任务 完成', '销账'], en: ['task done', 'task write off'] },
  summary: { zh: '销账：任务已完成', en: 'write an item off (done)' },
  usage: { zh: '任务 销账 <编号> [销账说明]', en: 'task done <id> [note]' },
  examples: ['任务 销账 T3 已完成全部住户登记', 'task done T3 all households registered'],
  // Any registered person may try; the object rule below lets the office and the lead unit through.
  roles: 'anyone',
  args: taskRefArgs,
  async allow(ctx, { seq }) {
    const task = await loadTask(ctx, seq);
    if (!task || mayWriteOff(ctx.actor, task)) return true;
    return { refused: writeOffRefusal(ctx.org, ctx.actor, task, ctx.t) };
  },
  async handle(ctx, { seq, rest }) {
    const task = await loadTask(ctx, seq);
    if (!task) return notFound(ctx, seq);
    if (task.status === 'done') return { text: ctx.t(`${taskCode(task)} 已经销账。`, `${taskCode(task)} is already written off.`) };
    if (task.status === 'cancelled') return { text: ctx.t(`${taskCode(task)} 已取消，不能销账；如需办理请先「任务 重开 ${taskCode(task)}」。`, `${taskCode(task)} was cancelled; reopen it first ("task reopen ${taskCode(task)}").`) };
    const done = await writeOff(ctx.dbh, task, { by: ctx.actor.person.id, at: ctx.clock.now(), note: rest });
    return { card: taskCard(ctx, done, await historyOf(ctx.db, done.id)) };
  },
});
