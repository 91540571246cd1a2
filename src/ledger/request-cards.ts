// The card a request puts in the office chat (申请延期, 销账审核): the task, what is asked and why, who asked and when,
// and a form with an optional 审批意见 and the 同意 / 驳回 buttons. The buttons name the task and the request
// (`{a: 'request.approve', id: 'T3', r: '12'}`), so a click on an old card never decides a newer request.
import { DateTime } from 'luxon';
import { action } from '../pipeline/card-actions.js';
import { card, fields, md, note, type Card, type Element } from '../lark/cards.js';
import { clip } from '../core/text.js';
import type { View } from './cards.js';
import type { TaskRequest } from './requests.js';
import { taskCode, type Task } from './tasks.js';

type Speak = Pick<View, 't' | 'lang' | 'org' | 'campaign'>;

export function personText(v: Speak, id: number | null): string {
  const p = id == null ? undefined : v.org.people.find((x) => x.id === id);
  return p ? `${p.name}（${v.org.unit(p.unitId)?.name ?? ''}）` : v.t('已移除人员', 'a removed person');
}

const at = (v: Speak, iso: string) => DateTime.fromISO(iso, { zone: v.campaign.timezone }).toFormat('yyyy-MM-dd HH:mm');

export function requestCard(v: Speak, task: Task, req: TaskRequest): Card {
  const code = taskCode(task);
  const extension = req.kind === 'extension';
  const pairs: Array<[string, string]> = [
    [v.t('重点工作事项', 'Item'), `${code} ${clip(task.title, 80)}`],
    [v.t('主责部门', 'Lead unit'), v.org.unit(task.leadUnitId)?.name ?? ''],
    [v.t('现完成时限', 'Current deadline'), task.deadline],
    ...(extension ? [[v.t('申请延至', 'Asked for'), req.toDeadline ?? ''] as [string, string]] : []),
    [extension ? v.t('延期原因', 'Reason') : v.t('销账说明', 'Note'), req.reason || v.t('无', 'none')],
    [v.t('申请人', 'Asked by'), personText(v, req.askedBy)],
    [v.t('申请时间', 'Asked at'), at(v, req.askedAt)],
  ];
  const value = (a: 'request.approve' | 'request.reject') => action(a, { id: code, r: req.id }, v.lang);
  const submit = (name: string, text: string, type: string, a: 'request.approve' | 'request.reject'): Element => ({
    tag: 'button',
    name,
    text: { tag: 'plain_text', content: text },
    type,
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value: value(a) }],
  });
  const form: Element = {
    tag: 'form',
    name: `decide_${req.id}`,
    elements: [
      { tag: 'input', name: 'note', required: false, width: 'fill', max_length: 300, placeholder: { tag: 'plain_text', content: v.t('审批意见（选填；驳回时请写明理由）', 'note (optional; say why when rejecting)') } },
      {
        tag: 'column_set',
        flex_mode: 'flow',
        columns: [
          { tag: 'column', width: 'auto', elements: [submit(`approve_${req.id}`, v.t('同意', 'Approve'), 'primary', 'request.approve')] },
          { tag: 'column', width: 'auto', elements: [submit(`reject_${req.id}`, v.t('驳回', 'Reject'), 'danger', 'request.reject')] },
        ],
      },
    ],
  };
  const title = extension ? v.t(`延期申请 · ${code}`, `Extension request · ${code}`) : v.t(`销账审核 · ${code}`, `Write-off review · ${code}`);
  // Decided: the card shows the decision in place of its buttons (the office chat's card is patched to this).
  if (req.status !== 'pending') {
    const approved = req.status === 'approved';
    const result: Array<[string, string]> = [
      [v.t('审批结果', 'Decision'), approved ? v.t('同意', 'approved') : v.t('驳回', 'rejected')],
      [v.t('审批人', 'Decided by'), personText(v, req.decidedBy)],
      [v.t('审批时间', 'Decided at'), req.decidedAt ? at(v, req.decidedAt) : ''],
      ...(req.decisionNote ? [[v.t('审批意见', 'Note'), req.decisionNote] as [string, string]] : []),
    ];
    return card({
      title,
      subtitle: clip(task.title, 60),
      template: approved ? 'green' : 'grey',
      tags: [{ text: approved ? v.t('已同意', 'approved') : v.t('已驳回', 'rejected'), color: approved ? 'green' : 'neutral' }],
      elements: [fields(pairs), fields(result)],
    });
  }
  return card({
    title,
    subtitle: clip(task.title, 60),
    template: 'orange',
    tags: [{ text: v.t('待审批', 'awaiting decision'), color: 'orange' }],
    elements: [
      fields(pairs),
      md(`**${v.t('审批', 'Decision')}**`),
      form,
      note(
        v.t(
          `也可发送「任务 审批 ${code} 同意」或「任务 审批 ${code} 驳回 意见」。`,
          `Or send "task decide ${code} approve" or "task decide ${code} reject <note>".`,
        ),
      ),
    ],
  });
}
