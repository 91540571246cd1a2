// Numbers as offices write them: Arabic (1,200 / 3.5), full-width (１２, made half-width before this), and Chinese
// numerals (十二, 一百二十, 两, 三百零五, 一百五 = 150, 三万五 = 35,000, 二〇二六 = 2026, 三点五, 百分之四十五).

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const SMALL_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const BIG_UNIT: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/** The characters a Chinese numeral is made of (for building patterns). */
export const CN_NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万亿';

/** An integer written in Chinese numerals, or undefined when the text is not one. */
function chineseInteger(s: string): number | undefined {
  if (!s) return undefined;
  if ([...s].every((ch) => ch in DIGIT)) {
    // 二〇二六: digit by digit (a year, a house number)
    return s.length > 1 && [...s].some((ch) => ch === '两') ? undefined : Number([...s].map((ch) => DIGIT[ch]).join(''));
  }
  let total = 0; // completed 万 / 亿 groups
  let section = 0; // below the current big unit
  let digit = -1; // the digit waiting for its unit
  let lastUnit = 0; // the unit just written, for the colloquial tail (一百五 = 150)
  let zeroSince = false; // a 零 since the last unit: 一百零五 = 105, not 150
  for (const ch of s) {
    if (ch in DIGIT) {
      if (digit >= 0 && DIGIT[ch] !== 0 && digit !== 0) return undefined; // 十二三: two digits in a row
      if (DIGIT[ch] === 0) zeroSince = true;
      digit = DIGIT[ch]!;
    } else if (ch in SMALL_UNIT) {
      const unit = SMALL_UNIT[ch]!;
      if (lastUnit && lastUnit <= unit && lastUnit < 1e4) return undefined; // 十十, 十百
      section += (digit < 0 ? (unit === 10 ? 1 : -Infinity) : digit) * unit;
      if (!Number.isFinite(section)) return undefined; // 百 without a digit
      digit = -1;
      lastUnit = unit;
      zeroSince = false;
    } else if (ch in BIG_UNIT) {
      const unit = BIG_UNIT[ch]!;
      const group = section + Math.max(digit, 0);
      if (group === 0 && total === 0) return undefined; // 万 alone
      total = (total + group) * unit;
      section = 0;
      digit = -1;
      lastUnit = unit;
      zeroSince = false;
    } else return undefined;
  }
  if (digit > 0) section += lastUnit >= 100 && !zeroSince ? (digit * lastUnit) / 10 : digit;
  return total + section;
}

/** A number as written: `12`, `1,200`, `3.5`, `十二`, `三点五`, `3.5万`. Undefined when it is not a number. */
export function readNumber(text: string): number | undefined {
  let s = text.trim();
  let scale = 1;
  if (s.length > 1 && /[万亿]$/.test(s) && /^[\d.,]+[万亿]$/.test(s)) {
    scale = s.endsWith('万') ? 1e4 : 1e8;
    s = s.slice(0, -1);
  }
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$/.test(s)) {
    const n = Number(s.replace(/,/g, '')) * scale;
    return Number.isFinite(n) ? n : undefined;
  }
  const dot = s.indexOf('点');
  if (dot > 0) {
    const whole = chineseInteger(s.slice(0, dot));
    const frac = [...s.slice(dot + 1)].map((ch) => DIGIT[ch]);
    if (whole === undefined || !frac.length || frac.some((d) => d === undefined)) return undefined;
    return Number(`${whole}.${frac.join('')}`);
  }
  const n = chineseInteger(s);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}
