// The section headings of a 进度专报 as offices write them (seed 000: 实施进展情况、存在问题及下一步计划), numbered or not
// (一、 （二） 2. 二是 【】 **), followed by any of ：:，,、. a dash, a space or the end of the line; and the words that open
// a line of problems or of next steps when a report has no headings at all.

export type SectionKind = 'progress' | 'problems' | 'next' | 'metrics';

const ZH: Array<[SectionKind, string[]]> = [
  ['progress', ['实施进展情况', '工作进展情况', '工作完成情况', '工作开展情况', '工作推进情况', '工作落实情况', '推进情况', '进展情况', '工作进展', '工作进度', '进度情况', '完成情况', '开展情况', '落实情况', '主要工作', '重点工作', '本周工作', '本月工作', '本期工作', '本季度工作', '上周工作', '近期工作', '工作情况', '工作动态', '主要做法', '主要成效', '进展', '进度']],
  // seed 000 asks for 实施进展情况、存在问题及下一步计划: the combined heading opens problems, and its 下一步… lines are next steps
  ['problems', ['存在问题及下一步计划', '存在问题及下一步打算', '存在问题及下一步工作', '存在问题及下步计划', '存在问题及下步打算', '存在问题和下一步计划', '存在问题和下步打算', '问题及下一步计划', '困难问题及下一步计划', '存在的问题和困难', '存在的困难和问题', '存在问题和困难', '存在困难和问题', '需协调解决的问题', '需要协调解决的问题', '需协调解决事项', '需协调事项', '存在的问题', '存在的困难', '存在问题', '存在困难', '困难和问题', '问题和困难', '困难问题', '问题困难', '遇到的问题', '遇到的困难', '主要问题', '难点问题', '问题', '困难', '难点']],
  ['next', ['下一步工作计划', '下一步工作安排', '下一步工作打算', '下一步工作', '下一步计划', '下一步打算', '下一步安排', '下一步措施', '下步工作计划', '下步工作安排', '下步工作打算', '下步工作', '下步计划', '下步打算', '下步安排', '下步措施', '下一阶段工作', '下阶段工作', '下一阶段计划', '下阶段计划', '下周工作计划', '下周工作安排', '下周工作', '下周计划', '下周安排', '下月工作计划', '下月工作', '下月计划', '下季度工作计划', '下季度工作', '下季度计划', '下一季度工作计划', '下一步', '下步', '工作计划', '工作打算', '计划']],
  ['metrics', ['主要指标', '主要数据', '统计数据', '数据统计', '量化指标', '工作数据', '指标', '数据']],
];

const EN: Array<[SectionKind, string[]]> = [
  ['progress', ['progress', 'done', 'completed', 'this week', 'work done', 'status', 'achievements']],
  ['problems', ['problems', 'problem', 'issues', 'issue', 'blockers', 'blocker', 'difficulties', 'challenges', 'risks']],
  ['next', ['next steps', 'next step', 'next week', 'next', 'plans', 'plan', 'to do', 'todo']],
  ['metrics', ['metrics', 'numbers', 'figures', 'kpis', 'kpi', 'data']],
];

const kindOf = new Map<string, SectionKind>();
for (const [kind, words] of [...ZH, ...EN]) for (const w of words) kindOf.set(w, kind);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternation = (table: Array<[SectionKind, string[]]>) =>
  table
    .flatMap(([, ws]) => ws)
    .sort((a, b) => b.length - a.length)
    .map((w) => escapeRe(w).replace(/ /g, '\\s{1,3}'))
    .join('|');
const ZH_WORDS = alternation(ZH);
const EN_WORDS = alternation(EN);

const NUM = '(?:\\d{1,2}|[一二三四五六七八九十]{1,3})';
/** 一、 （二） (3) 2. 2、 【1】 第一， 二是 其一: the numbering in front of a heading or an item. */
export const NUMBERING = `(?:[(\\[]\\s{0,2}${NUM}\\s{0,2}[)\\]]|${NUM}\\s{0,2}[.、)](?!\\d)|第${NUM}(?:部分|项|点)?[,、:.]?|${NUM}是|其${NUM})`;
const BULLETS = '[#*>•·●○▪■◆□☆★\\-]{0,6}';
const QUALIFIER = '(?:本周|本月|本期|本季度|本年度|上周|近期|当前|目前|阶段性|一周|这周|本次)?';
const OPEN = '[\\[*]{0,3}';
const CLOSE = '[\\]*]{0,3}';
const AS_FOLLOWS = '(?:汇报如下|报告如下|情况如下|如下)?';

