// How deep a JSON text nests, measured on the text before it is parsed. JSON.parse builds 40,000 nested objects from a
// 240 KB body without complaint, but storing them (JSON.stringify) or walking them overflows the stack: every JSON
// body from outside is measured first and refused past MAX_JSON_DEPTH. Lark's events nest about 6 levels.

export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of objects and arrays in a JSON text, counting only brackets outside strings. Stops early
 * once `limit` is passed (the answer is then limit + 1). */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return deepest;
}

export type BoundedParse = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * At most `limit` opening brackets in the whole text, strings included: it cannot nest deeper than that. Answered with
 * indexOf, which skips along the text far faster than jsonDepth walks it character by character, and true for every
 * event Lark sends (a dozen brackets), so jsonDepth walks only the rare text with many.
 */
export function fewBrackets(text: string, limit: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++n > limit) return false;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++n > limit) return false;
  return true;
}

/** JSON.parse with the nesting cap: a too-deep or malformed text is a reason, never a throw. */
export function parseJsonBounded(text: string, maxDepth = MAX_JSON_DEPTH): BoundedParse {
  if (!fewBrackets(text, maxDepth) && jsonDepth(text, maxDepth) > maxDepth) return { ok: false, reason: `JSON nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
}
