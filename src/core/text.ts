// Text normalisation for what people type on phones: full-width punctuation, list separators, name folding.

const FULL_WIDTH: Record<string, string> = {
  '：': ':', '，': ',', '；': ';', '（': '(', '）': ')', '　': ' ', '／': '/', '－': '-', '＝': '=', '＋': '+',
  '［': '[', '］': ']', '【': '[', '】': ']', '！': '!', '？': '?', '．': '.', '～': '~',
};

/** Full-width ASCII (Ａ-Ｚ, ０-９, ：，…) to half-width; keeps CJK text and 、 as they are. */
export function halfWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const mapped = FULL_WIDTH[ch];
    if (mapped) out += mapped;
    else {
      const c = ch.codePointAt(0)!;
      out += c >= 0xff01 && c <= 0xff5e ? String.fromCodePoint(c - 0xfee0) : ch;
    }
  }
  return out;
}

/** The form names are compared in: half-width, no spaces, lower case. 区住建委 and "区住建委 " match. */
export function fold(s: string): string {
  return halfWidth(s).replace(/\s+/g, '').toLowerCase();
}

/** Splits a list on , ， 、 ; ； (and whitespace-only items are dropped). */
export function splitList(s: string): string[] {
  return s
    .split(/[,，、;；]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Cuts text to n characters with an ellipsis, for card fields and log lines. */
export function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join('') + '…';
}