// Bounded quantifiers throughout: a line of 100,000 spaces or asterisks must not make a match quadratic.
const ZH_HEAD = new RegExp(`^(${BULLETS}\\s{0,3}(?:${NUMBERING}\\s{0,3})?${OPEN}\\s{0,3}${QUALIFIER})(${ZH_WORDS})(${CLOSE})${AS_FOLLOWS}`);
const EN_HEAD = new RegExp(`^(${BULLETS}\\s{0,3}(?:${NUMBERING}\\s{0,3})?${OPEN}\\s{0,3})(${EN_WORDS})(${CLOSE})`, 'i');
/** After a Chinese heading: ：:，,、.; a dash, spaces, or nothing (end of line). */
const ZH_SEP = /^(?:[ \t]{0,3}[:,、.;][ \t]{0,3}|[ \t]{0,2}[—–-]{1,2}[ \t]{0,2}|[ \t]{1,6}|$)/;
/** After an English heading: a colon or a dash (a space or comma would take "Progress on the roof" for a heading). */
const EN_SEP = /^(?:[ \t]{0,3}:[ \t]{0,3}|[ \t]{1,2}[—–-]{1,2}[ \t]{0,2}|[ \t]{0,3}$)/;

export interface Heading {
  kind: SectionKind;
  /** length of the heading with its numbering and separator */
  length: number;
  /** 存在问题及下一步计划: problems and next steps under one heading */
  combined: boolean;
}

/** The heading a segment starts with (after its indent), if any. `s` is half-width. */
export function headingAt(s: string): Heading | undefined {
  const indent = s.length - s.trimStart().length;
  const seg = s.slice(indent);
  for (const [re, sep] of [[ZH_HEAD, ZH_SEP], [EN_HEAD, EN_SEP]] as const) {
    const m = re.exec(seg);
    if (!m) continue;
    const after = seg.slice(m[0].length);
    const closed = m[3]!.length > 0 || /如下$/.test(m[0]);
    const colon = sep.exec(after) ?? (closed ? ([''] as unknown as RegExpExecArray) : null);
    if (!colon) continue;
    const word = m[2]!.toLowerCase().replace(/\s+/g, ' ');
    return { kind: kindOf.get(word)!, length: indent + m[0].length + colon[0].length, combined: /[及和](?:下一步|下步)/.test(word) };
  }
  return undefined;
}

// A heading in the middle of a line: after a space or a sentence end and followed by a colon ("进展：完成A 问题：无"),
// or after 。/; and followed by a comma ("完成拆除；问题，资金未到位").
const MID_ZH = new RegExp(`(?<=[\\s;,。!?:])(?:${NUMBERING}\\s{0,2})?${QUALIFIER}(?:${ZH_WORDS})[ \\t]{0,3}:|(?<=[;。])\\s{0,2}(?:${NUMBERING}\\s{0,2})?(?:${ZH_WORDS})[ \\t]{0,3}[,、]`, 'g');
const MID_EN = new RegExp(`(?<=[\\s;,.!?])(?:${EN_WORDS})[ \\t]{0,3}:`, 'gi');

const ONLY_NUMBERING = new RegExp(`^${BULLETS}\\s{0,3}(?:${NUMBERING})?\\s{0,3}$`);

/** Offsets in a line where a mid-line heading starts. */
export function midlineHeadings(line: string): number[] {
  const at: number[] = [];
  for (const re of [MID_ZH, MID_EN])
    for (const m of line.matchAll(re)) {
      const i = m.index! + (m[0].length - m[0].trimStart().length);
      // "1. 工作进展：" and "第一，工作进展：" are headings at the start of their line, not in its middle
      if (i > 0 && !ONLY_NUMBERING.test(line.slice(0, i))) at.push(i);
    }
  return at;
}

