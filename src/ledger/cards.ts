// Ledger cards (Card JSON 2.0): one task with its history and the buttons the viewer may use, a page of the ledger,
// and the overdue list. Buttons carry an action and its object (`{a: 'task.done', id: 'T3'}`, src/pipeline/card-actions.ts);
// the server maps it to the command, run with the clicker's roles.
//
// Forms (extend, note), per the Card JSON 2.0 docs found with the search tool (open.feishu.cn/document/feishu-cards/
// card-json-v2-components/containers/form-container and …/interactive-components/input):
// - `{tag:'form', name, elements}` sits only at the body root; it may not hold a table or another form.
// - every interactive element inside needs a `name` unique in the whole card; `input` is
//   `{tag:'input', name, required?, placeholder:{tag:'plain_text',content}, default_value?, width?, max_length?}`;
//   `required: true` is checked by the client, which does not call back while a required field is empty.
// - the form needs a button with `form_action_type: 'submit'`; its click arrives as card.action.trigger with
//   `action.value` (the button's callback value, here the action) and `action.form_value` = { <input name>: text }.
//   We keep `behaviors: [{type:'callback', value}]` on the submit button, as published 2.0 samples do; the action's
//   form slots (due, reason, note) are read from form_value on the server.
import { action, type ActionValue } from '../pipeline/card-actions.js';
import { DateTime } from 'luxon';
import type { Ctx } from '../context.js';
import { button, buttons, card, esc, fields, hr, md, note, table, type Card, type Element } from '../lark/cards.js';
import { clip } from '../core/text.js';
import { listTitle } from '../core/limits.js';
import type { OverdueItem } from './overdue.js';
import { mayAskExtension, mayManage, mayNote, mayWriteOff } from './rules.js';
import { ledgerSettingsOf } from './settings.js';
import { taskCode, type Task, type TaskEvent } from './tasks.js';
import { LIGHT_EMOJI, lightRule, lightRuleText, lightText, yellowWithin, type Light, type YellowItem } from './light.js';
import { yellowSection } from './light-cards.js';
import { findPhase, phaseLine, phaseOn, phaseText } from './phases.js';
import { calendarOf } from '../core/calendar.js';
import { quarterName } from '../core/quarters.js';

/** Who is looking and in what language; with the clock, cards show the light (红黄绿灯) and the phase as of now. */
export type View = Pick<Ctx, 't' | 'lang' | 'org' | 'actor' | 'campaign'> & Partial<Pick<Ctx, 'clock'>>;

export function statusText(v: Pick<View, 't'>, status: Task['status']): string {
  return status === 'done' ? v.t('已销账', 'written off') : status === 'cancelled' ? v.t('已取消', 'cancelled') : v.t('进行中', 'open');
}

const unitName = (v: View, id: number) => v.org.unit(id)?.name ?? `#${id}`;
const unitNames = (v: View, ids: number[]) => ids.map((id) => unitName(v, id)).join(v.lang === 'zh' ? '、' : ', ');

/** A button's value: the action on this object, in the viewer's language. */
const act = (v: View, a: Parameters<typeof action>[0], fields: Parameters<typeof action>[1]) => action(a, fields, v.lang);

function input(name: string, placeholder: string, required = true): Element {
  return { tag: 'input', name, required, width: 'fill', max_length: 300, placeholder: { tag: 'plain_text', content: placeholder } };
}

function form(name: string, title: string, inputs: Element[], submit: string, value: ActionValue): Element {
  return {
    tag: 'form',
    name,
    elements: [
      md(`**${title}**`),
      ...inputs,
      { tag: 'button', name: `${name}_submit`, text: { tag: 'plain_text', content: submit }, type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value }] },
    ],
  };
}

