// The sandbox messenger stands in for Lark when no app is configured: a delivered outbox row is the message,
// so the sandbox page reads the conversation straight from the outbox and the inbox.
import { randomUUID } from 'node:crypto';
import type { CalendarEventInput, Delivery, DeliveryResult, Messenger } from './messenger.js';

export class SandboxMessenger implements Messenger {
  readonly kind = 'sandbox' as const;
  readonly files = new Map<string, { name: string; bytes: Buffer }>();

  async deliver(_d: Delivery): Promise<DeliveryResult> {
    return { ok: true, messageId: `om_sandbox_${randomUUID().slice(0, 12)}` };
  }
  async botOpenId(): Promise<string> {
    return 'ou_duban_bot';
  }
  async uploadFile(name: string, bytes: Buffer): Promise<string> {
    const key = `file_sandbox_${randomUUID().slice(0, 12)}`;
    this.files.set(key, { name, bytes });
    return key;
  }
  async createCalendarEvent(_e: CalendarEventInput): Promise<string | undefined> {
    return undefined;
  }
  async deleteCalendarEvent(_eventId: string): Promise<void> {}
}
