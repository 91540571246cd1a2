// 任务 申请延期 / task request-extension T3 due:<date> reason:<text>: the lead unit asks the office for more time. The
// request is stored pending and a card with 同意 / 驳回 goes to the office chat; the office decides (任务 审批).
import { loadTask, notFound, readDeadline, taskDateReasonArgs, taskHint } from '../src/ledger/input.js';
import { todayIn } from '../src/ledger/overdue.js';
import { askedIn, askStatement, pendingRequests } from '../src/ledger/requests.js';
import { sendToOffice } from '../src/ledger/request-notices.js';
import { askRefusal, mayAskExtension, mayManage } from '../src/ledger/rules.js';
import { taskCode } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'task request-extension',
  words: { zh: ['任务 申请延期', '申请延期'], en: ['task request-extension', 'task request extension', 'task ask-extension'] },
  summary: { zh: '主责单位向办公室申请延期（办公室审批）', en: 'ask the office for an extension (the office decides)' },
  usage: { zh: '任务 申请延期 <编号> 截止：<申请延至> 原因：<延期原因>', en: 'task request-extension <id> due:<date> reason:<text>' },
  examples: ['任务 申请延期 T3 截止：2027年1月31日 原因：部分住户外出务工，需补登记', 'task request-extension T3 due:2027-01-31 reason:residents away'],
  roles: 'anyone',
  keys: { due: ['due', 'deadline', '截止', '截止日期', '完成时限', '时限', '延至', '申请延至'], reason: ['reason', '原因', '理由', '延期原因'] },
  args: taskDateReasonArgs({ due: '请写明申请延至的日期，如「截止：12月31日」', dueEmpty: '请写明申请延至的日期', reason: '申请延期须写明原因，如「原因：……」', reasonEmpty: '申请延期须写明原因' }),
  hint: (ctx, text) => taskHint(ctx, text, ctx.lang === 'en' ? 'task request-extension' : '任务 申请延期', false),
  async allow(ctx, { seq }) {
    const task = await loadTask(ctx, seq);
    if (!task || mayAskExtension(ctx.actor, task)) return true;
    const direct = mayManage(ctx.actor) ? ctx.t(`您可以直接延期：任务 延期 T${task.seq} 截止：… 原因：…`, ` You may extend it yourself: task extend T${task.seq} due:… reason:…`) : '';
    return { refused: askRefusal(ctx.org, ctx.actor, task, ctx.t) + direct };
  },
  async handle(ctx, { seq, due, reason }) {
    const task = await loadTask(ctx, seq);
    if (!task) return notFound(ctx, seq);
    const code = taskCode(task);
    // The office and the leaders decide requests; they move a deadline themselves.
    if (mayManage(ctx.actor)) {
      return { text: ctx.t(`您可以直接延期，无需申请：任务 延期 ${code} 截止：${due} 原因：${reason}`, `You may extend it yourself: task extend ${code} due:${due} reason:${reason}`) };
    }
    if (task.status !== 'open') return { text: ctx.t(`${code} 已${task.status === 'done' ? '销账' : '取消'}，不能申请延期。`, `${code} is ${task.status === 'done' ? 'written off' : 'cancelled'}; no extension can be asked.`) };
    const date = readDeadline(ctx, due);
    if (!date.ok) return { text: date.text };
    const today = todayIn(ctx.campaign, ctx.clock.now());
    if (date.value < today) return { text: ctx.t(`申请延至的日期 ${date.value} 已经过去（今天是 ${today}），请写今后的日期。`, `${date.value} is in the past (today is ${today}); ask for a later date.`) };
    if (date.value <= task.deadline) return { text: ctx.t(`${code} 的完成时限是 ${task.deadline}，申请延至的日期须在此之后。`, `${code} is due ${task.deadline}; ask for a date after it.`) };
    const [pending] = (await pendingRequests(ctx.db, task.id)).filter((r) => r.kind === 'extension');
    if (pending) {
      // The same request again (a resent message, a replay after a crash) is the one already waiting: say so, and
      // make sure the office has its card (the card's key makes a second queue a no-op).
      if (pending.askedBy === ctx.actor.person.id && pending.toDeadline === date.value && pending.reason === reason) {
        await sendToOffice(ctx, task, pending);
        return { text: sentText(ctx, code, date.value) };
      }
      return { text: ctx.t(`${code} 已有一份延期申请（延至 ${pending.toDeadline}）正等待办公室审批，请等审批结果后再申请。`, `${code} already has an extension request (to ${pending.toDeadline}) awaiting the office; wait for its decision.`) };
    }
    await ctx.dbh.atomic([askStatement(ctx.dbh, task, { kind: 'extension', by: ctx.actor.person.id, at: ctx.clock.now(), toDeadline: date.value, reason, chat: askedIn(ctx) })]);
    const [req] = (await pendingRequests(ctx.db, task.id)).filter((r) => r.kind === 'extension');
    const where = await sendToOffice(ctx, task, req!);
    return { text: sentText(ctx, code, date.value) + (where === 'nowhere' ? ctx.t('（办公室群尚未绑定，也没有登记办公室人员，请直接联系办公室。）', ' (No office chat is bound and no office person is registered: contact the office.)') : '') };
  },
});

function sentText(ctx: { t(zh: string, en: string): string }, code: string, to: string): string {
  return ctx.t(`已提交 ${code} 延期申请（申请延至 ${to}），已送办公室审批，审批结果会通知您。`, `Your extension request for ${code} (to ${to}) went to the office; you will be told its decision.`);
}
