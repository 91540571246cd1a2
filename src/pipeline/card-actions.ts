// Card buttons carry an action and its object (`{"a":"task.done","id":"T3"}`), never command text: the server maps the
// action to the command it stands for, which then runs through the same pipeline as a typed message, with the
// clicker's roles (a card never grants more than chat). A form's inputs fill the action's named slots the same way.
import type { Lang } from '../context.js';
import { readValue } from '../core/report-metrics.js';

/** The value a button carries: the action, its object, and the language the card was written in. */
export type ActionValue = { a: string; id?: string; l?: 'en' } & Record<string, string>;

type Slots = Record<string, string>;

interface ActionDef {
  /** the object's id form, when the action has one */
  id?: RegExp;
  /** names of form inputs the action reads */
  form?: readonly string[];
  /** form inputs that may be left empty (the decision's note) */
  optional?: readonly string[];
  /** further fields of the button's value, each with the form it must have (a request's number) */
  extra?: Record<string, RegExp>;
  command(lang: Lang, id: string, slots: Slots): string;
}

const TASK = /^T\d{1,9}$/;
const PROBLEM = /^P\d{1,9}$/;
const NOTICE = /^D\d{1,9}$/;
const say = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh);

export const CARD_ACTIONS: Record<string, ActionDef> = {
  'task.show': { id: TASK, command: (l, id) => `${say(l, '任务 查看', 'task show')} ${id}` },
  'task.done': { id: TASK, command: (l, id) => `${say(l, '任务 销账', 'task done')} ${id}` },
  'task.cancel': { id: TASK, command: (l, id) => `${say(l, '任务 取消', 'task cancel')} ${id}` },
  'task.reopen': { id: TASK, command: (l, id) => `${say(l, '任务 重开', 'task reopen')} ${id}` },
  'task.extend': {
    id: TASK,
    form: ['due', 'reason'],
    command: (l, id, f) => say(l, `任务 延期 ${id} 截止：${f.due} 原因：${f.reason}`, `task extend ${id} due:${f.due} reason:${f.reason}`),
  },
  'task.note': { id: TASK, form: ['note'], command: (l, id, f) => `${say(l, '任务 进展', 'task note')} ${id} ${f.note}` },
  'task.list': {
    command: (l, _id, f) =>
      [say(l, '任务 列表', 'task list'), f.scope, f.all === '1' ? say(l, '全部', 'all') : '', f.page ? say(l, `第${f.page}页`, `page ${f.page}`) : ''].filter(Boolean).join(' '),
  },
  'notice.reply': { id: NOTICE, form: ['reply'], command: (l, id, f) => say(l, `督办 回复 ${id} ${f.reply}`, `notice reply ${id} ${f.reply}`) },
  'notice.close': { id: NOTICE, command: (l, id) => `${say(l, '督办 办结', 'notice close')} ${id}` },
  // The office's decision on a request (申请延期, 销账审核): the button names the task and the request, so a click on
  // an old card never decides a newer request of the same task.
  'request.approve': {
    id: TASK,
    extra: { r: /^\d{1,12}$/ },
    optional: ['note'],
    command: (l, id, f) => say(l, `任务 审批 ${id} 同意 ${f.note ?? ''} 申请号：${f.r}`, `task decide ${id} approve ${f.note ?? ''} request:${f.r}`),
  },
  'request.reject': {
    id: TASK,
    extra: { r: /^\d{1,12}$/ },
    optional: ['note'],
    command: (l, id, f) => say(l, `任务 审批 ${id} 驳回 ${f.note ?? ''} 申请号：${f.r}`, `task decide ${id} reject ${f.note ?? ''} request:${f.r}`),
  },
  'task.request-extension': {
    id: TASK,
    form: ['due', 'reason'],
    command: (l, id, f) => say(l, `任务 申请延期 ${id} 截止：${f.due} 原因：${f.reason}`, `task request-extension ${id} due:${f.due} reason:${f.reason}`),
  },
  // The private reminder's form (src/reports/form-card.ts): the report as the liaison would type it, for the rule and
  // period the card was sent for; the command files it for the clicker's own unit, as a chat report.
  'report.submit': {
    command: (l, _id, f) =>
      [
        `${say(l, '汇报 制度', 'report rule')} 「${f.rule}」 ${say(l, '周期', 'period')} ${f.period}`,
        `${say(l, '进展：', 'progress: ')}${f.progress}`,
        `${say(l, '问题：', 'problems: ')}${f.problems || say(l, '无', 'none')}`,
        `${say(l, '下一步：', 'next: ')}${f.next || say(l, '无', 'none')}`,
        ...(f.metrics ? [`${say(l, '指标：', 'metrics: ')}${f.metrics}`] : []),
      ].join('\n'),
  },
  'problem.resolve': { id: PROBLEM, command: (l, id) => say(l, `问题 解决 ${id} 已协调解决`, `problem resolve ${id} resolved by coordination`) },
};

