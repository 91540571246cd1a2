// Questions as an office director asks them (谁还没报, 逾期任务有哪些, 本周谁落后), read as the command they mean:
// 进度 未报 (status's missing list), 逾期, 落后. A unit or group named in front narrows it (维稳保障组谁还没报).
import { halfWidth } from './text.js';

export interface Question {
  /** the command text the question stands for, e.g. `进度 未报 维稳保障组` */
  command: string;
  lang: 'zh' | 'en';
  /** a unit or group was named in front of the question */
  scoped: boolean;
}

interface Form {
  re: RegExp;
  command: (scope: string, m: RegExpExecArray) => string;
  lang: 'zh' | 'en';
}

const SOON = '(?:请问|现在|目前|本期|这期|今天)?';
const WEEK_OR_MONTH = '(本周|这周|上周|本月|这个月|这月)?';
// 本周 / 上周 / 本月 pass through to 落后, which names the period it means; no word leaves 落后's own default.
const spanOf = (w: string | undefined) => (!w ? '' : /上周/.test(w) ? ' 上周' : /月/.test(w) ? ' 本月' : ' 本周');
const scoped = (scope: string) => (scope ? ` ${scope}` : '');

const FORMS: Form[] = [
  // 进度's missing list
  { re: new RegExp(`^${SOON}([^:\\n]{0,30}?)${SOON}(?:还有)?(?:谁|哪些单位|哪个单位|哪几个单位|哪些|哪家|哪几家)(?:还)?(?:没|未|没有)(?:报|报送|交|提交|上报|汇报)(?:的|了)?(?:有哪些|是哪些|是谁)?$`), command: (s) => `进度 未报${scoped(s)}`, lang: 'zh' },
  { re: new RegExp(`^${SOON}([^:\\n]{0,30}?)(?:还)?(?:没|未|没有)(?:报|报送|交|提交|上报)的?(?:单位)?(?:有哪些|是哪些|有谁|是谁|有几个)$`), command: (s) => `进度 未报${scoped(s)}`, lang: 'zh' },
  { re: new RegExp(`^${SOON}([^:\\n]{0,30}?)还差(?:谁|哪些单位|哪几家|哪些)(?:没报|没交)?$`), command: (s) => `进度 未报${scoped(s)}`, lang: 'zh' },
  // 逾期
  { re: new RegExp(`^${SOON}([^:\\n]{0,30}?)(?:有)?(?:哪些|什么|几项|几个)?(?:任务)?(?:逾期|超期|过期|超时)(?:了)?(?:的)?(?:任务|事项|工作)?(?:有哪些|是哪些|有什么|有几项|有几个)?$`), command: (s) => `逾期${scoped(s)}`, lang: 'zh' },
  { re: new RegExp(`^${SOON}([^:\\n]{0,30}?)(?:有)?(?:哪些|什么)(?:任务|事项)(?:已经)?(?:逾期|超期|过期)(?:了)?$`), command: (s) => `逾期${scoped(s)}`, lang: 'zh' },
  // 落后
  { re: new RegExp(`^${WEEK_OR_MONTH}(?:谁|哪些单位|哪个单位|哪几个单位|哪家)(?:比较|最)?(?:落后|拖后腿|排名靠后)(?:了)?$`), command: (_s, m) => `落后${spanOf(m[1])}`, lang: 'zh' },
  { re: new RegExp(`^${WEEK_OR_MONTH}(?:的)?落后(?:的)?(?:单位)?(?:有哪些|是哪些|有谁|是谁|名单)$`), command: (_s, m) => `落后${spanOf(m[1])}`, lang: 'zh' },
  // English
  { re: /^(?:so )?([^:\\n]{0,30}?)\s*who (?:has not|hasn't|have not|haven't|did not|didn't) (?:yet )?(?:reported|report|submitted|submit)(?: yet)?$/i, command: (s) => `status missing${scoped(s)}`, lang: 'en' },
  { re: /^(?:which units|who) (?:are|is) (?:still )?missing$/i, command: () => 'status missing', lang: 'en' },
  { re: /^(?:what|which tasks?|what tasks?)(?: is| are)? overdue$/i, command: () => 'overdue', lang: 'en' },
  { re: /^(?:who|which units?) (?:is|are) (?:lagging|behind)(?: (this (?:week|month)))?$/i, command: (_s, m) => `lagging${m[1] && /month/i.test(m[1]) ? ' month' : ''}`, lang: 'en' },
];

/** The command a question stands for, or undefined when the message is not one of these questions. */
export function readQuestion(text: string): Question | undefined {
  if (text.length > 80) return undefined; // a question is short; and no regex below runs over a long message
  const s = halfWidth(text)
    .trim()
    .replace(/^\/\s*/, '')
    .replace(/[?？。.!！~～\s]+$/u, '')
    .replace(/\s+/g, (w) => (/[A-Za-z]/.test(text) ? ' ' : w));
  if (!s || s.length > 60) return undefined;
  const compact = /[A-Za-z]/.test(s.replace(/[^\x00-\x7f]/g, '')) && !/[\u4e00-\u9fff]/.test(s) ? s : s.replace(/\s+/g, '');
  for (const f of FORMS) {
    const m = f.re.exec(compact);
    if (m) {
      const scope = f.re.source.includes('([^:') ? (m[1] ?? '').trim() : '';
      return { command: f.command(scope, m), lang: f.lang, scoped: scope !== '' };
    }
  }
  return undefined;
}

/**
 * The text to route: a question becomes its command. A question that names a unit or group in front only when the
 * message is not already a command (汇报 进展：A项任务已逾期 stays a report); one without (逾期任务有哪些) always.
 */
export function asCommandText(text: string, isCommand: (text: string) => boolean): string {
  const q = readQuestion(text);
  if (!q) return text;
  return q.scoped && isCommand(text) ? text : q.command;
}

/** The phrasings help shows. */
export const QUESTION_EXAMPLES = {
  zh: ['谁还没报', '哪些单位没报', '还有谁没交', '维稳保障组谁还没报', '逾期任务有哪些', '有哪些逾期', '超期的任务', '本周谁落后', '落后单位有哪些', '本月谁落后'],
  en: ["who hasn't reported", 'what is overdue', 'who is lagging this month'],
};
