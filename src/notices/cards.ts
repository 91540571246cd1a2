// 督办单 cards (Card JSON 2.0): the notice itself, with its history, a reply form (回复) and a close button (办结); the
// list (督办 列表); the note the issuer and the office get when a unit replies; and the daily chase (催办).
// Buttons carry an action and the notice id (`{a:'notice.close', id:'D3'}`); the clicker's roles decide, as in chat.
import { DateTime } from 'luxon';
import { action, type ActionValue } from '../pipeline/card-actions.js';
import type { Lang } from '../context.js';
import { clip } from '../core/text.js';
import { at, button, buttons, card, esc, fields, hr, md, note, table, type Card, type Element } from '../lark/cards.js';
import { liaisonsOf, type Campaign, type Org } from '../org.js';
import { noticeCode, stateOf, stateWord, type Notice, type NoticeEvent, type NoticeState } from './store.js';

export interface NoticeView {
  t(zh: string, en: string): string;
  lang: Lang;
  org: Org;
  campaign: Campaign;
}

const COLOUR: Record<NoticeState, { template: 'blue' | 'green' | 'red' | 'grey'; tag: string }> = {
  open: { template: 'blue', tag: 'blue' },
  replied: { template: 'green', tag: 'green' },
  overdue: { template: 'red', tag: 'red' },
  closed: { template: 'grey', tag: 'neutral' },
};

const unitName = (v: NoticeView, id: number) => v.org.unit(id)?.name ?? `#${id}`;

function personName(v: NoticeView, id: number | null): string {
  if (id == null) return v.t('系统', 'system');
  const p = v.org.people.find((x) => x.id === id);
  return p ? v.t(`${p.name}（${unitName(v, p.unitId)}）`, `${p.name} (${unitName(v, p.unitId)})`) : v.t('已移除人员', 'a removed person');
}

/** "@张丽 @李强", or a note that the unit has no liaison registered. */
export function liaisonMentions(v: NoticeView, unitId: number): string {
  const who = liaisonsOf(v.org, unitId).map((p) => at(p.openId));
  return who.length ? who.join(' ') : v.t('（未登记联络员）', '(no liaison registered)');
}

function eventLine(v: NoticeView, e: NoticeEvent): string {
  const when = DateTime.fromISO(e.at, { zone: v.campaign.timezone }).toFormat('yyyy-MM-dd HH:mm');
  const what: Record<string, string> = { issued: v.t('下发督办', 'issued'), reply: v.t('回复', 'replied'), chased: v.t('逾期催办', 'chased (overdue)'), closed: v.t('办结', 'closed') };
  const body = e.kind === 'chased' ? '' : e.note ? `${v.t('：', ': ')}${esc(clip(e.note, 300))}` : '';
  return `- ${esc(when)} ${esc(e.kind === 'chased' ? v.t('督办', 'Duban') : personName(v, e.byPersonId))} **${esc(what[e.kind] ?? e.kind)}**${body}`;
}

/** The reply form and the close button, for a notice not yet closed. */
function actions(v: NoticeView, n: Notice): Element[] {
  const code = noticeCode(n);
  const value = (a: 'notice.reply' | 'notice.close'): ActionValue => action(a, { id: code }, v.lang);
  return [
    {
      tag: 'form',
      name: `reply_${code}`,
      elements: [
        md(`**${v.t('回复办理情况', 'Reply')}**`),
        { tag: 'input', name: 'reply', required: true, width: 'fill', max_length: 1000, placeholder: { tag: 'plain_text', content: v.t('本单位的办理情况（责任单位填写）', 'what your unit has done (the unit replies)') } },
        { tag: 'button', name: `reply_${code}_submit`, text: { tag: 'plain_text', content: v.t('回复', 'Reply') }, type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value: value('notice.reply') }] },
      ],
    },
    buttons([{ ...button(v.t('办结', 'Close'), value('notice.close')), name: `close_${code}` }]),
  ];
}

/** The notice: what is asked, of whom, by when, its state, its history; with 回复 / 办结 while it is not closed. */
export function noticeCard(v: NoticeView, n: Notice, history: NoticeEvent[], o: { today: string; mention?: boolean }): Card {
  const state = stateOf(n, o.today);
  const pairs: Array<[string, string]> = [
    [v.t('督办事项', 'Matter'), n.text],
    [v.t('责任单位', 'Unit'), unitName(v, n.unitId)],
    [v.t('办理时限', 'Due'), n.due],
    [v.t('督办人', 'Issued by'), personName(v, n.issuedBy)],
    [v.t('状态', 'Status'), stateWord(state, v.t)],
  ];
  const elements: Element[] = [fields(pairs)];
  if (o.mention && n.status !== 'closed') {
    elements.push(md(`${liaisonMentions(v, n.unitId)} ${v.t(`请于 **${n.due}** 前回复办理情况。`, `please reply by **${n.due}**.`)}`));
  }
  elements.push(hr(), md(`**${v.t('办理记录', 'History')}**\n${history.map((e) => eventLine(v, e)).join('\n') || v.t('暂无', 'none')}`));
  if (n.status !== 'closed') {
    elements.push(...actions(v, n));
    elements.push(note(v.t(`也可发送「督办 回复 ${noticeCode(n)} 办理情况」；办结：「督办 办结 ${noticeCode(n)}」。`, `Or send "notice reply ${noticeCode(n)} <text>"; to close: "notice close ${noticeCode(n)}".`)));
  }
  return card({
    title: v.t(`督办单 ${noticeCode(n)} · ${unitName(v, n.unitId)}`, `Notice ${noticeCode(n)} · ${unitName(v, n.unitId)}`),
    subtitle: clip(n.text, 60),
    template: COLOUR[state].template,
    tags: [{ text: stateWord(state, v.t), color: COLOUR[state].tag }],
    elements,
  });
}