function eventLine(v: View, e: TaskEvent): string {
  const at = DateTime.fromISO(e.at, { zone: v.campaign.timezone }).toFormat('yyyy-MM-dd HH:mm');
  const p = e.byPersonId == null ? undefined : v.org.people.find((x) => x.id === e.byPersonId);
  const who = p ? `${p.name}（${unitName(v, p.unitId)}）` : e.byPersonId == null ? v.t('系统', 'system') : v.t('已移除人员', 'a removed person');
  const what: Record<string, string> = {
    created: v.t('登记', 'added'),
    note: v.t('进展', 'progress'),
    extend: v.t(`延期 ${e.fromDeadline ?? ''} → ${e.toDeadline ?? ''}`, `extended ${e.fromDeadline ?? ''} → ${e.toDeadline ?? ''}`),
    done: v.t('销账', 'written off'),
    cancel: v.t('取消', 'cancelled'),
    reopen: v.t('重新打开', 'reopened'),
    import: v.t('台账导入更新', 'updated by import'),
    ...requestWords(v, e),
  };
  const reason = e.kind === 'extend' || e.kind === 'extension_requested' ? v.t('原因：', 'reason: ') : /_(approved|rejected)$/.test(e.kind) ? v.t('意见：', 'note: ') : '';
  return `- ${esc(at)} ${esc(who)} **${esc(what[e.kind] ?? e.kind)}**${e.note ? `：${reason}${esc(clip(e.note, 200))}` : ''}`;
}

/** History words of the requests the office decides (申请延期, 销账审核: src/ledger/requests.ts). */
function requestWords(v: View, e: TaskEvent): Record<string, string> {
  return {
    extension_requested: v.t(`申请延期至 ${e.toDeadline ?? ''}`, `asked to extend to ${e.toDeadline ?? ''}`),
    extension_approved: v.t('同意延期申请', 'approved the extension'),
    extension_rejected: v.t('驳回延期申请', 'rejected the extension'),
    writeoff_requested: v.t('申请销账（待审核）', 'asked to write off (awaiting review)'),
    writeoff_approved: v.t('审核同意销账', 'approved the write-off'),
    writeoff_rejected: v.t('驳回销账申请', 'rejected the write-off'),
  };
}

/** The requests still waiting for the office, as the history tells them (a request line without its decision). */
export function pendingKinds(history: TaskEvent[]): Set<'extension' | 'writeoff'> {
  const out = new Set<'extension' | 'writeoff'>();
  for (const e of history) {
    const m = /^(extension|writeoff)_(requested|approved|rejected)$/.exec(e.kind);
    if (!m) continue;
    const kind = m[1] as 'extension' | 'writeoff';
    if (m[2] === 'requested') out.add(kind);
    else out.delete(kind);
  }
  return out;
}

/** The actions the viewer may take on this task, as buttons and forms. */
function actions(v: View, task: Task, pending: Set<'extension' | 'writeoff'>): Element[] {
  const code = taskCode(task);
  const out: Element[] = [];
  const row: Element[] = [];
  if (task.status === 'open') {
    // Under 销账审核 a unit's button asks for the write-off; the office's writes off.
    const review = ledgerSettingsOf(v.campaign).writeoffReview && !mayManage(v.actor);
    if (mayWriteOff(v.actor, task) && !(review && pending.has('writeoff'))) row.push(button(review ? v.t('申请销账', 'Ask to write off') : v.t('销账', 'Write off'), act(v, 'task.done', { id: code }), 'primary'));
    if (mayManage(v.actor)) row.push(button(v.t('取消任务', 'Cancel task'), act(v, 'task.cancel', { id: code }), 'danger'));
  } else if (mayManage(v.actor)) {
    row.push(button(v.t('重新打开', 'Reopen'), act(v, 'task.reopen', { id: code })));
  }
  if (row.length) out.push(buttons(row));
  if (task.status === 'open' && mayManage(v.actor)) {
    out.push(
      form(
        `extend_${code}`,
        v.t('延期', 'Extend'),
        [input('due', v.t('新的完成时限，如 12月31日、下周五', 'new deadline, e.g. 2026-12-31, next friday')), input('reason', v.t('延期原因（必填）', 'reason (required)'))],
        v.t('提交延期', 'Extend'),
        act(v, 'task.extend', { id: code }),
      ),
    );
  }
  // The lead unit asks the office for more time (申请延期); the managers extend directly above.
  if (task.status === 'open' && !mayManage(v.actor) && mayAskExtension(v.actor, task) && !pending.has('extension')) {
    out.push(
      form(
        `ask_${code}`,
        v.t('申请延期', 'Ask for an extension'),
        [input('due', v.t('申请延至，如 12月31日', 'new deadline, e.g. 2026-12-31')), input('reason', v.t('延期原因（必填）', 'reason (required)'))],
        v.t('提交申请', 'Send to the office'),
        act(v, 'task.request-extension', { id: code }),
      ),
    );
  }
  if (task.status === 'open' && mayNote(v.actor, task)) {
    out.push(form(`note_${code}`, v.t('填写进展', 'Progress note'), [input('note', v.t('本项工作的最新进展', 'latest progress on this item'))], v.t('提交进展', 'Add note'), act(v, 'task.note', { id: code })));
  }
  return out;
}

