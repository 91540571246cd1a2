// Cards about problems: the problem list (问题清单) with level, age and owner, one problem, and the escalation notice
// the `problem-escalation` job posts to the next level's chat.
import { translate, type Lang } from '../context.js';
import { action } from '../pipeline/card-actions.js';
import type { ProblemLevel } from '../../db/schema.js';
import type { WorkCalendar } from '../core/calendar.js';
import { clip } from '../core/text.js';
import { button, buttons, card, esc, md, note, table, type Card } from '../lark/cards.js';
import type { Org } from '../org.js';
import { LEVEL_NAMES, LIMIT_WORKDAYS } from './ladder.js';
import { historyLine } from './history.js';
import { problemRef, viewOf, type Problem, type ProblemEvent } from './store.js';

const tr = translate;

export function problemListCard(org: Org, list: Problem[], now: Date, cal: WorkCalendar, lang: Lang, opts: { all?: boolean } = {}): Card {
  const t = tr(lang);
  const rows = list.map((p) => {
    const v = viewOf(org, p, now, cal, lang);
    return {
      id: problemRef(p),
      text: clip(p.text, 40),
      level: LEVEL_NAMES[p.level][lang] + (p.status === 'resolved' ? t('（已解决）', ' (resolved)') : p.status === 'cancelled' ? t('（已撤销）', ' (cancelled)') : ''),
      age: t(`${v.age} 个工作日`, `${v.age} workdays`),
      owner: v.owner,
      unit: org.unit(p.unitId)?.name ?? '',
    };
  });
  const open = list.filter((p) => p.status === 'open').length;
  return card({
    title: t(`问题清单 · ${org.campaign.name}`, `Problem list · ${org.campaign.name}`),
    template: open ? 'orange' : 'green',
    tags: [{ text: t(`未解决 ${open}`, `open ${open}`), color: open ? 'orange' : 'green' }],
    elements: rows.length
      ? [
          table(
            [
              { name: 'id', title: t('编号', 'ID'), width: '80px' },
              { name: 'text', title: t('问题', 'Problem') },
              { name: 'level', title: t('层级', 'Level') },
              { name: 'age', title: t('已持续', 'Age') },
              { name: 'owner', title: t('责任方', 'Owner') },
              { name: 'unit', title: t('上报单位', 'Raised by') },
            ],
            rows,
          ),
          note(
            esc(
              t(
                `工作组 ${LIMIT_WORKDAYS.group} 个工作日未解决报副组长，副组长 ${LIMIT_WORKDAYS.deputy} 个工作日未解决列入办公室问题清单，再 ${LIMIT_WORKDAYS.office} 个工作日报组长。`,
                `Unresolved after ${LIMIT_WORKDAYS.group} workdays at group level it goes to the deputy, after ${LIMIT_WORKDAYS.deputy} more to the office's list, after ${LIMIT_WORKDAYS.office} more to the commander.`,
              ),
            ),
          ),
        ]
      : [md(esc(opts.all ? t('还没有上报过问题。', 'No problems have been raised.') : t('目前没有未解决的问题。', 'No open problems.')))],
  });
}

export function problemCard(org: Org, p: Problem, now: Date, cal: WorkCalendar, lang: Lang, heading: string, extra = '', history: ProblemEvent[] = []): Card {
  const t = tr(lang);
  const v = viewOf(org, p, now, cal, lang);
  const lines = [
    `**${t('问题', 'Problem')}**：${esc(p.text)}`,
    `**${t('层级', 'Level')}**：${esc(LEVEL_NAMES[p.level][lang])}　**${t('责任方', 'Owner')}**：${esc(v.owner)}`,
    `**${t('已持续', 'Age')}**：${t(`${v.age} 个工作日`, `${v.age} workdays`)}`,
  ];
  const unit = org.unit(p.unitId);
  if (unit) lines.push(`**${t('上报单位', 'Raised by')}**：${esc(unit.name)}`);
  if (p.status === 'resolved') lines.push(`**${t('解决情况', 'Resolution')}**：${esc(p.resolution ?? '')}`);
  if (p.status === 'cancelled') lines.push(`**${t('撤销原因', 'Cancelled')}**：${esc(p.resolution ?? '')}`);
  const past = history.length ? [md(`**${t('办理记录', 'History')}**\n${history.map((e) => `- ${esc(historyLine(org, e, lang))}`).join('\n')}`)] : [];
  return card({
    title: `${heading} ${problemRef(p)}`,
    template: p.status === 'resolved' ? 'green' : p.status === 'cancelled' ? 'grey' : p.level === 'group' ? 'yellow' : 'orange',
    elements: [md(lines.join('\n')), ...past, ...(extra ? [note(esc(extra))] : [])],
  });
}

/** Posted to the next level's chat when a problem climbs (by the job or by hand). */
export function escalationCard(org: Org, p: Problem, to: ProblemLevel, now: Date, cal: WorkCalendar, lang: Lang): Card {
  const t = tr(lang);
  const v = viewOf(org, p, now, cal, lang);
  const group = org.group(p.groupId)?.name;
  const from = p.level === 'group' && group ? group : LEVEL_NAMES[p.level][lang];
  const body = [
    `**${t('问题', 'Problem')}**：${esc(p.text)}`,
    `**${t('原责任方', 'Was with')}**：${esc(from)}（${t(`${v.atLevel} 个工作日未解决`, `unresolved for ${v.atLevel} workdays`)}）`,
    `**${t('现提请', 'Now with')}**：${esc(LEVEL_NAMES[to][lang])}`,
    `**${t('已持续', 'Age')}**：${t(`${v.age} 个工作日`, `${v.age} workdays`)}${org.unit(p.unitId) ? `　**${t('上报单位', 'Raised by')}**：${esc(org.unit(p.unitId)!.name)}` : ''}`,
  ];
  return card({
    title: t(`问题升级 ${problemRef(p)} · 提请${LEVEL_NAMES[to].zh}协调`, `Problem ${problemRef(p)} escalated to the ${LEVEL_NAMES[to].en}`),
    template: to === 'commander' ? 'red' : 'orange',
    elements: [md(body.join('\n')), buttons([button(t('标记已解决', 'Mark resolved'), action('problem.resolve', { id: problemRef(p) }, lang), 'primary')])],
  });
}