/** 督办 列表: every notice (of one unit when asked), with its state word; counts per state on top. */
export function noticeListCard(v: NoticeView, rows: Notice[], o: { today: string; scope?: string; replies: Map<number, NoticeEvent> }): Card {
  const states = rows.map((n) => stateOf(n, o.today));
  const count = (s: NoticeState) => states.filter((x) => x === s).length;
  const summary = v.t(
    `待回复 ${count('open')} · 已逾期 ${count('overdue')} · 已回复 ${count('replied')} · 已办结 ${count('closed')}`,
    `awaiting reply ${count('open')} · overdue ${count('overdue')} · replied ${count('replied')} · closed ${count('closed')}`,
  );
  const title = v.t(`督办单${o.scope ? ` · ${o.scope}` : ''}`, `Notices${o.scope ? ` · ${o.scope}` : ''}`);
  if (!rows.length) return card({ title, template: 'green', elements: [md(v.t('暂无督办单。', 'No notices.')), note(v.t('下发：督办 <单位> <事项> 截止：<日期>', 'Issue one: notice <unit> <text> due:<date>'))] });
  return card({
    title,
    subtitle: summary,
    template: count('overdue') ? 'red' : 'blue',
    elements: [
      table(
        [
          { name: 'code', title: v.t('编号', 'ID'), width: '80px' },
          { name: 'unit', title: v.t('责任单位', 'Unit') },
          { name: 'text', title: v.t('督办事项', 'Matter') },
          { name: 'due', title: v.t('办理时限', 'Due'), width: '100px' },
          { name: 'state', title: v.t('状态', 'Status'), width: '80px' },
          { name: 'reply', title: v.t('最新回复', 'Latest reply') },
        ],
        rows.map((n, i) => ({ code: noticeCode(n), unit: unitName(v, n.unitId), text: clip(n.text, 60), due: n.due, state: stateWord(states[i]!, v.t), reply: clip(o.replies.get(n.id)?.note ?? '', 60) })),
        10,
      ),
      note(v.t('查看或回复：督办 回复 D编号 办理情况；办结：督办 办结 D编号', 'Reply: notice reply D<n> <text>; close: notice close D<n>')),
    ],
  });
}

/** What the issuer and the office hear when a unit replies; with 办结 for them to close it. */
export function replyCard(v: NoticeView, n: Notice, reply: { by: string; text: string }): Card {
  const code = noticeCode(n);
  return card({
    title: v.t(`督办单 ${code} 已回复 · ${unitName(v, n.unitId)}`, `Notice ${code} replied · ${unitName(v, n.unitId)}`),
    subtitle: clip(n.text, 60),
    template: 'green',
    elements: [
      fields([
        [v.t('回复人', 'From'), reply.by],
        [v.t('办理情况', 'Reply'), reply.text],
        [v.t('办理时限', 'Due'), n.due],
      ]),
      buttons([{ ...button(v.t('办结', 'Close'), action('notice.close', { id: code }, v.lang), 'primary'), name: `close_${code}` }]),
      note(v.t(`如需继续办理，可不办结；办结：督办 办结 ${code}`, `Leave it open if more is needed; to close: notice close ${code}`)),
    ],
  });
}

/** The daily chase (催办) in a chat: each unanswered notice past its deadline, its unit, @ its liaisons when asked. */
export function chaseCard(v: NoticeView, list: Notice[], o: { today: string; mention: boolean; office: boolean }): Card {
  const lines = list.map((n) => {
    const who = o.mention ? ` ${liaisonMentions(v, n.unitId)}` : '';
    return `- **${noticeCode(n)}** ${esc(unitName(v, n.unitId))}${who}${v.t('：', ': ')}${esc(clip(n.text, 80))}${v.t('　时限', ', due')} **${n.due}**`;
  });
  return card({
    title: o.office ? v.t('【督办催办】逾期未回复的督办单', 'Chase: notices overdue without a reply') : v.t('【督办催办】请尽快回复办理情况', 'Chase: please reply to these notices'),
    subtitle: v.t(`截至 ${o.today}`, `As of ${o.today}`),
    template: 'red',
    elements: [
      md(lines.join('\n')),
      note(
        o.office
          ? v.t('每个工作日催办一次，直到责任单位回复或办公室办结。', 'Chased once each workday until the unit replies or the office closes it.')
          : v.t('请发送「督办 回复 D编号 办理情况」，或在督办单卡片上填写回复。', 'Send "notice reply D<n> <text>", or reply on the notice card.'),
      ),
    ],
  });
}