// Openers of a line in a report without headings (the 问题、困难、不配合…).
const PROBLEM_OPENER = /^(?:目前|当前|现阶段|但是?|不过|仍然?|主要)?(?:存在|问题(?!整改|清单|销号|台账|解决|处置|排查|已)|困难(?!群众|户|家庭|职工|学生|老人|儿童|人员|群体)|难点|矛盾(?!纠纷(?:排查|化解|调处|调解))|不足|短板|隐患(?!排查|整治|整改)|个别|少数|仍有|尚有|尚未(?![\u4e00-\u9fff]{0,4}(?:户|的))|仍未|未能|不配合|拒绝|拒不|阻挠|资金(?:未|不|缺)|人手(?:不|紧|短)|缺少|缺乏|受.{1,8}影响)/;
// A clause that ends on a thing's bad state states a problem (3号楼排水管线老化，需要整体更换); 更换老化管线200米 does not.
const STATE_OF_DISREPAIR = /(?:老化|破损|损坏|漏水|渗水|渗漏|堵塞|开裂|积水|失修)$/;
const PROBLEM_IN_CLAUSE = /不配合|拒绝|拒不|阻挠|抵触|未到位|不到位|不足|滞后|难以|无法|缓慢|不理想|尚未|仍未|未能/;
const PROBLEM_OPENER_EN = /^(?:problems?|issues?|blocked|blockers?|but|however|unfortunately|difficult|difficulty|risks?|delayed|residents? (?:refuse|object)|no access|short of|lack)/i;
const NEXT_OPENER = /^(?:下一步|下步|下周|下个?月|下一个?月|下阶段|下一阶段|下一周|接下来|后续|近期将|计划(?!完成的|任务|内|数|目标)|拟|将于|将继续|将进一步|准备于|明天|明日)/;
const NEXT_OPENER_EN = /^(?:next|will|we will|we'll|plan(?:ning)? to|going to|to do|tomorrow)\b/i;

const LEADING_MARK = new RegExp(`^(?:[\\-*•·●○▪■◆]{1,3}\\s{0,2}|${NUMBERING}\\s{0,2})`);

// Where a line turns midway (clauseTurns). A sentence (after 。；!?) turns as a line opens (PROBLEM_OPENER, not a
// problem word anywhere in it: 对进度滞后的3个单位下发督办通知 is progress). A clause after a comma turns only with
// stricter words, for clauses of progress often hold 拟建, 计划完成率, 下个月才:
// to a problem: a contrast with a problem in its sentence (但仍有12户不同意, 但因连续降雨，施工进度滞后; not 虽然…，但如期
// 完成, nor 但凡), what remains undone (仍有5户未联系上, 其余18户尚未签约), or a problem named as such (存在的问题是…).
const PROBLEM_WORDS = '不配合|不同意|拒绝|拒不|阻挠|抵触|联系不上|未|没有|尚|仍|滞后|缓慢|放缓|较慢|慢了|不足|不到位|困难|问题|难以|无法|影响';
const TURN_TO_PROBLEM = new RegExp(
  `^(?:但是?(?!凡)|不过|然而|可是)(?=[^。；;!?！？]{0,30}(?:${PROBLEM_WORDS}))|^(?:目前|当前|现阶段)?(?:仍有|尚有|还有|其余|剩余|另有)(?=[^，。；,;]{0,14}(?:不配合|不同意|拒绝|拒不|阻挠|抵触|联系不上|尚未|未|没有))|^(?:目前|当前|现阶段)?(?:存在|尚未(?![\\u4e00-\\u9fff]{0,4}(?:户|的))|仍未)|^(?:问题|困难|难点)(?:是|在于|主要是)|^主要问题`,
);
// To next steps: said as such (下一步、下周、下个月…, 拟于 / 将于 / 计划于 a time); not 拟建, 计划外, 计划完成率, 下个月才.
const TURN_TO_NEXT = /^(?:下一步|下步|下阶段|下一阶段|接下来|下周|下一周|下个?月(?!才)|下一个?月|后续将|拟于|拟定于|将于|计划于|计划下|明天|明日)/;

/**
 * In a report without headings, where a sentence or clause of a line turns to problems or next steps (the line's
 * first piece is read by openerOf): a sentence (after 。；!?) or a clause after a comma that opens with one of the
 * turns above. Offsets in `line`.
 */
export function clauseTurns(line: string): Array<{ at: number; kind: 'problems' | 'next' }> {
  const out: Array<{ at: number; kind: 'problems' | 'next' }> = [];
  const stop = /[。；;!?！？]|[,，]/g;
  for (let m = stop.exec(line); m; m = stop.exec(line)) {
    let at = m.index + 1;
    while (at < line.length && /\s/.test(line[at]!)) at++;
    if (at >= line.length) break;
    // a contrast after 虽然 / 尽管 is the achievement: 虽然时间紧，但如期完成
    const before = line.slice(Math.max(0, line.lastIndexOf('。', m.index) + 1), m.index);
    // (numbering first: 第二，存在的问题是… turns at 第二)
    const clause = line.slice(at).replace(LEADING_MARK, '').split(/[。；;!?！？,，]/, 1)[0] ?? '';
    const sentence = !/[,，]/.test(m[0]);
    const contrastAfterAlthough = /^(?:但|不过|然而|可是)/.test(clause) && /虽|尽管/.test(before);
    const rest = line.slice(at).replace(LEADING_MARK, '');
    const kind = TURN_TO_NEXT.test(clause)
      ? 'next'
      : !contrastAfterAlthough && (TURN_TO_PROBLEM.test(rest) || (sentence && (PROBLEM_OPENER.test(clause) || PROBLEM_OPENER_EN.test(clause) || STATE_OF_DISREPAIR.test(clause))))
        ? 'problems'
        : undefined;
    if (kind) out.push({ at, kind });
  }
  return out;
}

/** In a report without headings, what a line opens with: problems, next steps, or nothing telling. */
export function openerOf(line: string): 'problems' | 'next' | undefined {
  const s = line.trim().replace(LEADING_MARK, '');
  if (NEXT_OPENER.test(s) || NEXT_OPENER_EN.test(s)) return 'next';
  const clause = s.split(/[,;。，；]/, 1)[0] ?? '';
  if (PROBLEM_OPENER.test(s) || PROBLEM_OPENER_EN.test(s) || PROBLEM_IN_CLAUSE.test(clause) || STATE_OF_DISREPAIR.test(clause)) return 'problems';
  return undefined;
}
