// 任务 取消 / task cancel T3 [reason]: take an item off the ledger's open list without writing it off.
import { taskCard } from '../src/ledger/cards.js';
import { loadTask, notFound, taskRefArgs, taskHint } from '../src/ledger/input.js';
import { MANAGERS } from '../src/ledger/rules.js';
import { cancel, historyOf, taskCode } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'task cancel',
  words: { zh: ['任务 取消', '取消任务'], en: ['task cancel'] },
  summary: { zh: '取消任务', en: 'cancel an item' },
  usage: { zh: '任务 取消 <编号> [原因]', en: 'task cancel <id> [reason]' },
  examples: ['任务 取消 T3 已并入T5统筹推进', 'task cancel T3 merged into T5'],
  roles: MANAGERS,
  args: taskRefArgs,
  hint: (ctx, text) => taskHint(ctx, text, ctx.lang === 'en' ? 'task cancel' : '任务 取消'),
  async handle(ctx, { seq, rest }) {
    const task = await loadTask(ctx, seq);
    if (!task) return notFound(ctx, seq);
    if (task.status !== 'open') return { text: ctx.t(`${taskCode(task)} 已${task.status === 'done' ? '销账' : '取消'}。`, `${taskCode(task)} is already ${task.status === 'done' ? 'written off' : 'cancelled'}.`) };
    const done = await cancel(ctx.dbh, task, { by: ctx.actor.person.id, at: ctx.clock.now(), note: rest });
    return { card: taskCard(ctx, done, await historyOf(ctx.db, done.id)) };
  },
});
