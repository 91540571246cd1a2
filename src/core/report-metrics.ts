// The numbers of a report (seed 004: 既有和新增违建查处情况、拆除总量和占地面积、累计进度): pairs such as
// `拆除=12，面积=300` or `拆除=十二` in a 指标 section, and numbers with units inside the prose (拆除违建十二处,
// 入户走访一百二十户, 累计进度45%). A percentage keeps its sign: its name carries （%）, as a statistical table's header does.
import { CN_NUMERAL_CHARS, readNumber } from './chinese-numerals.js';

export type Metrics = Record<string, number>;

const CN = `[${CN_NUMERAL_CHARS}]{1,12}(?:点[零〇一二三四五六七八九]{1,6})?`;
const ARABIC = '\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d{1,15}(?:\\.\\d{1,6})?';
/** A number as written, with 万/亿 after Arabic digits, or 百分之… */
const NUMBER = `百分之(?:${CN}|${ARABIC})|(?:${ARABIC})(?:[万亿](?![元]))?|${CN}`;
const UNITS = '万平方米|平方米|平米|㎡|m2|立方米|万元|亿元|元|人次|户次|车次|笔|处|户|个|件|人|次|栋|幢|间|套|公里|千米|米|吨|家|起|项|条|场|宗|份|台|辆|名|盏|块|部|棵|株|组|张|批|轮|%|‰';
/** Units Chinese numerals are read with: fewer than Arabic ones, since 一个 / 一次 / 一件 are usually words. */
const CN_UNITS = new Set(['万平方米', '平方米', '平米', '㎡', '人次', '户次', '处', '户', '人', '栋', '幢', '间', '套', '吨', '家', '起', '项', '宗', '名', '%', '场', '条']);

const NUMBER_RE = new RegExp(NUMBER, 'g');
const UNIT_AFTER = new RegExp(`(?:余|多)?[ \\t]{0,3}(${UNITS})`, 'y');

export interface Reading {
  value: number;
  percent: boolean;
  unit: string;
}

/** A value such as `12`, `12处`, `十二`, `45%`, `百分之四十五`, `300㎡`; `无` / `none` is 0. */
export function readValue(text: string): Reading | undefined {
  const s = text.trim();
  if (/^(?:无|没有|暂无|none|nil|n\/a)$/i.test(s)) return { value: 0, percent: false, unit: '' };
  const m = new RegExp(`^(${NUMBER})[ \\t]{0,3}(${UNITS})?$`).exec(s);
  if (!m) return undefined;
  const percentWords = m[1]!.startsWith('百分之');
  const value = readNumber(percentWords ? m[1]!.slice(3) : m[1]!);
  if (value === undefined) return undefined;
  return { value, percent: percentWords || m[2] === '%', unit: m[2] ?? '' };
}

/** The metric's name as stored: a percentage's name says so. */
export const metricName = (name: string, r: Reading) => (r.percent ? `${name}（%）` : name);

// (一是 / 其二: numbering; 但 / 仍 / 还 / 另: a turn)
const FILLER_HEAD = /^(?:[一二三四五六七八九十]{1,3}是|其[一二三四五六七八九十]{1,3}|截至目前|截止目前|截至本周|截至本月|本周|本月|这个?月|这周|本期|今日|今天|目前|其中|共计|合计|累计共|共|已经|已|又|再|并|及|和|但是?|仍然?|还(?![迁建])|另|、)+/;
const FILLER_TAIL = /(?:应为|应是|共计|合计|共|(?<![签合预节制履违公])约|达到|达|计|了|为|是|有|近|超过|超|逾|的)+$/;
const HAN = /[\u4e00-\u9fff]/;

