// 季度 (quarters) of the quarterly task list (季度工作任务单, seeds/001): read as people write them — 2026Q1, 2026-Q1,
// 2026 Q1, Q1 2026, 2026年第一季度, 2026年一季度, 2026年第1季度, 二〇二六年第一季度 — into the stored form 2026Q1, and
// shown back as 2026年第一季度 (English campaigns keep 2026Q1). Anything else is undefined: a refusal, never a guess.
import { halfWidth } from './text.js';

const QUARTER_ZH = ['', '一', '二', '三', '四'];
const DIGIT_ZH: Record<string, string> = { 〇: '0', 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** The stored form: four-digit year, Q, 1–4. */
export const isQuarter = (s: string) => /^\d{4}Q[1-4]$/.test(s);

const year = (y: string): number | undefined => {
  const digits = [...y].map((c) => DIGIT_ZH[c] ?? c).join('');
  if (!/^\d{4}$/.test(digits)) return undefined;
  const n = Number(digits);
  return n >= 2000 && n <= 2099 ? n : undefined;
};
const quarter = (q: string): number | undefined => {
  const n = Number(DIGIT_ZH[q] ?? q);
  return n >= 1 && n <= 4 ? n : undefined;
};

/** 2026年第一季度 / 2026Q1 / … → '2026Q1'; undefined when the text is not one quarter of a year. */
export function parseQuarter(text: string): string | undefined {
  const s = halfWidth(text).trim().replace(/\s+/g, ' ');
  const forms = [
    /^(\d{4})\s*[-_/.]?\s*Q\s*([1-4])$/i,
    /^Q\s*([1-4])\s*[-_/.]?\s*(\d{4})$/i,
    /^([\d〇零一二三四五六七八九]{4})\s*年\s*(?:第\s*)?([1-4一二三四])\s*季度?$/,
  ];
  for (const [k, re] of forms.entries()) {
    const m = re.exec(s);
    if (!m) continue;
    const [y, q] = k === 1 ? [year(m[2]!), quarter(m[1]!)] : [year(m[1]!), quarter(m[2]!)];
    return y !== undefined && q !== undefined ? `${y}Q${q}` : undefined;
  }
  return undefined;
}

/** '2026Q1' → 2026年第一季度 (zh) or 2026Q1 (en). */
export function quarterName(q: string, lang: 'zh' | 'en'): string {
  const m = /^(\d{4})Q([1-4])$/.exec(q);
  if (!m || lang === 'en') return q;
  return `${m[1]}年第${QUARTER_ZH[Number(m[2])]}季度`;
}

/** The quarter a date (YYYY-MM-DD) falls in. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The forms a quarter can be written in, for the reply to one that cannot be read. */
export const QUARTER_FORMS = { zh: '2026Q1、2026年第一季度、2026年一季度', en: '2026Q1, 2026-Q1, Q1 2026' };
