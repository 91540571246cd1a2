// 任务 重开 / task reopen T3 [note]: a written-off or cancelled item goes back on the open ledger.
import { taskCard } from '../src/ledger/cards.js';
import { loadTask, notFound, taskRefArgs, taskHint } from '../src/ledger/input.js';
import { overdueOf } from '../src/ledger/overdue.js';
import { MANAGERS } from '../src/ledger/rules.js';
import { historyOf, reopen, taskCode } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'task reopen',
  words: { zh: ['任务 重开', '任务 重新打开', '任务 恢复'], en: ['task reopen'] },
  summary: { zh: '重新打开已销账或已取消的任务', en: 'reopen a written-off or cancelled item' },
  usage: { zh: '任务 重开 <编号> [说明]', en: 'task reopen <id> [note]' },
  examples: ['任务 重开 T3 复查发现仍有住户未登记', 'task reopen T3 some households missing'],
  roles: MANAGERS,
  args: taskRefArgs,
  hint: (ctx, text) => taskHint(ctx, text, ctx.lang === 'en' ? 'task reopen' : '任务 重开'),
  async handle(ctx, { seq, rest }) {
    const task = await loadTask(ctx, seq);
    if (!task) return notFound(ctx, seq);
    if (task.status === 'open') return { text: ctx.t(`${taskCode(task)} 仍在办理中，无需重开。`, `${taskCode(task)} is still open.`) };
    const open = await reopen(ctx.dbh, task, { by: ctx.actor.person.id, at: ctx.clock.now(), note: rest });
    return { card: taskCard(ctx, open, await historyOf(ctx.db, open.id), overdueOf(ctx.campaign, open, ctx.clock.now())) };
  },
});