/** Numbers with units inside prose: 拆除违建十二处，面积300平方米，累计进度45% → { 拆除违建: 12, 面积: 300, 累计进度（%）: 45 }. */
export function inlineMetrics(text: string): Metrics {
  const out: Metrics = {};
  for (const m of text.matchAll(NUMBER_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    const chinese = !/^\d/.test(m[0]) && !m[0].startsWith('百分之');
    UNIT_AFTER.lastIndex = end;
    const u = UNIT_AFTER.exec(text);
    const percentWords = m[0].startsWith('百分之');
    if (!u && !percentWords) continue;
    const unit = u?.[1] ?? '%';
    if (chinese) {
      if (!/[零〇一二两三四五六七八九十]/.test(m[0]) || !CN_UNITS.has(unit)) continue;
      // 一户一档, 一次性, 一处一策: a numeral that is part of a set phrase
      const next = text[end + (u?.[0].length ?? 0)] ?? '';
      if ('一性些般'.includes(next) && next) continue;
    }
    // the name: Chinese characters just before the number (a colon or = between them is allowed)
    let i = start;
    while (i > 0 && /[ \t]/.test(text[i - 1]!)) i--;
    if (i > 0 && /[:=]/.test(text[i - 1]!)) i--;
    while (i > 0 && /[ \t]/.test(text[i - 1]!)) i--;
    let j = i;
    while (j > 0 && i - j < 24 && HAN.test(text[j - 1]!)) j--;
    // a date's 日 / 号 just before the name is not part of it (11月24日召开调度会1次)
    const afterDate = j > 0 && /[0-9零〇一二三四五六七八九十]/.test(text[j - 1]!) && /^[日号]/.test(text.slice(j, i)) ? 1 : 0;
    let name = text.slice(j + afterDate, i).replace(FILLER_HEAD, '').replace(FILLER_TAIL, '');
    // (one character left is a word, not a name: 不是23人次, 这个月拆了两处)
    if (name.length < 2 || /(?:第|每|近|(?<![签合预节制履违公])约)$/.test(name)) continue;
    // a long name loses its leading verb, then its head: 完成新河周转房区域治安巡逻 → 新河周转房区域治安巡逻
    if (name.length > 12) name = name.replace(/^(?:完成|开展|组织|累计|共|全面|积极|加快|推进)+/, '');
    if (name.length > 12) name = name.slice(-12);
    const value = readNumber(percentWords ? m[0].slice(3) : m[0]);
    if (value === undefined || !Number.isFinite(value)) continue;
    const key = metricName(name, { value, percent: unit === '%', unit });
    if (!(key in out)) out[key] = value;
  }
  return out;
}

export interface MetricSpan {
  start: number;
  end: number;
  /** true when this stretch held a metric (or only separators), false when nothing could be read from it */
  read: boolean;
}

const PAIR_RE = new RegExp(`([^\\s,;、=:。]{1,24})[ \\t]{0,3}(?:[=:]|[ \\t])[ \\t]{0,3}((?:${NUMBER})[ \\t]{0,3}(?:${UNITS})?|无|没有|暂无|none|nil|n/a)(?![\\d\\w])`, 'gi');
// A bullet is one mark (`- 拆除`, `* 拆除`); a name wrapped in `**` keeps its marks (shown escaped, as typed).
const LEADING_NUMBERING = /^(?:\d{1,2}[.、)]|[(]\d{1,2}[)]|[一二三四五六七八九十]{1,3}[、.]|[-•·]|\*(?!\*))+/;

/** A 指标 section: `拆除=12，面积=三百；新增=无` and `拆除违建12处`. Answers what it read and the stretches it could not. */
export function readMetricsSection(text: string, into: Metrics): MetricSpan[] {
  const spans: MetricSpan[] = [];
  let last = 0;
  const rest = (a: number, b: number) => {
    if (b <= a) return;
    const s = text.slice(a, b);
    if (!s.replace(/[\s,;、。.]/g, '')) return spans.push({ start: a, end: b, read: true });
    const inline = inlineMetrics(s);
    for (const [k, v] of Object.entries(inline)) if (!(k in into)) into[k] = v;
    spans.push({ start: a, end: b, read: Object.keys(inline).length > 0 });
  };
  for (const m of text.matchAll(PAIR_RE)) {
    const name = m[1]!.replace(LEADING_NUMBERING, '');
    const r = readValue(m[2]!);
    if (!name || !r) continue;
    rest(last, m.index!);
    into[metricName(name, r)] = r.value;
    spans.push({ start: m.index!, end: m.index! + m[0].length, read: true });
    last = m.index! + m[0].length;
  }
  rest(last, text.length);
  return spans;
}

const EQ_PAIR_RE = new RegExp(`([\\u4e00-\\u9fffA-Za-z][^\\s,;、=:。]{0,23})[ \\t]{0,3}=[ \\t]{0,3}((?:${NUMBER})[ \\t]{0,3}(?:${UNITS})?)(?![\\d\\w])`, 'g');

/** `累计进度=45%` written inside a section: a metric the unit meant to report. */
export function equalsPairs(text: string): Metrics {
  const out: Metrics = {};
  for (const m of text.matchAll(EQ_PAIR_RE)) {
    const r = readValue(m[2]!);
    if (r) out[metricName(m[1]!, r)] = r.value;
  }
  return out;
}