/** 任务 查看: the item, its history (who, when, what), and the viewer's actions. */
export function taskCard(v: View, task: Task, history: TaskEvent[], overdue?: { days: number; workdays: number }): Card {
  const group = v.org.group(task.groupId)?.name;
  const pending = pendingKinds(history);
  const pairs: Array<[string, string]> = [
    [v.t('重点工作事项', 'Item'), task.title],
    ...(task.target ? [[v.t('具体任务目标', 'Target'), task.target] as [string, string]] : []),
    [v.t('主责部门', 'Lead unit'), unitName(v, task.leadUnitId)],
    ...(task.cooperatingUnitIds.length ? [[v.t('配合部门', 'Cooperating'), unitNames(v, task.cooperatingUnitIds)] as [string, string]] : []),
    ...(group ? [[v.t('协调推动组', 'Group'), group] as [string, string]] : []),
    [v.t('完成时限', 'Deadline'), task.deadline + (overdue ? v.t(`（已逾期 ${overdue.days} 天，${overdue.workdays} 个工作日）`, ` (${overdue.days} days, ${overdue.workdays} workdays overdue)`) : '')],
    [v.t('状态', 'Status'), statusText(v, task.status) + (task.status === 'open' && pending.has('writeoff') ? v.t('（销账待审核）', ' (write-off awaiting review)') : '')],
    ...(task.status === 'open' && pending.has('extension') ? [[v.t('延期申请', 'Extension'), v.t('待办公室审批', 'awaiting the office')] as [string, string]] : []),
    ...signals(v, task, history),
  ];
  const template = task.status === 'done' ? 'green' : task.status === 'cancelled' ? 'grey' : overdue ? 'red' : 'blue';
  const tags = [{ text: statusText(v, task.status), color: task.status === 'done' ? 'green' : task.status === 'cancelled' ? 'neutral' : 'blue' }];
  if (task.status === 'open' && pending.has('writeoff')) tags.push({ text: v.t('待审核', 'awaiting review'), color: 'orange' });
  if (overdue) tags.push({ text: v.t('逾期', 'overdue'), color: 'red' });
  return card({
    title: `${taskCode(task)} · ${clip(task.title, 40)}`,
    subtitle: v.t(`台账 · ${v.campaign.name}`, `Ledger · ${v.campaign.name}`),
    template,
    tags,
    elements: [
      fields(pairs),
      hr(),
      md(`**${v.t('办理记录', 'History')}**\n${history.map((e) => eventLine(v, e)).join('\n') || v.t('暂无', 'none')}`),
      ...actions(v, task, pending),
    ],
  });
}

