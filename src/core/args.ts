// Splits a command's text into free text and named arguments: `任务 新增 标题 牵头：区公安局 截止：12月31日`
// → { text: '标题', named: { lead: '区公安局', due: '12月31日' } }. Keys are Chinese or English, colons ASCII or full-width.
import { halfWidth } from './text.js';

export type KeySpec = Record<string, readonly string[]>;

export interface ParsedArgs {
  text: string;
  named: Record<string, string>;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function parseArgs(input: string, keys: KeySpec): ParsedArgs {
  // Keys are found in the half-width form; values are cut from what was typed, so ，、（） in titles stay as written.
  // halfWidth maps one UTF-16 unit to one, so positions in both strings agree.
  const original = input;
  const s = halfWidth(input);
  const aliases: Array<[string, string]> = [];
  for (const [name, words] of Object.entries(keys)) for (const w of words) aliases.push([w, name]);
  if (aliases.length === 0) return { text: original.trim(), named: {} };
  aliases.sort((a, b) => b[0].length - a[0].length);
  // A key is a known word followed by a colon, at the start or after whitespace.
  const re = new RegExp(`(^|\\s)(${aliases.map(([w]) => escapeRe(w)).join('|')})\\s*:`, 'gi');
  const hits: Array<{ key: string; start: number; valueStart: number }> = [];
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const word = m[2]!.toLowerCase();
    const key = aliases.find(([w]) => w.toLowerCase() === word)![1];
    hits.push({ key, start: m.index + m[1]!.length, valueStart: m.index + m[0].length });
  }
  const named: Record<string, string> = {};
  hits.forEach((h, i) => {
    const end = i + 1 < hits.length ? hits[i + 1]!.start : s.length;
    const value = original.slice(h.valueStart, end).trim();
    named[h.key] = named[h.key] ? `${named[h.key]} ${value}` : value;
  });
  const text = (hits.length ? original.slice(0, hits[0]!.start) : original).trim();
  return { text, named };
}
