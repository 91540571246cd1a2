// The answer to 会议 纪要: every line that became a ledger task, and every item line that did not, with why and the
// form that works. User text is escaped; the reasons are ours.
import { card, esc, md, note, plain, type Card } from '../lark/cards.js';
import { clip } from '../core/text.js';
import type { MinutesMiss, Reason } from './minutes-lines.js';
import { meetingRef, type Meeting } from './store.js';

type Lang = 'zh' | 'en';

export const DEADLINE_FORMS = '12月15日前、截止：12月15日、12月底前、月底前、本周内、下周五前、年底前';

/** Why one item line is not a task, in the office's words. */
export function reasonText(r: Reason, lang: Lang): string {
  const zh = lang === 'zh';
  switch (r.code) {
    case 'no_title':
      return zh ? '没有事项内容' : 'no item text';
    case 'no_lead':
      return zh ? '没有牵头单位（写「由某单位牵头」或「牵头：单位」）' : 'no lead unit (write "lead: <unit>" or 由<单位>牵头)';
    case 'no_deadline':
      return zh ? `没有完成时限（可写：${DEADLINE_FORMS}）` : 'no deadline (write "due: 2026-12-15", 12月15日前, 月底前, 本周内)';
    case 'heading':
      return zh ? '标题行' : 'a heading';
    case 'unknown_unit':
      if (r.candidates.length) return zh ? `单位「${r.name}」不明确，可能是：${r.candidates.join('、')}` : `unit "${r.name}" is ambiguous: ${r.candidates.join(', ')}`;
      return zh ? `没有找到单位「${r.name}」` : `no unit "${r.name}"`;
    case 'bad_deadline':
      return zh ? `看不懂截止日期「${r.words}」（可写：${DEADLINE_FORMS}）` : `cannot read the deadline "${r.words}" (write e.g. 2026-12-15, 12-15, next friday)`;
    case 'two_deadlines':
      return zh ? `有 ${r.dates.length} 个完成时限（${r.dates.join('、')}），请拆成几行，每行一个` : `${r.dates.length} deadlines (${r.dates.join(', ')}): one per line, please`;
  }
}

export interface CreatedLine {
  line: number;
  seq: number;
  title: string;
  lead: string;
  deadline: string;
}

/** The reply to whoever recorded the minutes: what went into the ledger line by line, and what did not and why. */
export function minutesReplyCard(
  m: Meeting,
  lang: Lang,
  minutes: string,
  view: { created: CreatedLine[]; already: Array<{ line: number; title: string }>; misses: MinutesMiss[]; summary: string; units: string },
): Card {
  const t = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  const lineNo = (n: number) => t(`第 ${n} 行`, `line ${n}`);
  const created = view.created.map((c) => `- ${lineNo(c.line)} → **T${c.seq}** ${esc(c.title)}　${t('牵头', 'lead')}：${esc(c.lead)}　${t('截止', 'due')}：${c.deadline}`);
  const already = view.already.map((c) => `- ${lineNo(c.line)} ${esc(c.title)}：${t('此前已纳入台账，未重复创建', 'already in the ledger')}`);
  const headings = view.misses.filter((x) => x.reasons.some((r) => r.code === 'heading'));
  const misses = view.misses
    .filter((x) => !headings.includes(x))
    .map((x) => `- ${lineNo(x.line)}「${esc(clip(x.text, 40))}」：${esc(x.reasons.map((r) => reasonText(r, lang)).join(t('；', '; ')))}`);
  const elements = [plain(minutes)];
  if (created.length || already.length) elements.push(md(`**${t('纳入台账的事项', 'Added to the ledger')}**\n${[...created, ...already].join('\n')}`));
  if (misses.length) {
    elements.push(md(`**${t('未纳入台账的行', 'Lines not added')}**\n${misses.join('\n')}`));
    elements.push(note(esc(t(`改正后把整份会议备忘重新发送即可，已纳入台账的事项不会重复创建。例：（三）由经开区管委会牵头，区政务服务办配合，12月底前完成施工许可办理`, 'Correct them and send the whole minutes again; items already in the ledger are not created twice. E.g. 1. Survey all households lead:新河周转房办公室 due:2026-12-10'))));
  }
  if (headings.length) elements.push(note(esc(t(`作为标题保留、未纳入台账：${headings.map((x) => `第 ${x.line} 行`).join('、')}（如是议定事项，请写明牵头单位和完成时限）`, `Kept as headings, not tasks: lines ${headings.map((x) => x.line).join(', ')} (for an action item, name its lead and deadline)`))));
  elements.push(note(esc(t(`参会单位：${view.units || '—'}`, `Units: ${view.units || '—'}`))));
  return card({ title: `${t('会议备忘', 'Minutes')} ${meetingRef(m)} · ${m.title}`, subtitle: view.summary, template: misses.length ? 'orange' : 'turquoise', elements });
}
