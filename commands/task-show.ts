// 任务 查看 / task show T3: one ledger item with its history and the actions the asker may take.
import { taskCard } from '../src/ledger/cards.js';
import { loadTask, notFound, taskRefArgs, taskHint } from '../src/ledger/input.js';
import { overdueOf } from '../src/ledger/overdue.js';
import { historyOf } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'task show',
  words: { zh: ['任务 查看', '任务 详情', '查看任务'], en: ['task show', 'task view'] },
  summary: { zh: '查看一项任务及其办理记录', en: 'one task and its history' },
  usage: { zh: '任务 查看 <编号>', en: 'task show <id>' },
  examples: ['任务 查看 T3', 'task show T3'],
  roles: 'anyone',
  args: taskRefArgs,
  hint: (ctx, text) => taskHint(ctx, text, ctx.lang === 'en' ? 'task show' : '任务 查看'),
  async handle(ctx, { seq }) {
    const task = await loadTask(ctx, seq);
    if (!task) return notFound(ctx, seq);
    return { card: taskCard(ctx, task, await historyOf(ctx.db, task.id), overdueOf(ctx.campaign, task, ctx.clock.now())) };
  },
});
