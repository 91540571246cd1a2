// 任务 审批 / task decide T3 同意|驳回 [意见]: the office (or a leader) decides a pending request on a task — an
// extension the lead unit asked for, or a write-off waiting for review. Approving moves the deadline or writes the task
// off through the ledger's own statements; the person who asked is told either way. The 同意 / 驳回 buttons of the
// request's card run this command with the request's number, so an old card never decides a newer request.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { loadTask, notFound, taskRefArgs, taskHint } from '../src/ledger/input.js';
import { personText } from '../src/ledger/request-cards.js';
import { markCardDecided, tellAsker } from '../src/ledger/request-notices.js';
import { decide, findRequest, requestsOf, type TaskRequest } from '../src/ledger/requests.js';
import { DECIDERS } from '../src/ledger/rules.js';
import { taskCode, type Task } from '../src/ledger/tasks.js';
import { defineCommand, type Ctx } from './define.js';

const APPROVE = /^(同意|批准|通过|准予|approve[ds]?|yes)$/i;
const REJECT = /^(驳回|不同意|不予同意|退回|reject(ed)?|no)$/i;
const KIND: Array<[RegExp, TaskRequest['kind']]> = [
  [/^(延期|延期申请|extension)$/i, 'extension'],
  [/^(销账|销账申请|write-?off)$/i, 'writeoff'],
];

export interface DecideArgs {
  seq: number;
  approve: boolean;
  kind?: TaskRequest['kind'];
  note: string;
  request?: number;
}

export const decideArgs = z
  .object({ text: z.string(), request: z.string().optional() })
  .transform((v, c): DecideArgs => {
    const r = taskRefArgs.safeParse({ text: v.text });
    if (!r.success) {
      for (const i of r.error.issues) c.addIssue({ code: 'custom', message: i.message });
      return z.NEVER;
    }
    const words = r.data.rest.split(/\s+/).filter(Boolean);
    const verb = words.shift() ?? '';
    if (!APPROVE.test(verb) && !REJECT.test(verb)) {
      c.addIssue({ code: 'custom', message: '请写明「同意」或「驳回」，如「任务 审批 T3 同意」' });
      return z.NEVER;
    }
    const kind = KIND.find(([re]) => re.test(words[0] ?? ''))?.[1];
    if (kind) words.shift();
    let request: number | undefined;
    if (v.request !== undefined) {
      if (!/^\d{1,12}$/.test(v.request.trim())) {
        c.addIssue({ code: 'custom', message: '申请号应为数字' });
        return z.NEVER;
      }
      request = Number(v.request.trim());
    }
    const note = words.join(' ').replace(/^(意见|审批意见|note)\s*[:：]\s*/i, '').trim();
    return { seq: r.data.seq, approve: APPROVE.test(verb), kind, note, request };
  });

const KIND_ZH = { extension: '延期申请', writeoff: '销账申请' } as const;
const KIND_EN = { extension: 'extension request', writeoff: 'write-off request' } as const;

function decidedText(ctx: Ctx, task: Task, req: TaskRequest): string {
  const at = DateTime.fromISO(req.decidedAt ?? '', { zone: ctx.campaign.timezone }).toFormat('yyyy-MM-dd HH:mm');
  const zh = req.status === 'approved' ? '同意' : '驳回';
  return ctx.t(
    `${taskCode(task)} 的这份${KIND_ZH[req.kind]}已于 ${at} 由 ${personText(ctx, req.decidedBy)} ${zh}，无需再审批。发送「任务 查看 ${taskCode(task)}」查看办理记录。`,
    `This ${KIND_EN[req.kind]} on ${taskCode(task)} was already ${req.status} by ${personText(ctx, req.decidedBy)} at ${at}. Send "task show ${taskCode(task)}" for its history.`,
  );
}

