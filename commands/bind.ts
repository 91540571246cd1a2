// 绑定 / bind <group> | office | leaders: make this chat the group's chat, the office chat or the leaders' chat.
import { z } from 'zod';
import { chats } from '../db/schema.js';
import { invalidateOrg, matchGroup } from '../src/org.js';
import { defineCommand } from './define.js';

const OFFICE = ['office', '办公室', '办公室群'];
const LEADERS = ['leaders', '领导', '领导小组', '领导群', '指挥部'];

export default defineCommand({
  name: 'bind',
  words: { zh: ['绑定'], en: ['bind'] },
  summary: { zh: '把本群绑定为工作组群、办公室群或领导群', en: "bind this chat to a group, the office or the leaders" },
  usage: { zh: '绑定 <工作组名称> | 绑定 办公室 | 绑定 领导小组', en: 'bind <group> | bind office | bind leaders' },
  examples: ['绑定 维稳保障组', '绑定 办公室', 'bind leaders'],
  roles: ['office'],
  args: z.object({ text: z.string().min(1, { message: '请写明要绑定的工作组，或「办公室」「领导小组」' }) }),
  async handle(ctx, { text }) {
    if (ctx.chat.type !== 'group') return { text: ctx.t('请在要绑定的群里 @我 发送「绑定」。', 'Send "bind" in the group chat you want to bind, with an @mention.') };
    let kind: 'office' | 'leaders' | 'group';
    let groupId = 0;
    let label: string;
    const word = text.trim().toLowerCase();
    if (OFFICE.includes(word)) {
      kind = 'office';
      label = ctx.t('办公室群', 'the office chat');
    } else if (LEADERS.includes(word)) {
      kind = 'leaders';
      label = ctx.t('领导小组群', "the leaders' chat");
    } else {
      const g = matchGroup(ctx.org, text);
      if (!g.ok) {
        const names = (g.candidates.length ? g.candidates : ctx.org.groups).map((x) => x.name).join('、');
        return { text: ctx.t(`没有找到工作组「${text}」。可选：${names}`, `No group "${text}". Groups: ${names}`) };
      }
      kind = 'group';
      groupId = g.value.id;
      label = g.value.name;
    }
    const now = ctx.clock.now().toISOString();
    await ctx.db
      .insert(chats)
      .values({ chatId: ctx.chat.id, campaignId: ctx.campaign.id, kind, groupId, boundBy: ctx.actor.person.openId, boundAt: now, active: true })
      .onConflictDoUpdate({
        target: [chats.campaignId, chats.kind, chats.groupId],
        set: { chatId: ctx.chat.id, boundBy: ctx.actor.person.openId, boundAt: now, active: true },
      })
      .run();
    invalidateOrg(ctx.db);
    return { text: ctx.t(`已将本群绑定为「${label}」。提醒、催报和通报将发到这里。`, `This chat is now ${label}. Reminders, chases and bulletins will be posted here.`) };
  },
});
