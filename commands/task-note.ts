// 任务 进展 / task note T3 <text>: a progress note on an item, from its lead or a cooperating unit, or the office.
import { taskCard } from '../src/ledger/cards.js';
import { loadTask, notFound, taskRefArgs, taskHint } from '../src/ledger/input.js';
import { overdueOf } from '../src/ledger/overdue.js';
import { mayNote, noteRefusal } from '../src/ledger/rules.js';
import { addNote, historyOf } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'task note',
  words: { zh: ['任务 进展', '任务 备注'], en: ['task note'] },
  summary: { zh: '填写任务进展', en: 'add a progress note' },
  usage: { zh: '任务 进展 <编号> <进展情况>', en: 'task note <id> <text>' },
  examples: ['任务 进展 T3 已完成大沽街道片区登记，塘沽片区进行中', 'task note T3 half of the households registered'],
  roles: 'anyone',
  args: taskRefArgs.refine((v) => v.rest.length > 0, { message: '请写明进展情况' }),
  hint: (ctx, text) => taskHint(ctx, text, ctx.lang === 'en' ? 'task note' : '任务 进展'),
  async allow(ctx, { seq }) {
    const task = await loadTask(ctx, seq);
    if (!task || mayNote(ctx.actor, task)) return true;
    return { refused: noteRefusal(ctx.org, ctx.actor, task, ctx.t) };
  },
  async handle(ctx, { seq, rest }) {
    const task = await loadTask(ctx, seq);
    if (!task) return notFound(ctx, seq);
    const noted = await addNote(ctx.dbh, task, { by: ctx.actor.person.id, at: ctx.clock.now(), note: rest });
    return { card: taskCard(ctx, noted, await historyOf(ctx.db, noted.id), overdueOf(ctx.campaign, noted, ctx.clock.now())) };
  },
});
