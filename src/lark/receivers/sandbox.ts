// The sandbox receiver: what a person does on the sandbox page (types a message, clicks a card button) becomes the
// Lark event Lark would send (src/sandbox/events.ts) and is handed to core.accept like any other, so the page's
// messages take the same path as Lark's. Handled before the page is answered, so the page shows the reply at once.
import type { Core } from '../../create-core.js';
import { cardActionEvent, messageEvent } from '../../sandbox/events.js';

export interface SandboxReceiver {
  say(m: { chat: string; from: string; text: string }): Promise<{ ok: boolean; eventId: string; error?: string }>;
  click(c: { chat: string; from: string; messageId: string; value: Record<string, unknown>; name?: string; formValue?: Record<string, string> }): Promise<{ ok: boolean; toast?: unknown; error?: string }>;
}

export function sandboxReceiver(core: Core): SandboxReceiver {
  return {
    async say({ chat, from, text }) {
      const ev = messageEvent({ chatId: chat, from, text, botOpenId: (await core.bot.botOpenId()) ?? '', at: core.clock.now() });
      const res = await core.accept(ev, { wait: true });
      await core.sender.kick();
      return res.status === 200 ? { ok: true, eventId: ev.header.event_id } : { ok: false, eventId: ev.header.event_id, error: res.body.error };
    },
    async click(c) {
      const ev = cardActionEvent({ chatId: c.chat, from: c.from, messageId: c.messageId, value: c.value, name: c.name, formValue: c.formValue, at: core.clock.now() });
      const res = await core.accept(ev);
      await core.sender.kick();
      return res.status === 200 ? { ok: true, ...res.body } : { ok: false, error: res.body.error };
    },
  };
}