/** The request this decision is about, or the reply that says why there is none to decide. */
async function pick(ctx: Ctx, task: Task, a: DecideArgs): Promise<TaskRequest | { text: string }> {
  const all = await requestsOf(ctx.db, task.id);
  if (a.request !== undefined) {
    const req = all.find((r) => r.id === a.request) ?? (await findRequest(ctx.db, a.request));
    if (!req || req.taskId !== task.id || req.campaignId !== ctx.campaign.id) return { text: ctx.t(`${taskCode(task)} 没有这份申请。`, `${taskCode(task)} has no such request.`) };
    if (req.status !== 'pending') return { text: decidedText(ctx, task, req) };
    return req;
  }
  const pending = all.filter((r) => r.status === 'pending' && (!a.kind || r.kind === a.kind));
  if (pending.length === 1) return pending[0]!;
  if (pending.length > 1) {
    const code = taskCode(task);
    return { text: ctx.t(`${code} 同时有延期申请和销账申请待审批，请写明哪一项：「任务 审批 ${code} 同意 延期」或「任务 审批 ${code} 同意 销账」。`, `${code} has both an extension and a write-off awaiting decision; name one: "task decide ${code} approve extension" or "… approve write-off".`) };
  }
  const last = all.filter((r) => !a.kind || r.kind === a.kind).at(-1);
  const what = a.kind ? ctx.t(KIND_ZH[a.kind], KIND_EN[a.kind]) : ctx.t('申请', 'request');
  return { text: ctx.t(`${taskCode(task)} 没有待审批的${what}。`, `${taskCode(task)} has no ${what} awaiting a decision.`) + (last ? ' ' + decidedText(ctx, task, last) : '') };
}

export default defineCommand({
  name: 'task decide',
  words: { zh: ['任务 审批', '审批'], en: ['task decide'] },
  summary: { zh: '审批延期申请或销账申请（同意/驳回）', en: 'decide an extension or write-off request' },
  usage: { zh: '任务 审批 <编号> 同意|驳回 [审批意见]', en: 'task decide <id> approve|reject [note]' },
  examples: ['任务 审批 T3 同意', '任务 审批 T3 驳回 请先完成剩余住户登记，再申请销账', 'task decide T3 approve'],
  roles: DECIDERS,
  keys: { request: ['request', '申请号'] },
  args: decideArgs,
  hint: (ctx, text) => taskHint(ctx, text, ctx.lang === 'en' ? 'task decide' : '任务 审批'),
  // No request to decide (none waiting, or this card's already decided) is a refusal: a card click shows it as such.
  async allow(ctx, a) {
    const task = await loadTask(ctx, a.seq);
    if (!task) return true;
    const req = await pick(ctx, task, a);
    return 'text' in req ? { refused: req.text } : true;
  },
  async handle(ctx, a) {
    const task = await loadTask(ctx, a.seq);
    if (!task) return notFound(ctx, a.seq);
    const code = taskCode(task);
    const req = await pick(ctx, task, a);
    if ('text' in req) return req;
    if (a.approve && task.status !== 'open') {
      return { text: ctx.t(`${code} 已${task.status === 'done' ? '销账' : '取消'}，这份${KIND_ZH[req.kind]}不能同意，可以驳回。`, `${code} is ${task.status === 'done' ? 'written off' : 'cancelled'}; this ${KIND_EN[req.kind]} cannot be approved, only rejected.`) };
    }
    if (a.approve && req.kind === 'extension' && (req.toDeadline ?? '') <= task.deadline) {
      return { text: ctx.t(`${code} 的完成时限已是 ${task.deadline}，不早于申请延至的 ${req.toDeadline}，无需同意；可以驳回。`, `${code} is already due ${task.deadline}, not before the ${req.toDeadline} asked; reject it instead.`) };
    }
    const done = await decide(ctx.dbh, task, req, { approve: a.approve, by: ctx.actor.person.id, at: ctx.clock.now(), note: a.note });
    if (!done.decided) return { text: decidedText(ctx, task, done.request) };
    await tellAsker(ctx, done.task, done.request);
    await markCardDecided(ctx, task, done.request);
    const asker = personText(ctx, req.askedBy);
    if (req.kind === 'extension') {
      return {
        text: a.approve
          ? ctx.t(`已同意 ${code} 延期申请（${asker}）：完成时限 ${task.deadline} → ${req.toDeadline}。已通知申请人。`, `Approved the extension of ${code} (${asker}): ${task.deadline} → ${req.toDeadline}. The asker has been told.`)
          : ctx.t(`已驳回 ${code} 延期申请（${asker}），完成时限仍为 ${task.deadline}。已通知申请人。`, `Rejected the extension of ${code} (${asker}); it stays due ${task.deadline}. The asker has been told.`),
      };
    }
    return {
      text: a.approve
        ? ctx.t(`已审核同意 ${code} 销账（${asker}申请），任务已销账。已通知申请人。`, `Approved the write-off of ${code} (asked by ${asker}); it is written off. The asker has been told.`)
        : ctx.t(`已驳回 ${code} 销账申请（${asker}），任务仍在办理中。已通知申请人。`, `Rejected the write-off of ${code} (${asker}); it stays open. The asker has been told.`),
    };
  },
});
