// The 🟡 part of the overdue list and digest (黄灯预警): items due within `ledger.yellow_within` workdays or extended,
// soonest first, so the office chases them before they turn red.
import { clip } from '../core/text.js';
import { md, note, table, type Element } from '../lark/cards.js';
import type { View } from './cards.js';
import { lightRuleText, yellowWithin, type YellowItem } from './light.js';
import { taskCode } from './tasks.js';

const SHOWN = 30;

export function yellowSection(v: Pick<View, 't' | 'org' | 'campaign'>, items: YellowItem[]): Element[] {
  const within = yellowWithin(v.campaign);
  const why = (i: YellowItem) => (i.why === 'extended' ? v.t('已延期', 'extended') : v.t(`${within}个工作日内到期`, `due within ${within} workdays`));
  return [
    md(`**${v.t(`🟡 黄灯预警（${items.length} 项）`, `🟡 Yellow (${items.length})`)}**`),
    table(
      [
        { name: 'code', title: v.t('编号', 'ID'), width: '80px' },
        { name: 'title', title: v.t('重点工作事项', 'Item') },
        { name: 'lead', title: v.t('主责部门', 'Lead unit') },
        { name: 'deadline', title: v.t('完成时限', 'Deadline'), width: '100px' },
        { name: 'why', title: v.t('预警原因', 'Why'), width: '120px' },
      ],
      items.slice(0, SHOWN).map((i) => ({ code: taskCode(i.task), title: clip(i.task.title, 40), lead: v.org.unit(i.task.leadUnitId)?.name ?? '', deadline: i.task.deadline, why: why(i) })),
      10,
    ),
    ...(items.length > SHOWN ? [note(v.t(`只列出最近到期的 ${SHOWN} 项。`, `Only the ${SHOWN} soonest are listed.`))] : []),
    note(lightRuleText(v.t, within)),
  ];
}