/** Builds a button's value: `action('task.done', { id: 'T3' }, 'zh')`. */
export function action(a: keyof typeof CARD_ACTIONS, fields: Record<string, string | number | boolean | undefined>, lang: Lang): ActionValue {
  const v: ActionValue = { a } as ActionValue;
  for (const [k, x] of Object.entries(fields)) if (x !== undefined && x !== false && x !== '') v[k] = x === true ? '1' : String(x);
  if (lang === 'en') v.l = 'en';
  return v;
}

/** One line, bounded: a form input is what the clicker could have typed, so it grants nothing chat does not. */
const slot = (v: unknown, max: number) =>
  String(v ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);

/** A refused click; `tell` is what the clicker is told when the refusal is about what they typed, not the button. */
export type Click = { ok: true; text: string; lang: Lang } | { ok: false; reason: string; tell?: string };

/** The command a click stands for, or why the click is refused. */
export function commandOfClick(value: unknown, formValue: Record<string, unknown> | undefined): Click {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'a button value must name an action' };
  const v = value as Record<string, unknown>;
  if ('cmd' in v) return { ok: false, reason: 'command text in a button is not accepted (outdated card)' };
  const def = typeof v.a === 'string' ? CARD_ACTIONS[v.a] : undefined;
  if (!def) return { ok: false, reason: `unknown action ${JSON.stringify(String(v.a ?? '')).slice(0, 60)}` };
  const id = typeof v.id === 'string' ? v.id : '';
  if (def.id && !def.id.test(id)) return { ok: false, reason: `action ${String(v.a)} needs an id of the form ${def.id.source}` };
  const lang: Lang = v.l === 'en' ? 'en' : 'zh';
  const slots: Slots = {};
  if (v.a === 'task.list') {
    slots.scope = slot(v.scope, 100);
    slots.all = v.all === '1' ? '1' : '';
    slots.page = /^\d{1,5}$/.test(String(v.page ?? '')) ? String(v.page) : '';
  }
  if (v.a === 'report.submit') return reportSubmit(v, formValue, lang);
  for (const [name, form] of Object.entries(def.extra ?? {})) {
    const x = String(v[name] ?? '');
    if (!form.test(x)) return { ok: false, reason: `action ${String(v.a)} needs ${name} of the form ${form.source}` };
    slots[name] = x;
  }
  for (const name of def.optional ?? []) slots[name] = slot(formValue?.[name], 2000);
  for (const name of def.form ?? []) {
    const x = slot(formValue?.[name], 2000);
    if (!x) return { ok: false, reason: `the form's ${name} is empty` };
    slots[name] = x;
  }
  return { ok: true, text: def.command(lang, id, slots), lang };
}

const PERIOD_KEY = /^\d{4}-(?:W\d{2}(?:-[12])?|Q[1-4]|\d{2})$/;
/** A report section: its lines kept (a list of items reads as typed), bounded like a chat report's section (5,000). */
const section = (v: unknown) =>
  String(v ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, 5000);

/**
 * The form of a private reminder: the rule and period come from the button, the sections and metrics from the inputs.
 * A metric that is not a number is refused before anything is stored (the form asked for a number in its own box),
 * and the clicker is told which one and what to write.
 */
function reportSubmit(v: Record<string, unknown>, form: Record<string, unknown> | undefined, lang: Lang): Click {
  const rule = slot(v.r, 100).replace(/[「」]/g, '');
  const period = String(v.p ?? '');
  if (!rule || !PERIOD_KEY.test(period)) return { ok: false, reason: 'report.submit needs a rule and a period' };
  let names: string[] = [];
  try {
    const parsed: unknown = JSON.parse(String(v.m ?? '[]'));
    if (Array.isArray(parsed)) names = parsed.map((x) => slot(x, 50)).filter(Boolean).slice(0, 20);
  } catch {
    return { ok: false, reason: 'report.submit carries a bad metric list' };
  }
  const progress = section(form?.progress);
  if (!progress) return { ok: false, reason: "the form's progress is empty", tell: say(lang, '请填写「进展情况」后再提交。', 'Fill in "progress" before submitting.') };
  const metrics: string[] = [];
  for (const [i, name] of names.entries()) {
    const typed = slot(form?.[`metric_${i}`], 50);
    if (!typed) continue;
    if (!readValue(typed)) {
      return {
        ok: false,
        reason: `metric ${i} is not a number`,
        tell: say(lang, `指标「${name}」应填写数字（如 12、十二、45%），收到「${typed}」。本次未登记，请修改后重新提交。`, `The metric "${name}" takes a number (12, 45%), not "${typed}". Nothing was filed; correct it and submit again.`),
      };
    }
    metrics.push(`${name}=${typed}`);
  }
  const slots: Slots = { rule, period, progress, problems: section(form?.problems), next: section(form?.next), metrics: metrics.join(say(lang, '，', ', ')) };
  return { ok: true, text: CARD_ACTIONS['report.submit']!.command(lang, '', slots), lang };
}
