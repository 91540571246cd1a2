// Reading 「督办 <单位> <事项>」: which unit the notice goes to and what it asks. People write the unit first, by its
// name, an alias or a prefix, with or without a space before the matter (督办 区公安局做好春节安保). The longest
// unit name or alias the text starts with wins; otherwise the first word is read as a unit name and, when it names
// none or several, the notice is refused rather than sent to a guess.
import { fold, halfWidth } from '../core/text.js';

export interface Named {
  id: number;
  name: string;
  aliases: readonly string[];
}

export type UnitAndMatter =
  | { ok: true; unitId: number; matter: string }
  /** no unit named at the start: `word` is what was read as the unit (for "did you mean") */
  | { ok: false; reason: 'no-unit'; word: string }
  | { ok: false; reason: 'ambiguous'; word: string; candidates: number[] }
  | { ok: false; reason: 'no-matter'; unitId: number }
  /** several units listed (区公安局、区司法局 …): a notice goes to one unit, so each gets its own */
  | { ok: false; reason: 'several'; unitIds: number[] }
  | { ok: false; reason: 'empty' };

/** Separators people put between the unit and the matter: spaces, colons, commas, a dash. */
const SEP = /^[\s:：,，、;；\-—]+/;

/** How many characters of `text` (as typed) make up `n` characters of its folded form. */
function typedLength(text: string, foldedLength: number): number {
  let seen = 0;
  let i = 0;
  for (const ch of text) {
    if (seen === foldedLength) break;
    i += ch.length;
    if (!/\s/.test(halfWidth(ch))) seen += fold(ch).length;
  }
  return i;
}

/** The unit whose name or alias the text starts with (the longest one), how many typed characters it takes, and ties. */
function leadingUnit(units: readonly Named[], text: string): { unit: Named; typed: number; tied: number[] } | undefined {
  const head = fold(text);
  // 1. The longest name or alias the text starts with (after folding: full-width, case and spaces do not matter).
  let best: { unit: Named; len: number } | undefined;
  const tied = new Set<number>();
  for (const u of units) {
    for (const name of [u.name, ...u.aliases]) {
      const f = fold(name);
      if (!f || !head.startsWith(f)) continue;
      // An English name is a whole word: "Police" does not start "Policeman training".
      if (/[a-z0-9]$/.test(f) && /^[A-Za-z0-9]/.test(halfWidth(text.slice(typedLength(text, f.length))))) continue;
      if (!best || f.length > best.len) {
        best = { unit: u, len: f.length };
        tied.clear();
        tied.add(u.id);
      } else if (f.length === best.len) tied.add(u.id);
    }
  }
  return best ? { unit: best.unit, typed: typedLength(text, best.len), tied: [...tied] } : undefined;
}

export function readUnitAndMatter(units: readonly Named[], input: string): UnitAndMatter {
  const text = input.trim();
  if (!text) return { ok: false, reason: 'empty' };
  const best = leadingUnit(units, text);
  if (best && best.tied.length > 1) return { ok: false, reason: 'ambiguous', word: text.slice(0, best.typed), candidates: best.tied };
  if (best) {
    const after = text.slice(best.typed);
    // 「区公安局、区司法局 联合排查」: a list of units is refused, not sent to the first with the others in its text.
    const listed = /^\s*[、,，;；]\s*/.exec(halfWidth(after));
    const next = listed ? leadingUnit(units, after.slice(listed[0].length)) : undefined;
    if (next && next.unit.id !== best.unit.id) return { ok: false, reason: 'several', unitIds: [best.unit.id, next.unit.id] };
    const matter = after.replace(SEP, '').trim();
    return matter ? { ok: true, unitId: best.unit.id, matter } : { ok: false, reason: 'no-matter', unitId: best.unit.id };
  }
  // 2. The first word as a prefix of exactly one unit's name or alias (新河街 for 新河街道办事处).
  const word = text.split(/[\s:：,，;；]+/)[0]!;
  const w = fold(word);
  const prefixed = units.filter((u) => [u.name, ...u.aliases].some((n) => fold(n).startsWith(w)));
  if (w && prefixed.length === 1) {
    const matter = text.slice(word.length).replace(SEP, '').trim();
    return matter ? { ok: true, unitId: prefixed[0]!.id, matter } : { ok: false, reason: 'no-matter', unitId: prefixed[0]!.id };
  }
  if (w && prefixed.length > 1) return { ok: false, reason: 'ambiguous', word, candidates: prefixed.map((u) => u.id) };
  return { ok: false, reason: 'no-unit', word };
}
