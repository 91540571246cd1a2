// The boundary, through HTTP against the running app (issue 16, findings 10 and 11): every event and card payload is
// checked with zod before anything is stored, and a group message waits in the inbox until the bot knows its own
// open_id, so a mention of a colleague is never taken for the bot.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../db/schema.js';
import { startHarness, type Harness } from './support/harness.js';
import { fixture, messageEvent } from './support/lark-events.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const stored = async (eventId: string) => (await h.server.runtime.dbh.db.select().from(inbox).where(eq(inbox.eventId, eventId)))[0];

describe('zod at the boundary (finding 11)', () => {
  it('a card click with operator.open_id: [] is answered 400 naming the field, and nothing is stored', async () => {
    const ev = fixture('card.action.trigger');
    ev.header.event_id = 'ev_bad_operator';
    ev.event.operator.open_id = [];
    const res = await h.post(ev, { path: '/lark/cards' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('event.operator.open_id');
    expect(await stored('ev_bad_operator')).toBeUndefined();
  });

  it('a message whose chat_id is a number is answered 400, and nothing is stored', async () => {
    const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
    ev.event.message.chat_id = 42;
    const res = await h.post(ev);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('event.message.chat_id');
    expect(await stored(ev.header.event_id)).toBeUndefined();
  });

  it('a card click naming an unknown action is refused with a toast, and runs nothing', async () => {
    const ev = fixture('card.action.trigger');
    ev.header.event_id = 'ev_unknown_action';
    ev.event.action.value = { a: 'task.delete_everything', id: 'T1' };
    const res = await h.post(ev, { path: '/lark/cards' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { toast: { type: string } }).toast.type).toBe('error');
    expect((await stored('ev_unknown_action'))?.outcome).toBe('refused_click');
  });
});

describe('group messages before the bot knows itself (finding 10)', () => {
  it('a mention of a colleague waits in the inbox while the bot’s open_id is unknown, and is then ignored', async () => {
    const w = await startHarness();
    try {
      // Lark is unreachable: the bot cannot ask who it is.
      w.fake.setFaults({ down: true });
      const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
      // @张三, a colleague whose user_id Lark left out (no contact scope): before, any mention without one was the bot.
      ev.event.message.mentions = [{ key: '@_user_1', id: { open_id: 'ou_zhangsan', user_id: '', union_id: '' }, name: '张三', tenant_key: 'tk_test' }];
      w.fake.seedMessage(ev.event.message.message_id, 'oc_xinhe_office');
      expect((await w.post(ev)).status).toBe(200);
      await w.server.runtime.settled();
      const row = (await w.server.runtime.dbh.db.select().from(inbox).where(eq(inbox.eventId, ev.header.event_id)))[0]!;
      expect(row.handledAt).toBeNull();

      // Lark is back; the next event lets the bot learn its open_id, and the waiting message goes through.
      w.fake.setFaults({});
      await w.say({ from: 'ou_chenbo', chat: 'oc_p2p_chenbo', chatType: 'p2p', text: 'help' });
      await w.settle();
      const after = (await w.server.runtime.dbh.db.select().from(inbox).where(eq(inbox.eventId, ev.header.event_id)))[0]!;
      expect(after.handledAt).not.toBeNull();
      expect(after.outcome).toBe('ignored');
      expect(w.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(0);
    } finally {
      await w.close();
    }
  });

  it('a mention of the bot that waited is answered once the bot knows itself', async () => {
    const w = await startHarness();
    try {
      w.fake.setFaults({ down: true });
      const ev = messageEvent({ from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '帮助' });
      w.fake.seedMessage(ev.event.message.message_id, 'oc_xinhe_office');
      expect((await w.post(ev)).status).toBe(200);
      await w.server.runtime.settled();
      w.fake.setFaults({});
      await w.say({ from: 'ou_chenbo', chat: 'oc_p2p_chenbo', chatType: 'p2p', text: 'help' });
      await w.settle();
      expect(w.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
    } finally {
      await w.close();
    }
  });
});