/** 预警 (the light, open items only), 所属阶段 or 当前阶段, and 季度, as of the viewer's clock. */
function signals(v: View, task: Task, history: TaskEvent[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!v.clock) return out;
  const now = v.clock.now();
  const rule = lightRule(v.campaign, now);
  const extended = history.some((e) => e.kind === 'extend');
  const light = rule.of(task, extended);
  if (light) out.push([v.t('预警', 'Light'), lightText(v.t, light, rule.why(task, extended), rule.within)]);
  const own = task.phase ? findPhase(v.campaign, task.phase) : undefined;
  if (own) out.push([v.t('所属阶段', 'Phase'), phaseText(v.t, calendarOf(v.campaign), rule.today, own)]);
  else if (task.phase) out.push([v.t('所属阶段', 'Phase'), task.phase]);
  else {
    const line = phaseLine(v.t, phaseOn(v.campaign, rule.today));
    if (line) out.push([v.t('工作阶段', 'Phase'), line]);
  }
  if (task.quarter) out.push([v.t('季度', 'Quarter'), quarterName(task.quarter, v.lang)]);
  return out;
}

/** 任务 列表: one page of the ledger, with paging buttons. */
export function listCard(
  v: View,
  rows: Task[],
  o: { total: number; page: number; size: number; scope?: string; all: boolean; today: string; lights?: Map<number, Light>; query?: string; review?: Set<number> },
): Card {
  const pages = Math.max(1, Math.ceil(o.total / o.size));
  const pageCmd = (p: number) => act(v, 'task.list', { scope: o.query ?? o.scope, all: o.all, page: p });
  const nav: Element[] = [];
  if (o.page > 1) nav.push(button(v.t('上一页', 'Previous'), pageCmd(o.page - 1)));
  if (o.page < pages) nav.push(button(v.t('下一页', 'Next'), pageCmd(o.page + 1)));
  const waiting = (t: Task) => (o.review?.has(t.id) ? v.t('（待审核）', ' (review)') : '');
  const state = (t: Task) => (t.status === 'open' && t.deadline < o.today ? v.t('逾期', 'overdue') : statusText(v, t.status)) + waiting(t);
  return card({
    title: v.t(`台账${o.scope ? ` · ${o.scope}` : ''}`, `Ledger${o.scope ? ` · ${o.scope}` : ''}`),
    subtitle: v.t(`共 ${o.total} 项${o.all ? '' : '进行中'} · 第 ${o.page}/${pages} 页`, `${o.total} ${o.all ? '' : 'open '}items · page ${o.page}/${pages}`),
    elements: rows.length
      ? [
          table(
            [
              { name: 'code', title: v.t('编号', 'ID'), width: '80px' },
              { name: 'title', title: v.t('重点工作事项', 'Item') },
              { name: 'lead', title: v.t('主责部门', 'Lead unit') },
              { name: 'deadline', title: v.t('完成时限', 'Deadline'), width: '100px' },
              { name: 'status', title: v.t('状态', 'Status'), width: '80px' },
              ...(o.lights ? [{ name: 'light', title: v.t('预警', 'Light'), width: '60px' }] : []),
            ],
            rows.map((t) => {
              const light = o.lights?.get(t.id);
              return { code: taskCode(t), title: listTitle(t.title), lead: unitName(v, t.leadUnitId), deadline: t.deadline, status: state(t), ...(o.lights ? { light: light ? LIGHT_EMOJI[light] : '—' } : {}) };
            }),
            10,
          ),
          ...(nav.length ? [buttons(nav)] : []),
          ...(o.lights ? [note(lightRuleText(v.t, yellowWithin(v.campaign)))] : []),
          note(v.t(`发送「任务 查看 编号」查看详情${o.all ? '' : '；「任务 列表 全部」含已销账和已取消的任务'}。`, `Send "task show <id>" for details${o.all ? '' : '; "task list all" includes closed items'}.`)),
        ]
      : [md(v.t('没有符合条件的任务。', 'No tasks match.'))],
  });
}

