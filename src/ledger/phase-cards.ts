// The phase-notice job's cards: a phase begins (name, goal, dates, workdays) and a phase is about to end (its open
// items, each with its light, and the lead units' liaisons @-mentioned in their chats).
import { at, card, esc, fields, md, note, table, type Card } from '../lark/cards.js';
import { listTitle } from '../core/limits.js';
import { liaisonsOf, type Org } from '../org.js';
import { LIGHT_EMOJI, type Light } from './light.js';
import type { Phase } from './phases.js';
import { taskCode, type Task } from './tasks.js';

type Say = (zh: string, en: string) => string;

const dates = (t: Say, p: Phase) => t(`${p.from} 至 ${p.to}`, `${p.from} to ${p.to}`);

/** 【阶段开始】集中攻坚: what the phase is for and how long it runs. */
export function phaseStartCard(t: Say, p: Phase, o: { workdays: number; next?: Phase }): Card {
  const pairs: Array<[string, string]> = [
    [t('阶段', 'Phase'), p.name],
    [t('时间', 'Dates'), `${dates(t, p)}${t(`（共 ${o.workdays} 个工作日）`, ` (${o.workdays} workdays)`)}`],
    ...(p.goal ? [[t('阶段目标', 'Goal'), p.goal] as [string, string]] : []),
    ...(o.next ? [[t('下一阶段', 'Next phase'), `${o.next.name}（${dates(t, o.next)}）`] as [string, string]] : []),
  ];
  return card({
    title: t(`【阶段开始】${p.name}`, `Phase begins: ${p.name}`),
    template: 'blue',
    elements: [
      fields(pairs),
      note(t('各单位请按本阶段目标倒排工期、挂图作战；发送「任务 列表 阶段名称」查看本阶段任务。', 'Send "task list <phase>" for this phase’s tasks.')),
    ],
  });
}

/** 【阶段即将结束】: the phase's open items, five workdays before its last day; `mention` @-mentions the lead units' liaisons. */
export function phaseEndingCard(t: Say, org: Org, p: Phase, items: Array<{ task: Task; light?: Light }>, o: { left: number; mention: boolean; scope?: string }): Card {
  const leads = [...new Set(items.map((i) => i.task.leadUnitId))];
  const who = o.mention ? leads.flatMap((id) => liaisonsOf(org, id).map((x) => at(x.openId))).join(' ') : '';
  const title = t(`【阶段即将结束】${p.name}`, `Phase ending: ${p.name}`);
  const end = p.to.split('-').map(Number);
  const head = t(
    `距本阶段结束（${end[0]}年${end[1]}月${end[2]}日）还有 ${o.left} 个工作日${items.length ? `，尚有 ${items.length} 项任务未销账` : '，本阶段任务已全部销账'}。`,
    `${o.left} workdays before it ends (${p.to})${items.length ? `; ${items.length} items still open` : '; every item of this phase is written off'}.`,
  );
  if (!items.length) return card({ title, template: 'green', elements: [md(esc(head))] });
  return card({
    title,
    subtitle: o.scope,
    template: 'orange',
    elements: [
      md(`${esc(head)}${who ? `\n${who}` : ''}`),
      table(
        [
          { name: 'code', title: t('编号', 'ID'), width: '80px' },
          { name: 'title', title: t('重点工作事项', 'Item') },
          { name: 'lead', title: t('主责部门', 'Lead unit') },
          { name: 'deadline', title: t('完成时限', 'Deadline'), width: '100px' },
          { name: 'light', title: t('预警', 'Light'), width: '60px' },
        ],
        items.map((i) => ({ code: taskCode(i.task), title: listTitle(i.task.title), lead: org.unit(i.task.leadUnitId)?.name ?? '', deadline: i.task.deadline, light: i.light ? LIGHT_EMOJI[i.light] : '' })),
        10,
      ),
      note(t('完成后请 @督办 发送「任务 销账 T编号 说明」；确需延期请向办公室申请。', 'When done, @mention Duban with "task done T<number> <note>"; for more time ask the office.')),
    ],
  });
}
