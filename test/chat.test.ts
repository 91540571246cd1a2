// The command path end to end: a signed, encrypted Lark event in, a message out through the real SDK to the fake.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chats } from '../db/schema.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture, messageEvent } from './support/lark-events.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const OFFICE = 'oc_xinhe_office';

describe('help in a group', () => {
  it('帮助 with an @mention is answered in that chat, as a reply to the message', async () => {
    const before = h.fake.messagesIn(OFFICE).length;
    const { status, messageId } = await h.say({ from: 'ou_chenbo', chat: OFFICE, text: '帮助' });
    expect(status).toBe(200);
    const got = h.fake.messagesIn(OFFICE).slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.reply_to).toBe(messageId);
    expect(got[0]!.msg_type).toBe('interactive');
    const text = h.textsIn(OFFICE).at(-1)!;
    expect(text).toContain('新河周转房居住环境改善');
    // the office may bind chats; help lists what this person may use
    expect(text).toContain('绑定');
  });

  it('a liaison is not shown commands of the office', async () => {
    await h.say({ from: 'ou_zhangli', chat: OFFICE, text: '帮助' });
    const text = h.textsIn(OFFICE).at(-1)!;
    expect(text).toContain('帮助');
    expect(text).not.toContain('绑定');
  });

  it('without a mention the message is ignored', async () => {
    const before = h.fake.messages.length;
    await h.say({ from: 'ou_chenbo', chat: OFFICE, text: '帮助', mention: false });
    expect(h.fake.messages.length).toBe(before);
  });

  it('the same event delivered three times is answered once', async () => {
    const ev = messageEvent({ from: 'ou_chenbo', chat: OFFICE, text: '/help' });
    h.fake.seedMessage(ev.event.message.message_id, OFFICE);
    const answers = await Promise.all([h.post(ev), h.post(ev), h.post(ev)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
  });
});

describe('private chat, words and punctuation', () => {
  it('in a private chat every message is for the bot, English words and a leading / work', async () => {
    const { messageId } = await h.say({ from: 'ou_zhangli', chat: 'oc_p2p_zhangli', chatType: 'p2p', text: '/help' });
    const reply = h.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(reply).toBeDefined();
    expect(JSON.stringify(reply.content)).toContain('Commands for');
  });

  it('help for one command shows its form and who may use it', async () => {
    const { messageId } = await h.say({ from: 'ou_zhangli', chat: OFFICE, text: '帮助：绑定' });
    const reply = h.fake.messages.find((m) => m.reply_to === messageId)!;
    const text = flatten(reply.content);
    expect(text).toContain('绑定 <工作组名称>');
    expect(text).toContain('办公室');
  });
});

describe('unknown commands, people and roles', () => {
  it('an unknown command gets the closest command and the help pointer', async () => {
    const { messageId } = await h.say({ from: 'ou_chenbo', chat: OFFICE, text: '帮主' });
    const reply = h.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(reply.content.text).toContain('帮助');
    expect(reply.content.text).toMatch(/是不是要/);
  });

  it('an unregistered person is told so and whom to ask', async () => {
    const { messageId } = await h.say({ from: 'ou_stranger', chat: OFFICE, text: '帮助' });
    const reply = h.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(reply.content.text).toContain('还没有登记');
    expect(reply.content.text).toContain('区住房建设委');
    expect(reply.content.text).toContain('陈波');
  });

  it('an unregistered person in an unknown chat is told to ask the office', async () => {
    const { messageId } = await h.say({ from: 'ou_stranger', chat: 'oc_p2p_stranger', chatType: 'p2p', text: 'help' });
    const reply = h.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(reply.content.text).toContain('not registered');
  });

  it('a person without the role gets a refusal naming the role', async () => {
    const { messageId } = await h.say({ from: 'ou_zhangli', chat: 'oc_new_chat', text: '绑定 办公室' });
    const reply = h.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(reply.content.text).toContain('办公室');
    expect(reply.content.text).toContain('联络员');
  });

  it('a malformed command says what was wrong and shows the right form', async () => {
    const { messageId } = await h.say({ from: 'ou_chenbo', chat: 'oc_new_chat', text: '绑定' });
    const reply = h.fake.messages.find((m) => m.reply_to === messageId)!;
    expect(reply.content.text).toContain('正确格式');
    expect(reply.content.text).toContain('绑定 <工作组名称>');
  });
});

describe('binding chats', () => {
  it('the office binds a new chat to a group, with the full-width colon', async () => {
    await h.say({ from: 'ou_chenbo', chat: 'oc_banqian', text: '绑定：搬迁安置组' });
    const rows = await h.server.runtime.dbh.db.select().from(chats).where(eq(chats.chatId, 'oc_banqian'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe('group');
    expect(h.textsIn('oc_banqian').at(-1)).toContain('搬迁安置组');
  });

  it('bot added to a chat → a welcome card; removed → the binding is marked', async () => {
    const added = fixture('im.chat.member.bot.added_v1');
    added.header.event_id = 'ev_added_1';
    added.event.chat_id = 'oc_xinhe_weiwen';
    await h.post(added);
    await h.settle();
    expect(h.textsIn('oc_xinhe_weiwen').at(-1)).toContain('维稳保障组');

    const removed = fixture('im.chat.member.bot.deleted_v1');
    removed.header.event_id = 'ev_removed_1';
    removed.event.chat_id = 'oc_xinhe_weiwen';
    await h.post(removed);
    await h.settle();
    const [row] = await h.server.runtime.dbh.db.select().from(chats).where(eq(chats.chatId, 'oc_xinhe_weiwen'));
    expect(row!.active).toBe(false);
  });
});

describe('card buttons', () => {
  it('a button runs its command with the clicker’s roles and answers a toast', async () => {
    const ev = fixture('card.action.trigger');
    ev.header.event_id = 'ev_card_1';
    ev.event.operator.open_id = 'ou_zhangli';
    ev.event.action.value = { a: 'task.done', id: 'T1' };
    ev.event.context.open_chat_id = 'oc_card_chat';
    const res = await h.post(ev, { path: '/lark/cards' });
    const body = (await res.json()) as { toast: { type: string; content: string } };
    expect(body.toast.type).toBe('error');
    expect(body.toast.content).toContain('办公室');
  });
});
