// The build's one-byte output (bin/build.js asciiOnly): escaping the Chinese that esbuild leaves in regular expression
// literals must not change what any of them matches, with or without the u flag, and string literals keep their value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module without types
import { asciiOnly } from '../bin/build.js';

const evaluate = (literal: string): unknown => new Function(`return ${literal}`)();
const ASCII = /^[\x00-\x7f]*$/;

const chinese = fc.constantFrom('中', '进', '展', '问', '题', '下', '一', '步', '：', '，', '、', '（', '）', '—', '　', '😀', 'é');
const ascii = fc.constantFrom('a', 'b', '1', ' ', ':', '.');
const char = fc.oneof(chinese, ascii);

/** A regex body that is valid under both flags, or (identity) only without u: each piece is a unit the grammar keeps whole. */
const piece = (identityEscapes: boolean) =>
  fc.oneof(
    char,
    fc.array(char, { minLength: 1, maxLength: 4 }).map((cs) => `[${cs.join('')}]`),
    fc.array(char, { minLength: 1, maxLength: 3 }).map((cs) => `[^${cs.join('')}]`),
    fc.tuple(char, fc.constantFrom('+', '*', '?', '{1,2}')).map(([c, q]) => (c.length > 1 ? `(?:${c})${q}` : `${c}${q}`)),
    chinese.map((c) => `\\\\${c}`), // an escaped backslash, then the character
    ...(identityEscapes ? [chinese.filter((c) => c.length === 1).map((c) => `\\${c}`)] : []),
  );
const body = (identityEscapes: boolean) => fc.array(fc.array(piece(identityEscapes), { minLength: 1, maxLength: 5 }).map((ps) => ps.join('')), { minLength: 1, maxLength: 3 }).map((alts) => alts.join('|'));
const regex = fc.oneof(
  fc.tuple(body(true), fc.constantFrom('', 'i', 'g')),
  fc.tuple(body(false), fc.constantFrom('u', 'iu')),
);
const subject = fc.array(fc.oneof(char, fc.constant('\\')), { maxLength: 12 }).map((cs) => cs.join(''));

describe('asciiOnly (bin/build.js)', () => {
  it('a regex literal matches exactly what it matched before, and is ASCII', () => {
    fc.assert(
      fc.property(regex, fc.array(subject, { minLength: 1, maxLength: 8 }), ([src, flags], subjects) => {
        const literal = `/${src}/${flags}`;
        const escaped = asciiOnly(literal);
        expect(escaped).toMatch(ASCII);
        const before = evaluate(literal) as RegExp;
        const after = evaluate(escaped) as RegExp;
        for (const s of subjects) expect(s.match(after), `${literal} on ${JSON.stringify(s)}`).toEqual(s.match(before));
      }),
      { numRuns: 300 },
    );
  });

  it('a string literal keeps its value, identity escapes included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(char, chinese.filter((c) => c.length === 1).map((c) => `\\${c}`), fc.constant('\\\\')), { maxLength: 10 }), (parts) => {
        const literal = `"${parts.join('')}"`;
        const escaped = asciiOnly(literal);
        expect(escaped).toMatch(ASCII);
        expect(evaluate(escaped)).toBe(evaluate(literal));
      }),
      { numRuns: 200 },
    );
  });

  it("the parser's own kind of pattern: same matches", () => {
    const literal = String.raw`/^(?:下一步|下步|计划(?!完成的))[：:\s]*(.+)$/u`;
    const escaped = asciiOnly(literal);
    expect(escaped).toBe(String.raw`/^(?:\u4e0b\u4e00\u6b65|\u4e0b\u6b65|\u8ba1\u5212(?!\u5b8c\u6210\u7684))[\uff1a:\s]*(.+)$/u`);
    for (const s of ['下一步：继续推进', '计划完成的事', '下步 协调资金']) expect(s.match(evaluate(escaped) as RegExp)).toEqual(s.match(evaluate(literal) as RegExp));
  });
});
