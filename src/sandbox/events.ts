// Lark events built for what a sandbox user does, in the shapes Lark sends (test/fixtures/im.message.receive_v1.*
// and card.action.trigger.json), so the page's messages and clicks take the same path through the bot as Lark's.
import { randomUUID } from 'node:crypto';
import type { LarkEvent } from '../bot.js';

export const GUEST_OPEN_ID = 'ou_sandbox_guest';
export const BOT_NAME = '督办';

/** The private chat of one person with the bot (Lark gives each p2p chat its own oc_ id). */
export const p2pChatId = (openId: string) => `oc_p2p_sandbox_${openId}`;
export const isP2p = (chatId: string) => chatId.startsWith('oc_p2p_sandbox_');
export const p2pOwner = (chatId: string) => chatId.slice('oc_p2p_sandbox_'.length);

const id = () => randomUUID().replace(/-/g, '');

/** im.message.receive_v1 for a text message; in a group chat the bot is @-mentioned, as users must do in Lark. */
export function messageEvent(opts: { chatId: string; from: string; text: string; botOpenId: string; at: Date }): LarkEvent {
  const group = !isP2p(opts.chatId);
  const ms = String(opts.at.getTime());
  return {
    header: { event_id: `sandbox_${id()}`, event_type: 'im.message.receive_v1', create_time: ms, token: '', tenant_key: 'sandbox', app_id: 'sandbox' } as LarkEvent['header'],
    event: {
      sender: { sender_id: { open_id: opts.from, user_id: '', union_id: '' }, sender_type: 'user', tenant_key: 'sandbox' },
      message: {
        message_id: `om_sandbox_in_${id().slice(0, 20)}`,
        create_time: ms,
        update_time: ms,
        chat_id: opts.chatId,
        chat_type: group ? 'group' : 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text: group ? `@_user_1 ${opts.text}` : opts.text }),
        ...(group
          ? { mentions: [{ key: '@_user_1', id: { open_id: opts.botOpenId, user_id: '', union_id: '' }, mentioned_type: 'bot', name: BOT_NAME, tenant_key: 'sandbox' }] }
          : {}),
      },
    },
  };
}

/** card.action.trigger for a button click, with the form's inputs when the button submits a form. */
export function cardActionEvent(opts: { chatId: string; from: string; messageId: string; value: Record<string, unknown>; name?: string; formValue?: Record<string, string>; at: Date }): LarkEvent {
  return {
    header: { event_id: `sandbox_${id()}`, event_type: 'card.action.trigger', create_time: String(opts.at.getTime() * 1000), token: '', tenant_key: 'sandbox', app_id: 'sandbox' } as LarkEvent['header'],
    event: {
      operator: { tenant_key: 'sandbox', user_id: '', open_id: opts.from, union_id: '' },
      token: `c-${id()}`,
      action: { value: opts.value, tag: 'button', name: opts.name ?? '', ...(opts.formValue ? { form_value: opts.formValue } : {}) },
      host: 'im_message',
      context: { open_message_id: opts.messageId, open_chat_id: opts.chatId },
    },
  };
}