const SHOWN = 50;
const WITH_ACTIONS = 10;

/** 逾期: the overdue items in a table, oldest first, then per-item actions for the oldest ones. */
export function overdueCard(v: View, items: OverdueItem[], o: { today: string; scope?: string; yellow?: YellowItem[] }): Card {
  const title = v.t(`逾期任务${o.scope ? ` · ${o.scope}` : ''}`, `Overdue${o.scope ? ` · ${o.scope}` : ''}`);
  const yellow = o.yellow?.length ? yellowSection(v, o.yellow) : [];
  if (!items.length) {
    return card({
      title,
      template: yellow.length ? 'yellow' : 'green',
      tags: yellow.length ? [{ text: v.t(`🟡 黄灯 ${o.yellow!.length}`, `🟡 ${o.yellow!.length} yellow`), color: 'yellow' }] : undefined,
      elements: [md(v.t(`截至 ${o.today}，没有逾期任务。`, `No overdue items as of ${o.today}.`)), ...yellow],
    });
  }
  const byLead = new Map<number, number>();
  for (const i of items) byLead.set(i.task.leadUnitId, (byLead.get(i.task.leadUnitId) ?? 0) + 1);
  const ranked = [...byLead].sort((a, b) => b[1] - a[1]);
  // The ten units with most overdue items; a campaign of 200 units would otherwise fill the card.
  const leads = ranked.slice(0, 10).map(([id, n]) => `${unitName(v, id)} ${n}`);
  if (ranked.length > 10) leads.push(v.t(`等 ${ranked.length} 个单位`, `and ${ranked.length - 10} more units`));
  const rows: Element[] = items.slice(0, WITH_ACTIONS).map((i) => {
    const code = taskCode(i.task);
    const list = [button(v.t(`查看 ${code}`, `Show ${code}`), act(v, 'task.show', { id: code }))];
    if (mayWriteOff(v.actor, i.task)) list.push(button(v.t(`销账 ${code}`, `Write off ${code}`), act(v, 'task.done', { id: code }), 'primary'));
    return buttons(list);
  });
  return card({
    title,
    subtitle: v.t(`截至 ${o.today} 共 ${items.length} 项逾期`, `${items.length} overdue as of ${o.today}`),
    template: 'red',
    tags: [
      { text: v.t(`🔴 逾期 ${items.length}`, `🔴 ${items.length} overdue`), color: 'red' },
      ...(o.yellow?.length ? [{ text: v.t(`🟡 黄灯 ${o.yellow.length}`, `🟡 ${o.yellow.length} yellow`), color: 'yellow' }] : []),
    ],
    elements: [
      md(`**${v.t('按主责部门', 'By lead unit')}**：${esc(leads.join(v.lang === 'zh' ? '、' : ', '))}`),
      table(
        [
          { name: 'code', title: v.t('编号', 'ID'), width: '80px' },
          { name: 'title', title: v.t('重点工作事项', 'Item') },
          { name: 'lead', title: v.t('主责部门', 'Lead unit') },
          { name: 'deadline', title: v.t('完成时限', 'Deadline'), width: '100px' },
          { name: 'days', title: v.t('逾期天数', 'Days'), type: 'number', width: '80px' },
          { name: 'workdays', title: v.t('工作日', 'Workdays'), type: 'number', width: '80px' },
        ],
        items.slice(0, SHOWN).map((i) => ({ code: taskCode(i.task), title: clip(i.task.title, 40), lead: unitName(v, i.task.leadUnitId), deadline: i.task.deadline, days: i.days, workdays: i.workdays })),
        10,
      ),
      ...(items.length > SHOWN ? [note(v.t(`只列出最早的 ${SHOWN} 项；发送「逾期 单位或工作组」缩小范围。`, `Only the oldest ${SHOWN} are listed; send "overdue <unit or group>" to narrow it.`))] : []),
      ...yellow,
      hr(),
      ...rows,
    ],
  });
}
