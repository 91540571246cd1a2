// 任务 销账 / task done T3 [note]: write a ledger item off — by the office or a person of its lead unit (主责部门).
import { taskCard } from '../src/ledger/cards.js';
import { loadTask, notFound, taskRefArgs, taskHint } from '../src/ledger/input.js';
import { markCardDecided, sendToOffice, tellAsker } from '../src/ledger/request-notices.js';
import { askedIn, askStatement, decide, pendingRequests, type TaskRequest } from '../src/ledger/requests.js';
import { mayManage, mayWriteOff, writeOffRefusal } from '../src/ledger/rules.js';
import { ledgerSettingsOf } from '../src/ledger/settings.js';
import { historyOf, taskCode, writeOff, type Task } from '../src/ledger/tasks.js';
import { defineCommand, type Ctx } from './define.js';

/** A unit's 销账 under review: a pending write-off request and a card to the office; the task stays open (待审核). */
async function askWriteOff(ctx: Ctx, task: Task, pending: TaskRequest | undefined, note: string) {
  const code = taskCode(task);
  const sent = ctx.t(`${code} 的销账申请已送办公室审核，审核通过前任务仍在办理中（待审核），结果会通知您。`, `The write-off of ${code} went to the office for review; it stays open (awaiting review) until approved, and you will be told.`);
  if (pending) {
    // The same request again (a resent message, a replay) is the one already waiting; another is refused.
    if (pending.askedBy === ctx.actor.person.id && pending.reason === note) {
      await sendToOffice(ctx, task, pending);
      return { text: sent };
    }
    return { text: ctx.t(`${code} 已有一份销账申请正等待办公室审核，请等审核结果。`, `${code} already has a write-off awaiting the office's review; wait for its decision.`) };
  }
  await ctx.dbh.atomic([askStatement(ctx.dbh, task, { kind: 'writeoff', by: ctx.actor.person.id, at: ctx.clock.now(), reason: note, chat: askedIn(ctx) })]);
  const req = (await pendingRequests(ctx.db, task.id)).find((r) => r.kind === 'writeoff')!;
  await sendToOffice(ctx, task, req);
  return { text: sent };
}

export default defineCommand({
  name: 'task done',
  words: { zh: ['任务 销账', '任务 完成', '销账'], en: ['task done', 'task write off'] },
  summary: { zh: '销账：任务已完成', en: 'write an item off (done)' },
  usage: { zh: '任务 销账 <编号> [销账说明]', en: 'task done <id> [note]' },
  examples: ['任务 销账 T3 已完成全部住户登记', 'task done T3 all households registered'],
  // Any registered person may try; the object rule below lets the office and the lead unit through.
  roles: 'anyone',
  args: taskRefArgs,
  hint: (ctx, text) => taskHint(ctx, text, ctx.lang === 'en' ? 'task done' : '任务 销账'),
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
    const pending = (await pendingRequests(ctx.db, task.id)).find((r) => r.kind === 'writeoff');
    // 销账审核 (plan ledger.writeoff_review): a unit's write-off waits for the office; the office and the leaders, who
    // decide such requests, write off at once (approving a waiting request with it).
    if (ledgerSettingsOf(ctx.campaign).writeoffReview && !mayManage(ctx.actor)) return askWriteOff(ctx, task, pending, rest);
    if (pending) {
      const decided = await decide(ctx.dbh, task, pending, { approve: true, by: ctx.actor.person.id, at: ctx.clock.now(), note: rest });
      if (decided.decided) {
        await tellAsker(ctx, decided.task, decided.request);
        await markCardDecided(ctx, task, decided.request);
      }
      return { card: taskCard(ctx, decided.task, await historyOf(ctx.db, task.id)) };
    }
    const done = await writeOff(ctx.dbh, task, { by: ctx.actor.person.id, at: ctx.clock.now(), note: rest });
    return { card: taskCard(ctx, done, await historyOf(ctx.db, done.id)) };
  },
});
