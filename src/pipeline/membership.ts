// The bot joining or leaving a chat (im.chat.member.bot.added_v1 / deleted_v1): a welcome that says what the chat is
// bound to and the common commands; on removal the binding is kept but jobs stop posting to it.
import { eq } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { chats } from '../../db/schema.js';
import { card, md, note } from '../lark/cards.js';
import { invalidateOrg, loadOrg } from '../org.js';
import type { Outgoing } from '../outbox.js';

export async function botAdded(dbh: DbHandle, eventId: string, chatId: string, out: Outgoing[]): Promise<string> {
  if (!chatId) return 'ignored';
  const { db } = dbh;
  await db.update(chats).set({ active: true }).where(eq(chats.chatId, chatId)).run();
  invalidateOrg(db);
  const [bound] = await db.select().from(chats).where(eq(chats.chatId, chatId));
  const org = bound ? await loadOrg(db, bound.campaignId) : undefined;
  const where = org
    ? bound!.kind === 'group'
      ? `本群是「${org.group(bound!.groupId)?.name ?? ''}」的工作群。`
      : bound!.kind === 'office'
        ? '本群是办公室群。'
        : '本群是领导小组群。'
    : '本群还没有绑定。办公室同志请 @我 发送「绑定 工作组名称」（或「绑定 办公室」「绑定 领导小组」）。';
  const lines = [
    '我是**督办**，帮大家在群里报送进度专报、管理任务台账、安排会议、按时提醒和通报。',
    where,
    '常用命令（@我 后输入）：',
    '- **汇报** 报送本周进展、存在问题、下一步计划',
    '- **进度** 查看本期谁已报送、谁未报送',
    '- **逾期** 查看逾期未销账的任务',
    '- **任务 新增** 把一项工作加入台账',
  ];
  out.push({
    dedupeKey: `welcome:${eventId}`,
    campaignId: org?.campaign.id,
    kind: 'send',
    target: chatId,
    chatId,
    msgType: 'interactive',
    content: card({ title: org ? `督办 · ${org.campaign.name}` : '督办已加入本群', template: 'turquoise', elements: [md(lines.join('\n')), note('发送「帮助」查看您可以使用的全部命令。')] }),
  });
  return 'welcomed';
}

export async function botRemoved(dbh: DbHandle, chatId: string): Promise<string> {
  if (!chatId) return 'ignored';
  // The binding is kept (the office may add the bot back) but jobs stop posting to it.
  await dbh.db.update(chats).set({ active: false }).where(eq(chats.chatId, chatId)).run();
  invalidateOrg(dbh.db);
  return 'unbound';
}
