// The private reminder with a form (remind_by: [dm]): a card JSON 2.0 form container with inputs for 进展情况, 存在问题,
// 下一步计划 and one per metric of the rule, whose submit button carries the rule and the period (report.submit,
// src/pipeline/card-actions.ts); the server files it as the liaison's chat report would be filed.
// Form rules (feishu-cards/card-json-v2-components/containers/form-container and …/interactive-components/input):
// the form sits at the body root; every input and button in it has a name unique in the card; it needs a button
// with form_action_type submit; an input takes at most 1,000 characters (max_length 1..1000).
import { action } from '../pipeline/card-actions.js';
import { card, esc, md, note, type Card, type Element } from '../lark/cards.js';
import type { Rule, Unit } from '../org.js';

export interface FormCardInput {
  t(zh: string, en: string): string;
  lang: 'zh' | 'en';
  rule: Rule;
  period: string;
  /** the period as people read it */
  label: string;
  /** the due time as people read it */
  due: string;
  unit: Unit;
  metrics: readonly string[];
  /** sent after the due time (the chase): a report now counts as late */
  late: boolean;
}

const text = (content: string) => ({ tag: 'plain_text', content });

function input(name: string, label: string, placeholder: string, opts: { required?: boolean; multiline?: boolean } = {}): Element {
  return {
    tag: 'input',
    name,
    required: opts.required ?? false,
    width: 'fill',
    max_length: 1000,
    ...(opts.multiline ? { input_type: 'multiline_text', rows: 3, auto_resize: true } : {}),
    label: text(label),
    label_position: 'top',
    placeholder: text(placeholder),
  };
}

export function reportFormCard(o: FormCardInput): Card {
  const { t } = o;
  const value = action('report.submit', { r: o.rule.name, p: o.period, m: JSON.stringify(o.metrics) }, o.lang);
  const inputs: Element[] = [
    input('progress', t('进展情况（必填）', 'Progress (required)'), t('本期完成的工作，可分条填写', 'what was done this period'), { required: true, multiline: true }),
    input('problems', t('存在问题', 'Problems'), t('没有可不填（记为“无”）', 'leave empty for none'), { multiline: true }),
    input('next', t('下一步计划', 'Next steps'), t('下一阶段的工作安排', 'what comes next'), { multiline: true }),
    ...o.metrics.map((m, i) => input(`metric_${i}`, m, t('填数字，如 12；没有可不填', 'a number, e.g. 12; leave empty if none'))),
  ];
  const head = o.late
    ? t(
        `**${esc(o.unit.name)}**的「${esc(o.rule.name)}」（${esc(o.label)}）已过截止时间（${o.due}），尚未报送。请尽快补报（记为逾期报送）：`,
        `**${esc(o.unit.name)}** has not sent "${esc(o.rule.name)}" (${esc(o.label)}), due ${o.due}. Please report now (it counts as late):`,
      )
    : t(
        `**${esc(o.unit.name)}**的「${esc(o.rule.name)}」（${esc(o.label)}）将于 ${o.due} 截止，尚未报送。可直接在下面填写提交：`,
        `**${esc(o.unit.name)}** has not sent "${esc(o.rule.name)}" (${esc(o.label)}), due ${o.due}. Fill it in here:`,
      );
  return card({
    title: o.late ? t(`【催报】${o.rule.name}`, `Missed report: ${o.rule.name}`) : t(`【报送提醒】${o.rule.name}`, `Report reminder: ${o.rule.name}`),
    subtitle: `${o.label} · ${t('截止', 'due')} ${o.due}`,
    template: o.late ? 'red' : 'orange',
    elements: [
      md(head),
      {
        tag: 'form',
        name: 'report_form',
        elements: [
          ...inputs,
          { tag: 'button', name: 'report_submit', text: text(t('提交专报', 'Submit report')), type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value }] },
        ],
      },
      note(t('提交后与在群里 @督办 发送「汇报」相同；重复提交以最后一次为准，此前版本保留。', 'Submitting is the same as sending "report" in the chat; a second submission replaces the first and the earlier one is kept.')),
    ],
  });
}
