// A problem's history (problem_events) as the lines an office reads: when, who (unit and person), what happened.
// "revised the report without this problem" is said in the campaign's words: the problem stays open.
import { DateTime } from 'luxon';
import { periodName } from '../core/period-words.js';
import type { Org } from '../org.js';
import { LEVEL_NAMES } from './ladder.js';
import type { ProblemEvent } from './store.js';
import type { ProblemLevel } from '../../db/schema.js';

type Lang = 'zh' | 'en';

/** "11月24日 10:00" / "2026-11-24 10:00" in the campaign's timezone. */
export function whenOf(iso: string, zone: string, lang: Lang): string {
  const d = DateTime.fromISO(iso, { zone });
  return lang === 'zh' ? `${d.month}月${d.day}日 ${d.toFormat('HH:mm')}` : d.toFormat('yyyy-MM-dd HH:mm');
}

/** One history line, plain text (the caller escapes it for a card). */
export function historyLine(org: Org, e: ProblemEvent, lang: Lang): string {
  const zh = lang === 'zh';
  const unit = org.unit(e.unitId)?.name ?? '';
  const person = org.people.find((p) => p.id === e.byPersonId)?.name ?? '';
  const who = [unit, person].filter(Boolean).join(zh ? ' ' : ', ');
  const level = LEVEL_NAMES[e.note as ProblemLevel];
  // Report lines keep the period's code in the note; people read it as 第48周 / 2026年11月.
  const period = periodName(e.note, lang);
  const what: Record<string, [string, string]> = {
    raised: [`${who}上报`, `raised by ${who}`],
    escalated: [`提请${level?.zh ?? e.note}协调${person ? `（${person}）` : ''}`, `escalated to the ${level?.en ?? e.note}${person ? ` by ${person}` : ''}`],
    revised_without: [`${who}修订了${period}专报，新版本未列此问题；问题仍未解决，需解决或撤销方可关闭`, `${who} revised the ${period} report without this problem; it stays open until resolved or cancelled`],
    raised_again: [`${who}在${period}专报中再次列出此问题`, `${who} listed it again in the ${period} report`],
    resolved: [`${person || who}解决：${e.note}`, `resolved by ${person || who}: ${e.note}`],
    cancelled: [`${person || who}撤销：${e.note}`, `cancelled by ${person || who}: ${e.note}`],
  };
  const [z, en] = what[e.kind] ?? [e.kind, e.kind];
  return `${whenOf(e.at, org.campaign.timezone, lang)} ${zh ? z : en}`;
}
