// In a private chat, a message that matches no command gets the three commands it most likely meant: ranked by how
// close its start is to a command word (任务新建 → 任务 新增) and by how many of its characters or words the command's
// words and summary share (我想交本周的进展 → 汇报).
import { distance } from 'fastest-levenshtein';
import { fold } from './text.js';

export interface Suggestible {
  words: { zh: string[]; en: string[] };
  summary: { zh: string; en: string };
  usage: { zh: string; en: string };
  examples: string[];
}

const HAN = /\p{Script=Han}/u;

function overlap(text: string, about: string): number {
  const han = new Set([...text].filter((ch) => HAN.test(ch)));
  const words = new Set(text.toLowerCase().match(/[a-z]{3,}/g) ?? []);
  const total = han.size + words.size;
  if (!total) return 0;
  const lower = about.toLowerCase();
  let shared = 0;
  for (const ch of han) if (about.includes(ch)) shared++;
  for (const w of words) if (lower.includes(w)) shared++;
  return shared / total;
}

function closeness(text: string, word: string): number {
  const w = fold(word);
  if (!w) return 0;
  if (text.includes(w)) return 2 + w.length / 10;
  return Math.max(0, 1 - distance(text.slice(0, w.length), w) / w.length);
}

/** The n commands the text most likely meant, best first (ties keep the commands' order). */
export function likelyCommands<C extends Suggestible>(commands: readonly C[], text: string, n = 3): C[] {
  const s = fold(text).replace(/^\//, '');
  const scored = commands.map((c, i) => {
    const words = [...c.words.zh, ...c.words.en];
    const word = Math.max(0, ...words.map((w) => closeness(s, w)));
    const about = `${words.join(' ')} ${c.summary.zh} ${c.summary.en} ${c.usage.zh} ${c.usage.en}`;
    return { c, i, score: word + overlap(s, about) };
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, n).map((x) => x.c);
}

/** The reply: what was not understood, then the three likely commands with their form. */
export function likelyReply(commands: readonly Suggestible[], text: string, t: (zh: string, en: string) => string, lang: 'zh' | 'en'): string {
  const head = Array.from(text.trim()).slice(0, 20).join('');
  const said = head ? t(`没有看懂「${head}」。`, `I did not understand "${head}".`) : '';
  const lines = likelyCommands(commands, text).map((c, i) => `${i + 1}. ${c.words[lang][0]}：${c.summary[lang]}　${t('格式', 'form')}：${c.usage[lang].split('\n')[0]}`);
  return `${said}${t('您可能想要：', 'You may have meant:')}\n${lines.join('\n')}\n${t('发送「帮助」查看全部命令。', 'Send "help" for all commands.')}`;
}
