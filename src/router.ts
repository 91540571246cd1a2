// The command router: finds the command a message names (zh or en words, optional leading /, full-width
// punctuation), checks the sender's roles, validates arguments and runs the command. Every expected failure
// becomes a helpful reply; anything unexpected is caught here once, logged with the event id, and answered politely.
import { distance } from 'fastest-levenshtein';
import type { AnyCommand, Ctx, Lang, Reply } from '../commands/define.js';
import { mayUse, roleList } from '../commands/define.js';
import { parseArgs } from './core/args.js';
import { overLimit } from './core/limits.js';
import { fold, halfWidth } from './core/text.js';
import type { ChatMessage } from './lark/events.js';

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

export type RouteOutcome = 'ok' | 'unknown' | 'refused' | 'bad_args' | 'error';

/** Runs one matched command in its context and answers the reply to send. */
export async function runCommand(ctx: Ctx, matched: Matched, msg: Pick<ChatMessage, 'eventId'>): Promise<{ reply: Reply; outcome: RouteOutcome }> {
  const { command } = matched;
  const t = ctx.t;
  if (!mayUse(command, ctx.actor)) {
    const roles = command.roles === 'anyone' ? '' : roleList(command.roles, ctx.lang);
    return {
      outcome: 'refused',
      reply: { text: t(`「${command.words.zh[0]}」需要以下角色之一：${roles}。您的角色：${roleList([...ctx.actor.roles], 'zh')}。如需开通请联系办公室。`, `"${command.words.en[0]}" needs one of these roles: ${roles}. Yours: ${roleList([...ctx.actor.roles], 'en')}. Ask the office if you need it.`) },
    };
  }
  const { text, named } = parseArgs(matched.rest, command.keys ?? {});
  const tooLong = overLimit(command.name, { text, ...named }, ctx.lang);
  if (tooLong) return { outcome: 'bad_args', reply: { text: tooLong } };
  const parsed = command.args.safeParse({ text, ...named });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => i.message).join('；');
    return {
      outcome: 'bad_args',
      reply: { text: t(`没看懂：${problems}\n正确格式：${command.usage.zh}\n例如：${command.examples[0] ?? ''}`, `Could not read that: ${problems}\nForm: ${command.usage.en}\nFor example: ${command.examples.find((e) => /^[a-z]/i.test(e)) ?? command.examples[0] ?? ''}`) },
    };
  }
  try {
    if (command.allow) {
      const ok = await command.allow(ctx, parsed.data);
      if (ok !== true) return { outcome: 'refused', reply: { text: ok.refused } };
    }
    return { outcome: 'ok', reply: await command.handle(ctx, parsed.data) };
  } catch (err) {
    ctx.log.error('command failed', { event_id: msg.eventId, command: command.name, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    return { outcome: 'error', reply: { text: t('处理时出错了，已记录并通知办公室。请稍后再试。', 'Something went wrong; it has been logged for the office. Please try again later.') } };
  }
}
