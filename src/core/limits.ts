// How long a text people write may be (README "Limits", SECURITY.md). A task title is shown in every list, digest and
// reminder card of the campaign; without a bound one 80,000-character title pushes those shared cards over Lark's
// 30 KB limit and the whole group loses its reminders. Each command's texts are checked before the command runs;
// a text over its limit is refused with a reply that names the limit, and nothing is stored.
import { parseReport } from './report-parser.js';

export const LIMITS = {
  /** task and meeting titles */
  title: 200,
  /** progress notes, write-off notes, reasons, problems, targets, places */
  note: 2000,
  /** each section of a progress report (进展, 存在问题, 下一步) */
  section: 5000,
  /** meeting minutes (会议备忘) */
  minutes: 20000,
} as const;

/** How many characters a list title shows before it is clipped with "…" (the full title is in 任务 查看). */
export const LIST_TITLE = 60;

type Kind = keyof typeof LIMITS;
const WHAT: Record<Kind, { zh: string; en: string }> = {
  title: { zh: '标题', en: 'title' },
  note: { zh: '说明', en: 'note' },
  section: { zh: '汇报每一部分', en: 'report section' },
  minutes: { zh: '会议备忘', en: 'minutes' },
};

/** One argument's limit: its kind, what to call it, and whether it starts with an id (T3, M2, P1) not counted. */
interface Rule {
  kind: Kind;
  zh?: string;
  en?: string;
  afterId?: boolean;
}

const title = (zh: string, en: string): Rule => ({ kind: 'title', zh, en });
const note = (zh: string, en: string, afterId = false): Rule => ({ kind: 'note', zh, en, afterId });
const list: Rule = { kind: 'note', zh: '单位列表', en: 'list of units' };

/** The texts of each command; any other argument (a unit, a date, a reason a newer command takes) is held to a note's
 * limit, so a command added later is bounded without being listed here. */
const RULES: Record<string, Record<string, Rule | 'report'>> = {
  'task add': { text: title('任务标题', 'task title'), target: note('任务目标', 'target'), with: list },
  'task note': { text: note('进展说明', 'progress note', true) },
  'task done': { text: note('销账说明', 'write-off note', true) },
  'task cancel': { text: note('取消说明', 'note', true) },
  'task reopen': { text: note('说明', 'note', true) },
  'task extend': { text: note('说明', 'note', true), reason: note('延期原因', 'reason') },
  'meeting add': { text: title('会议名称', 'meeting title'), place: note('会议地点', 'place'), units: list },
  'meeting minutes': { text: { kind: 'minutes', zh: '会议备忘', en: 'minutes', afterId: true } },
  'problem add': { text: note('问题描述', 'problem') },
  'problem resolve': { text: note('解决说明', 'note', true) },
  'problem escalate': { text: note('说明', 'note', true) },
  report: { text: 'report' },
  notice: { text: note('督办事项', 'notice text') },
  'notice reply': { text: note('回复', 'reply', true) },
  'notice close': { text: note('办结说明', 'note', true) },
};

const count = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const num = (n: number) => n.toLocaleString('en-US');

/** The refusal for a text over its limit, in the reply's language. */
export function tooLongText(what: { zh: string; en: string }, limit: number, length: number, lang: 'zh' | 'en'): string {
  return lang === 'zh'
    ? `${what.zh}最多 ${num(limit)} 字，这次是 ${num(length)} 字。请精简后重新发送（较长的材料可作为附件发到群里）。未作任何记录。`
    : `A ${what.en} may be at most ${num(limit)} characters; this one has ${num(length)}. Please shorten it and send it again (longer material can go to the chat as a file). Nothing was recorded.`;
}

function checkReport(text: string, lang: 'zh' | 'en'): string | undefined {
  const max = LIMITS.section;
  // Four sections and headings can never be longer than this; a longer text is refused without being parsed.
  const total = count(text);
  if (total > 4 * max + 1000) return tooLongText(WHAT.section, max, total, lang);
  const r = parseReport(text);
  const sections: Array<[string, { zh: string; en: string }]> = [
    [r.progress, { zh: '「进展」部分', en: 'progress section' }],
    [r.problems, { zh: '「存在问题」部分', en: 'problems section' }],
    [r.nextSteps, { zh: '「下一步」部分', en: 'next-steps section' }],
    [r.unplaced, { zh: '未归类部分', en: 'unplaced part' }],
  ];
  for (const [s, what] of sections) if (count(s) > max) return tooLongText(what, max, count(s), lang);
  return undefined;
}

/**
 * The refusal when any text argument of `command` is over its limit, else undefined. `args` are the parsed arguments
 * ({ text, ...named }) before the command's own schema reads them.
 */
export function overLimit(command: string, args: Record<string, unknown>, lang: 'zh' | 'en'): string | undefined {
  const rules = RULES[command] ?? {};
  for (const [name, value] of Object.entries(args)) {
    if (typeof value !== 'string') continue;
    const rule = rules[name] ?? note('内容', 'text');
    if (rule === 'report') {
      const refusal = checkReport(value, lang);
      if (refusal) return refusal;
      continue;
    }
    const counted = rule.afterId ? value.replace(/^\s*[A-Za-z#]?\s*\d{1,7}\s*/, '') : value;
    const limit = LIMITS[rule.kind];
    const n = count(counted);
    if (n > limit) return tooLongText({ zh: rule.zh ?? WHAT[rule.kind].zh, en: rule.en ?? WHAT[rule.kind].en }, limit, n, lang);
  }
  return undefined;
}

/** A title as a list shows it: at most LIST_TITLE characters, then "…". */
export function listTitle(title: string): string {
  const chars = [...title];
  return chars.length <= LIST_TITLE ? title : chars.slice(0, LIST_TITLE - 1).join('') + '…';
}
