// The command words: finds the command a message names (zh or en words, optional leading /, full-width punctuation)
// and the closest one for "did you mean". The pipeline's "which command" step (src/pipeline/steps.ts) uses it.
import { distance } from 'fastest-levenshtein';
import type { AnyCommand, Lang } from '../commands/define.js';
import { fold, halfWidth } from './core/text.js';

export interface Matched {
  command: AnyCommand;
  lang: Lang;
  rest: string;
}

interface WordPattern {
  command: AnyCommand;
  lang: Lang;
  re: RegExp;
  length: number;
}

function escapeRe(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileWords(commands: readonly AnyCommand[]): WordPattern[] {
  const out: WordPattern[] = [];
  for (const command of commands) {
    for (const lang of ['zh', 'en'] as const) {
      for (const w of command.words[lang]) {
        const parts = w.split(/\s+/).map(escapeRe);
        // Chinese words may be typed with or without the space (任务新增 = 任务 新增); English words need it.
        const body = lang === 'zh' ? parts.join('\\s*') : parts.join('\\s+');
        const tail = /[A-Za-z]$/.test(w) ? '(?=$|[\\s:,])' : '';
        out.push({ command, lang, re: new RegExp(`^${body}${tail}`, 'i'), length: w.replace(/\s+/g, '').length });
      }
    }
  }
  return out.sort((a, b) => b.length - a.length);
}

/** The text a command starts from: half-width punctuation, no leading slash. */
export function commandText(text: string): string {
  return halfWidth(text).trim().replace(/^\/\s*/, '');
}

export function matchCommand(patterns: WordPattern[], text: string): Matched | undefined {
  // Words are matched in the half-width form; the rest is cut from the text as typed (same positions).
  const typed = text.trim();
  const slash = /^[/／]\s*/.exec(typed)?.[0].length ?? 0;
  const s = halfWidth(typed.slice(slash));
  for (const p of patterns) {
    const m = p.re.exec(s);
    if (m) return { command: p.command, lang: p.lang, rest: typed.slice(slash + m[0].length).replace(/^[\s:：]+/, '') };
  }
  return undefined;
}

/** The closest command word to what was typed, for "did you mean". */
export function suggest(patterns: WordPattern[], commands: readonly AnyCommand[], text: string): { word: string; command: AnyCommand } | undefined {
  const s = fold(commandText(text));
  if (!s) return undefined;
  let best: { word: string; command: AnyCommand; d: number } | undefined;
  for (const c of commands) {
    for (const w of [...c.words.zh, ...c.words.en]) {
      const f = fold(w);
      const head = s.slice(0, Math.max(f.length, 1));
      const d = distance(head, f) / Math.max(f.length, 1);
      if (!best || d < best.d) best = { word: w, command: c, d };
    }
  }
  void patterns;
  return best && best.d <= 0.67 ? { word: best.word, command: best.command } : undefined;
}
