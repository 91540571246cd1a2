// 帮助 / help [command]: the commands this person may use here, with examples; or one command in full.
import { z } from 'zod';
import { card, esc, md, note } from '../src/lark/cards.js';
import { QUESTION_EXAMPLES } from '../src/core/questions.js';
import { fold } from '../src/core/text.js';
import { defineCommand, mayUse, roleList, type AnyCommand, type Ctx } from './define.js';

function find(ctx: Ctx, q: string): AnyCommand | undefined {
  const f = fold(q.replace(/^\//, ''));
  return ctx.commands.find((c) => [...c.words.zh, ...c.words.en, c.name].some((w) => fold(w) === f));
}

/** The questions that work like commands: 谁还没报 → 进度 未报, 逾期任务有哪些 → 逾期, 本周谁落后 → 落后. */
function asked(lang: 'zh' | 'en'): string {
  if (lang === 'en') return `**Or just ask**\n${QUESTION_EXAMPLES.en.map((q) => `"${esc(q)}"`).join(', ')}`;
  const quote = (q: string) => `「${esc(q)}」`;
  const [missing, overdue, lagging] = [QUESTION_EXAMPLES.zh.slice(0, 4), QUESTION_EXAMPLES.zh.slice(4, 7), QUESTION_EXAMPLES.zh.slice(7)];
  return `**也可以直接问**\n- ${missing.map(quote).join('')} → 进度（未报送的单位）\n- ${overdue.map(quote).join('')} → 逾期\n- ${lagging.map(quote).join('')} → 落后`;
}

/**
 * A command's line in the list is made of its own words, the same for every request: escaped once per language.
 * 帮助 is what people send first and most often; escaping some hundred strings on each one was 4% of the server's
 * CPU per event at 1,000 帮助 a second (bench/profile.ts).
 */
const lineOf = new WeakMap<AnyCommand, { zh?: string; en?: string }>();
function line(c: AnyCommand, lang: 'zh' | 'en'): string {
  let lines = lineOf.get(c);
  if (!lines) lineOf.set(c, (lines = {}));
  return (lines[lang] ??= `**${esc(c.words[lang][0]!)}** ${esc(c.summary[lang])}　\`${esc(c.examples[0] ?? c.usage[lang])}\``);
}
const askedOf = { zh: asked('zh'), en: asked('en') };

export default defineCommand({
  name: 'help',
  words: { zh: ['帮助', '命令'], en: ['help', '?'] },
  summary: { zh: '查看可用命令', en: 'the commands you may use here' },
  usage: { zh: '帮助 [命令]', en: 'help [command]' },
  examples: ['帮助', '帮助 汇报', 'help task add'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const lang = ctx.lang;
    if (text) {
      const c = find(ctx, text);
      if (!c) return { text: ctx.t(`没有「${text}」这个命令。发送「帮助」查看全部命令。`, `There is no command "${text}". Send "help" for all commands.`) };
      const who = c.roles === 'anyone' ? ctx.t('所有人', 'anyone') : roleList(c.roles, lang);
      return {
        card: card({
          title: `${c.words[lang][0]} · ${c.summary[lang]}`,
          elements: [
            md(`**${ctx.t('格式', 'Form')}**\n${esc(c.usage[lang])}`),
            md(`**${ctx.t('示例', 'Examples')}**\n${c.examples.map((e) => `- ${esc(e)}`).join('\n')}`),
            md(`**${ctx.t('可用人员', 'Who')}**：${esc(who)}${mayUse(c, ctx.actor) ? '' : ctx.t('（您暂无权限）', ' (not you)')}`),
          ],
        }),
      };
    }
    const mine = ctx.commands.filter((c) => mayUse(c, ctx.actor));
    const lines = mine.map((c) => line(c, lang));
    const where = ctx.chat.type === 'group' ? ctx.t('在群里请先 @我，再输入命令。', 'In a group, @mention me first.') : '';
    return {
      card: card({
        title: ctx.t(`督办 · ${ctx.campaign.name}`, `Duban · ${ctx.campaign.name}`),
        subtitle: ctx.t(`${ctx.actor.person.name}（${ctx.actor.unit?.name ?? ''}）可用的命令`, `Commands for ${ctx.actor.person.name}`),
        elements: [md(lines.join('\n')), md(askedOf[lang]), note(`${where}${ctx.t('发送「帮助 命令名」查看详细格式，例如「帮助 汇报」。', 'Send "help <command>" for its full form, e.g. "help report".')}`)],
      }),
    };
  },
});
