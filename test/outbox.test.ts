// The outbox and its sender against a misbehaving Open Platform: rate limits, 5xx, an outage, a restart.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLDS_CHAT_FAILURES, outbox } from '../db/schema.js';
import { queue, queueClaimedStatement, RELEASE_ANYWAY_ATTEMPTS, Sender } from '../src/outbox.js';
import { startHarness, type Harness } from './support/harness.js';
import { messageEvent } from './support/lark-events.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ plan: false, env: { SEND_PER_SECOND: '200', SEND_PER_MINUTE: '100000', SEND_PER_CHAT_PER_SECOND: '5' } });
});
afterAll(() => h.close());

/** Sends Lark accepted (HTTP 200), per uuid: a duplicate would show as 2. */
function acceptedPerUuid(): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of h.fake.calls) {
    if (c.method === 'POST' && /\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(c.path) && c.status === 200) m.set(c.body.uuid, (m.get(c.body.uuid) ?? 0) + 1);
  }
  return m;
}

describe('delivery under faults', () => {
  it('10% rate limits, 5% chat limits and 5% server errors still end with exactly one copy of each message', async () => {
    h.fake.reset();
    h.fake.setFaults({ rateLimit: 0.1, chatRateLimit: 0.05, serverError: 0.05, seed: 7, resetSeconds: 1 });
    const rt = h.server.runtime;
    const messages = Array.from({ length: 300 }, (_, i) => ({
      dedupeKey: `test:faults:${i}`,
      kind: 'send' as const,
      target: `oc_chat_${i % 40}`,
      msgType: 'text' as const,
      content: { text: `message ${i}` },
    }));
    await queue(rt.dbh, rt.clock, messages);
    await h.settle();
    h.fake.setFaults({});
    const faults = h.fake.calls.filter((c) => c.status !== 200).length;
    expect(faults).toBeGreaterThan(20);
    expect(h.fake.messages).toHaveLength(300);
    const per = acceptedPerUuid();
    expect(per.size).toBe(300);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(h.fake.limitViolations().chat1s).toBe(0);
  });

  it('queuing the same dedupe key twice sends once', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    const m = { dedupeKey: 'test:once', kind: 'send' as const, target: 'oc_once', msgType: 'text' as const, content: { text: 'once' } };
    await queue(rt.dbh, rt.clock, [m]);
    await queue(rt.dbh, rt.clock, [m]);
    await h.settle();
    expect(h.fake.messagesIn('oc_once')).toHaveLength(1);
  });

  it('Lark down for a while: messages wait and are delivered once when it returns', async () => {
    h.fake.reset();
    h.fake.setFaults({ down: true });
    const rt = h.server.runtime;
    await queue(rt.dbh, rt.clock, Array.from({ length: 20 }, (_, i) => ({ dedupeKey: `test:down:${i}`, kind: 'send' as const, target: `oc_down_${i % 4}`, msgType: 'text' as const, content: { text: `d${i}` } })));
    // While Lark is down the sender keeps retrying due rows (backoff capped at 200 ms here): its pass may not end
    // before Lark is back, so the test does not wait for it.
    void rt.sender.kick();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.messages).toHaveLength(0);
    expect(await rt.sender.pendingCount()).toBe(20);
    h.fake.setFaults({});
    await h.settle();
    expect(h.fake.messages).toHaveLength(20);
    expect([...acceptedPerUuid().values()].every((n) => n === 1)).toBe(true);
  });

  it('the per-chat limit is kept: 30 messages to one chat take at least 5 seconds’ worth of windows', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    await queue(rt.dbh, rt.clock, Array.from({ length: 12 }, (_, i) => ({ dedupeKey: `test:chat:${i}`, kind: 'send' as const, target: 'oc_busy', msgType: 'text' as const, content: { text: `c${i}` } })));
    const t0 = Date.now();
    await h.settle();
    expect(h.fake.messagesIn('oc_busy')).toHaveLength(12);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(h.fake.limitViolations().chat1s).toBe(0);
  });
});

describe('inbox', () => {
  it('an event stored but not handled (the server stopped) is handled at the next start, once', async () => {
    h.fake.reset();
    const ev = messageEvent({ from: 'ou_x', chat: 'oc_p2p_x', chatType: 'p2p', text: 'help' });
    h.fake.seedMessage(ev.event.message.message_id, 'oc_p2p_x');
    // What the HTTP route does before it answers, without the handling after it: a crash in between.
    expect(await h.server.runtime.bot.record(ev.header.event_id, ev.header.event_type, ev)).toBe(true);
    await h.restart();
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
    await h.restart();
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
  });
});

describe('replies handed to the sender', () => {
  const outboxRow = async (key: string) => (await h.server.runtime.dbh.db.select({ status: outbox.status, attempts: outbox.attempts }).from(outbox).where(eq(outbox.dedupeKey, key)))[0];

  it('a reply is committed already claimed, sent from memory once, and marked sent', async () => {
    h.fake.reset();
    const { messageId } = await h.say({ from: 'ou_x', chat: 'oc_p2p_handed', chatType: 'p2p', text: 'help' });
    expect(h.fake.messages.filter((m) => m.reply_to === messageId)).toHaveLength(1);
    // one attempt: the commit that queued it counted it; nothing claimed it a second time
    expect(await outboxRow(`reply:${messageId}`)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('Lark down when a handed reply goes: it waits as a plain row and is sent once when Lark is back', async () => {
    h.fake.reset();
    h.fake.setFaults({ down: true });
    const ev = messageEvent({ from: 'ou_x', chat: 'oc_p2p_handed_down', chatType: 'p2p', text: 'help' });
    h.fake.seedMessage(ev.event.message.message_id, 'oc_p2p_handed_down');
    expect((await h.post(ev)).status).toBe(200);
    await h.server.runtime.settled();
    const key = `reply:${ev.event.message.message_id}`;
    for (let i = 0; i < 100 && (await outboxRow(key))?.status !== 'pending'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await outboxRow(key)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(h.fake.messages).toHaveLength(0);
    h.fake.setFaults({});
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
    expect(await outboxRow(key)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('replies over the per-chat limit wait in memory and each goes once, within the limit', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    const events = Array.from({ length: 12 }, (_, i) => messageEvent({ from: 'ou_x', chat: 'oc_p2p_burst', chatType: 'p2p', text: i % 2 ? 'help' : '帮助' }));
    for (const ev of events) h.fake.seedMessage(ev.event.message.message_id, 'oc_p2p_burst');
    await Promise.all(events.map((ev) => h.post(ev)));
    await h.settle();
    for (const ev of events) expect(h.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
    expect([...acceptedPerUuid().values()].every((n) => n === 1)).toBe(true);
    expect(h.fake.limitViolations().chat1s).toBe(0);
    expect(await rt.sender.pendingCount()).toBe(0);
  });

  it('replies held back by one busy chat do not hold back the rows other chats wait for in the database', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    // 12 replies in one private chat: its limit is 5 a second, so most wait in memory ...
    const events = Array.from({ length: 12 }, () => messageEvent({ from: 'ou_x', chat: 'oc_p2p_busy_one', chatType: 'p2p', text: 'help' }));
    for (const ev of events) h.fake.seedMessage(ev.event.message.message_id, 'oc_p2p_busy_one');
    await Promise.all(events.map((ev) => h.post(ev)));
    // ... while 20 messages to other chats are queued in the database
    await queue(rt.dbh, rt.clock, Array.from({ length: 20 }, (_, i) => ({ dedupeKey: `test:handed:others:${i}`, kind: 'send' as const, target: `oc_other_${i}`, msgType: 'text' as const, content: { text: `o${i}` } })));
    await h.settle();
    const order = h.fake.messages.map((m) => m.chat_id);
    expect(order.filter((c) => c === 'oc_p2p_busy_one')).toHaveLength(12);
    expect(order.filter((c) => c.startsWith('oc_other_'))).toHaveLength(20);
    // the other chats' messages did not wait for the busy chat's replies, which take more than two seconds' windows
    const lastOther = Math.max(...Array.from({ length: 20 }, (_, i) => order.indexOf(`oc_other_${i}`)));
    expect(lastOther).toBeLessThan(order.lastIndexOf('oc_p2p_busy_one'));
    expect(h.fake.limitViolations().chat1s).toBe(0);
  });

  it('a handed row whose lease is half gone is not sent from memory; once the lease runs out it is sent once as a dead sender’s', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    let wall = Date.now();
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { leaseMs: 60_000, concurrency: 4 }, () => wall);
    sender.deliverOnlyAfter(0);
    const lease = sender.leaseForHandOver();
    expect(lease).toBe(wall + 60_000);
    const m = { dedupeKey: 'test:handed:late', kind: 'send' as const, target: 'oc_late', msgType: 'text' as const, content: { text: 'late' } };
    const rows = await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, m, rt.clock.now(), lease!).run());
    expect(rows).toHaveLength(1);
    // a second queue of the key inserts nothing, so nothing more is handed over
    expect(await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, m, rt.clock.now(), lease!).run())).toEqual([]);
    // The server's own sender does not see it: claimed, with its lease to run.
    await rt.sender.kick();
    expect(h.fake.messagesIn('oc_late')).toHaveLength(0);
    wall += 31_000;
    sender.handOver(rows);
    await sender.kick();
    expect(h.fake.messagesIn('oc_late')).toHaveLength(0);
    expect(await outboxRow('test:handed:late')).toMatchObject({ status: 'sending', attempts: 1 });
    wall += 30_000;
    await sender.kick();
    expect(h.fake.messagesIn('oc_late')).toHaveLength(1);
    expect(await outboxRow('test:handed:late')).toMatchObject({ status: 'sent', attempts: 2 });
    await sender.kick();
    expect(h.fake.messagesIn('oc_late')).toHaveLength(1);
  });

  it('no row is handed over while the app window is full, nor after that until nothing waits in the database, nor after the sender stopped', async () => {
    const rt = h.server.runtime;
    let wall = Date.now();
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { limits: { perSecond: 2, perMinute: 1000, perChatPerSecond: 5 } }, () => wall);
    expect(sender.leaseForHandOver()).toBeDefined();
    h.fake.reset();
    const rows = await rt.dbh.grouped!(() =>
      [0, 1].flatMap((i) => queueClaimedStatement(rt.dbh, { dedupeKey: `test:handed:full:${i}`, kind: 'send', target: `oc_full_${i}`, msgType: 'text', content: { text: 'x' } }, rt.clock.now(), sender.leaseForHandOver()!).run()),
    );
    sender.handOver(rows);
    await sender.kick();
    expect(h.fake.messages).toHaveLength(2);
    // the two sends took this second's window
    expect(sender.leaseForHandOver()).toBeUndefined();
    sender.plainQueued(); // (a refused reply is queued as a plain row; here, none)
    wall += 1_300; // past the window and its margin
    // replies queued meanwhile went to the database: they go first, oldest first, and only a pass that finds
    // nothing due there lets replies be handed over again
    expect(sender.leaseForHandOver()).toBeUndefined();
    await queue(rt.dbh, rt.clock, [{ dedupeKey: 'test:handed:full:plain', kind: 'send', target: 'oc_full_0', msgType: 'text', content: { text: 'plain' } }]);
    sender.plainQueued();
    await sender.kick();
    expect(h.fake.messages.map((m) => m.chat_id)).toEqual(['oc_full_0', 'oc_full_1', 'oc_full_0']);
    expect(sender.leaseForHandOver()).toBeDefined();
    await sender.stop();
    expect(sender.leaseForHandOver()).toBeUndefined();
  });

  it('replies the server could not hand over (its window full) go from the database, and handover resumes after them', async () => {
    // its own server, with a send window of 3 a second: of 8 replies at once, most are refused a handover
    const h2 = await startHarness({ plan: false, env: { SEND_PER_SECOND: '3', SEND_PER_MINUTE: '100000', SEND_PER_CHAT_PER_SECOND: '5' } });
    try {
      const events = Array.from({ length: 8 }, (_, i) => messageEvent({ from: 'ou_x', chat: `oc_p2p_window_${i}`, chatType: 'p2p', text: 'help' }));
      for (const [i, ev] of events.entries()) h2.fake.seedMessage(ev.event.message.message_id, `oc_p2p_window_${i}`);
      await Promise.all(events.map((ev) => h2.post(ev)));
      await h2.settle();
      for (const ev of events) expect(h2.fake.messages.filter((m) => m.reply_to === ev.event.message.message_id)).toHaveLength(1);
      // every refusal was reported once its rows were committed, and a pass found nothing due: replies are handed over
      // again, once the app's window has room (the last replies may have filled it: 3 a second, and 1 s plus its margin)
      await new Promise((r) => setTimeout(r, 1_600));
      expect(h2.server.runtime.sender.leaseForHandOver()).toBeDefined();
    } finally {
      await h2.close();
    }
  });

  it('with its memory full, a chat’s later replies are not handed over ahead of the one that went to the database', async () => {
    const rt = h.server.runtime;
    h.fake.reset();
    h.fake.setFaults({ slowMs: 100 }); // Lark slow: handed rows pile up in memory
    // one send at a time: at most 4 rows in memory
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { concurrency: 1, limits: { perSecond: 1000, perMinute: 100_000, perChatPerSecond: 1000 } });
    const reply = (i: number | string) => ({ dedupeKey: `test:handed:cap:${i}`, kind: 'send' as const, target: 'oc_cap', msgType: 'text' as const, content: { text: `r${i}` } });
    for (let i = 0; i < 4; i++) sender.handOver(await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, reply(i), rt.clock.now(), sender.leaseForHandOver()!).run()));
    // the 5th is refused: its row goes to the database, and a reply after it is refused too, until that row is sent
    expect(sender.leaseForHandOver()).toBeUndefined();
    expect(sender.leaseForHandOver()).toBeUndefined();
    // a pass that looks before the refused rows are committed does not end the wait
    await sender.kick();
    expect(sender.leaseForHandOver()).toBeUndefined();
    sender.plainQueued(); // (that refusal queued nothing)
    await queue(rt.dbh, rt.clock, [reply(4), reply(5)]);
    sender.plainQueued();
    sender.plainQueued();
    await sender.kick();
    h.fake.setFaults({});
    await sender.kick();
    expect(h.fake.messagesIn('oc_cap').map((m) => (m.content as { text: string }).text)).toEqual(Array.from({ length: 6 }, (_, i) => `r${i}`));
    // nothing waits in the database now: replies are handed over again, after the ones that went there
    sender.handOver(await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, reply(6), rt.clock.now(), sender.leaseForHandOver()!).run()));
    await sender.kick();
    expect(h.fake.messagesIn('oc_cap').map((m) => (m.content as { text: string }).text)).toEqual(Array.from({ length: 7 }, (_, i) => `r${i}`));
    expect(await outboxRow('test:handed:cap:6')).toMatchObject({ status: 'sent', attempts: 1 });
    await sender.stop();
  });
});

describe('answers first (the sender gives way to the answer pressure)', () => {
  const msg = (key: string) => ({ dedupeKey: `test:giveway:${key}`, kind: 'send' as const, target: `oc_giveway_${key}`, msgType: 'text' as const, content: { text: key } });

  it('while the pressure says to wait, nothing is sent; once it falls, the message goes, once', async () => {
    const rt = h.server.runtime;
    h.fake.reset();
    let holding = true;
    // a pressure that holds for longer than the test runs (in a burst it is 100 ms, BURST_YIELD_MS: work-queue.test.ts)
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { pressure: { yieldMs: () => (holding ? 3_600_000 : 0) } });
    // handed to this sender (queued claimed, under its lease): the server's own sender, which polls, leaves it alone
    sender.handOver(await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, msg('held'), rt.clock.now(), sender.leaseForHandOver()!).run()));
    const pass = sender.kick();
    // (without giving way the send is done in well under a second here)
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.fake.messagesIn('oc_giveway_held')).toHaveLength(0);
    holding = false;
    await pass;
    await sender.kick();
    expect(h.fake.messagesIn('oc_giveway_held')).toHaveLength(1);
    await sender.stop();
  });

  it('under a pressure that never falls, it gives way for the time the pressure names and then sends (no starvation)', async () => {
    const rt = h.server.runtime;
    h.fake.reset();
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { pressure: { yieldMs: () => 30 } });
    sender.handOver(await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, msg('always'), rt.clock.now(), sender.leaseForHandOver()!).run()));
    await sender.kick();
    expect(h.fake.messagesIn('oc_giveway_always')).toHaveLength(1);
    await sender.stop();
  });
});

describe('a chat’s messages in order', () => {
  const outboxRow = async (key: string) => (await h.server.runtime.dbh.db.select({ status: outbox.status, attempts: outbox.attempts }).from(outbox).where(eq(outbox.dedupeKey, key)))[0];
  /** the sends Lark accepted for a chat, in the order they arrived: their texts (sends) or the messages they reply to */
  const accepted = (chat: string) => h.fake.messagesIn(chat).map((m) => m.reply_to ?? (m.content as { text: string }).text);
  const text = (key: string, chat: string) => ({ dedupeKey: `test:order:${key}`, kind: 'send' as const, target: chat, msgType: 'text' as const, content: { text: key } });
  /** when the first send to a chat reached the fake (epoch ms) */
  const arrived = (chat: string) => h.fake.calls.find((c) => c.body?.receive_id === chat)!.at;

  it('a message waiting for a retry holds back the later ones of its chat; other chats go on', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    h.fake.failNext(1, 'serverError');
    await queue(rt.dbh, rt.clock, [text('r1', 'oc_order_retry')]);
    await rt.sender.kick();
    expect(await outboxRow('test:order:r1')).toMatchObject({ status: 'pending', attempts: 1 });
    // queued while the first waits for its retry (a quarter to half a second)
    await queue(rt.dbh, rt.clock, [text('r2', 'oc_order_retry'), text('r3', 'oc_order_retry'), text('o1', 'oc_order_other')]);
    await rt.sender.kick();
    expect(h.fake.messagesIn('oc_order_other')).toHaveLength(1);
    await h.settle();
    expect(accepted('oc_order_retry')).toEqual(['r1', 'r2', 'r3']);
    // and no later one was even tried before the first went: one failed call, then the three in order
    const tried = h.fake.calls.filter((c) => c.body?.receive_id === 'oc_order_retry').map((c) => `${JSON.parse(c.body.content).text}:${c.status}`);
    expect(tried).toEqual([expect.stringMatching(/^r1:5\d\d$/), 'r1:200', 'r2:200', 'r3:200']);
  });

  it('one send at a time per chat: with Lark slow, the next goes only after the one before was accepted', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    h.fake.setFaults({ slowMs: 100 });
    await queue(rt.dbh, rt.clock, [text('s1', 'oc_order_serial'), text('s2', 'oc_order_serial'), text('s3', 'oc_order_serial'), text('t1', 'oc_order_serial_2')]);
    await h.settle();
    h.fake.setFaults({});
    expect(accepted('oc_order_serial')).toEqual(['s1', 's2', 's3']);
    // each arrived once the one before had been answered, 100 ms after it arrived (sent together, they arrive together)
    const arrived = h.fake.calls.filter((c) => c.body?.receive_id === 'oc_order_serial').map((c) => c.at);
    expect(arrived).toHaveLength(3);
    for (let i = 1; i < 3; i++) expect(arrived[i]! - arrived[i - 1]!).toBeGreaterThanOrEqual(100);
    // another chat did not wait for this one
    const other = h.fake.calls.find((c) => c.body?.receive_id === 'oc_order_serial_2')!.at;
    expect(other).toBeLessThan(arrived[1]!);
  });

  it('a reply handed over in memory waits behind an older row of its chat that another sender holds, and goes after it', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    // another sender (a process that died) took a message to the chat, with its lease to run out in 1.5 s
    const older = { dedupeKey: 'test:order:leased', kind: 'send' as const, target: 'oc_p2p_order_lease', msgType: 'text' as const, content: { text: 'older' } };
    await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, older, rt.clock.now(), Date.now() + 1_500).run());
    const ev = messageEvent({ from: 'ou_x', chat: 'oc_p2p_order_lease', chatType: 'p2p', text: 'help' });
    h.fake.seedMessage(ev.event.message.message_id, 'oc_p2p_order_lease');
    expect((await h.post(ev)).status).toBe(200);
    await rt.settled();
    await rt.sender.kick();
    // the reply was committed already claimed and handed over, but waits
    expect(await outboxRow(`reply:${ev.event.message.message_id}`)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(h.fake.messagesIn('oc_p2p_order_lease')).toHaveLength(0);
    await h.settle();
    expect(accepted('oc_p2p_order_lease')).toEqual(['older', ev.event.message.message_id]);
    expect(await outboxRow('test:order:leased')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await outboxRow(`reply:${ev.event.message.message_id}`)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('the parts of a message over Lark’s size limit arrive in order, even when the first must be sent again', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    h.fake.failNext(1, 'serverError');
    const long = Array.from({ length: 4_000 }, (_, i) => `第${i + 1}行：区住房建设委完成摸排${i}户`).join('\n');
    await queue(rt.dbh, rt.clock, [{ dedupeKey: 'test:order:long', kind: 'send', target: 'oc_order_long', msgType: 'text', content: { text: long } }]);
    await h.settle();
    const parts = accepted('oc_order_long');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toContain('第1行');
    const firstLine = (t: string) => Number(/第(\d+)行/.exec(t)![1]);
    const lines = parts.map(firstLine);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    // the second part was not tried before the first was accepted
    const tried = h.fake.calls.filter((c) => c.body?.receive_id === 'oc_order_long').map((c) => `${firstLine(JSON.parse(c.body.content).text)}:${c.status}`);
    expect(tried).toEqual([expect.stringMatching(/^1:5\d\d$/), ...lines.map((n) => `${n}:200`)]);
  });

  it('one slow chat does not hold back another chat’s next messages', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    h.fake.setFaults({ slowMs: 1_000, slowFor: 'oc_order_slow' });
    await queue(rt.dbh, rt.clock, [text('slow', 'oc_order_slow'), text('f1', 'oc_order_fast'), text('f2', 'oc_order_fast'), text('f3', 'oc_order_fast')]);
    await h.settle();
    h.fake.setFaults({});
    expect(accepted('oc_order_fast')).toEqual(['f1', 'f2', 'f3']);
    const arrived = (chat: string) => h.fake.calls.filter((c) => c.body?.receive_id === chat).map((c) => c.at);
    // the fast chat's three went one after another while the slow chat's one send was still waiting for its answer
    expect(arrived('oc_order_fast')[2]! - arrived('oc_order_slow')[0]!).toBeLessThan(1_000);
  });

  it('a message queued while another chat’s send is slow does not wait for it', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    h.fake.setFaults({ slowMs: 1_000, slowFor: 'oc_order_slow_2' });
    await queue(rt.dbh, rt.clock, [text('slow-2', 'oc_order_slow_2')]);
    const draining = rt.sender.kick();
    await new Promise((r) => setTimeout(r, 100));
    await queue(rt.dbh, rt.clock, [text('new', 'oc_order_new')]);
    void rt.sender.kick();
    await draining;
    await h.settle();
    h.fake.setFaults({});
    // it went while the slow send still waited for its answer (before: once that answer came, a second later)
    expect(arrived('oc_order_new') - arrived('oc_order_slow_2')).toBeLessThan(500);
    expect(accepted('oc_order_new')).toEqual(['new']);
  });

  it('a message queued while another chat’s send is slow does not wait for it, even after a kick that found nothing new (the sender’s poll)', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    // a sender of its own, without the runtime's poll, so the kicks below are the only ones
    const sender = new Sender(rt.dbh, rt.messenger, rt.log);
    h.fake.setFaults({ slowMs: 1_000, slowFor: 'oc_order_slow_3' });
    await queue(rt.dbh, rt.clock, [text('slow-3', 'oc_order_slow_3')]);
    void sender.kick();
    await new Promise((r) => setTimeout(r, 60));
    // nothing new: the pass looks, finds nothing due, and waits for the slow send
    void sender.kick();
    await new Promise((r) => setTimeout(r, 60));
    await queue(rt.dbh, rt.clock, [text('new-3', 'oc_order_new_3')]);
    void sender.kick();
    await sender.drain(10_000);
    await sender.stop();
    h.fake.setFaults({});
    expect(arrived('oc_order_new_3') - arrived('oc_order_slow_3')).toBeLessThan(500);
    expect(accepted('oc_order_new_3')).toEqual(['new-3']);
  });

  it('a message Lark keeps refusing with a 5xx, while it accepts others, holds back its chat for five failures; then the rest go on while it is retried', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { baseBackoffMs: 10, maxBackoffMs: 20 });
    h.fake.setFaults({ refuseText: 'p1' });
    await queue(rt.dbh, rt.clock, [text('p1', 'oc_order_poison'), text('p2', 'oc_order_poison'), text('p3', 'oc_order_poison')]);
    // other chats' messages keep being accepted meanwhile: so the failures are about p1, not Lark
    for (let k = 0; k < 60 && h.fake.messagesIn('oc_order_poison').length < 2; k++) {
      await queue(rt.dbh, rt.clock, [text(`poison-other-${k}`, `oc_order_poison_other_${k}`)]);
      await sender.kick();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(accepted('oc_order_poison')).toEqual(['p2', 'p3']);
    const p1 = (await h.server.runtime.dbh.db.select({ holdLeft: outbox.holdLeft, attempts: outbox.attempts }).from(outbox).where(eq(outbox.dedupeKey, 'test:order:p1')))[0]!;
    expect(p1.holdLeft).toBe(0);
    const tried = h.fake.calls.filter((c) => c.body?.receive_id === 'oc_order_poison').map((c) => `${JSON.parse(c.body.content).text}:${c.status}`);
    // nothing after it was tried before p1 had failed five times with other sends accepted in between
    expect(tried.indexOf('p2:200')).toBeGreaterThanOrEqual(HOLDS_CHAT_FAILURES);
    expect(tried.slice(0, tried.indexOf('p2:200')).every((t) => t === 'p1:500')).toBe(true);
    // once Lark takes it, it is delivered, once
    h.fake.setFaults({});
    await sender.drain(20_000);
    expect(accepted('oc_order_poison')).toEqual(['p2', 'p3', 'p1']);
    await sender.stop();
    await h.settle();
  });

  it('a message Lark keeps answering with a rate limit, while it accepts other chats’ sends, keeps holding its chat: a rate limit says nothing about the message', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    // Lark's per-chat limit lifted for this sender: its backoff (10–20 ms) paces the retries, not a 5-a-second window
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { baseBackoffMs: 10, maxBackoffMs: 20, limits: { perSecond: 1000, perMinute: 100_000, perChatPerSecond: 1000 } });
    // 429 code 99991400, its reset header 0 so that no reset time paces them either
    h.fake.setFaults({ refuseText: 'q1', refuseAs: 'rateLimit', resetSeconds: 0 });
    await queue(rt.dbh, rt.clock, [text('q1', 'oc_order_limited'), text('q2', 'oc_order_limited')]);
    const refusals = () => h.fake.calls.filter((c) => c.body?.receive_id === 'oc_order_limited' && c.status === 429).length;
    for (let k = 0; k < 80 && refusals() < 3 * HOLDS_CHAT_FAILURES; k++) {
      await queue(rt.dbh, rt.clock, [text(`limited-other-${k}`, `oc_order_limited_other_${k}`)]);
      await sender.kick();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(refusals()).toBeGreaterThanOrEqual(3 * HOLDS_CHAT_FAILURES);
    // Other chats' sends were accepted between the refusals: more than five refusals each came after a send accepted
    // since the refusal before, which for a 5xx would have released the chat (the test above).
    let acceptedSince = false;
    let couldCount = 0;
    for (const c of h.fake.calls) {
      if (c.status === 200 && /^oc_order_limited_other_/.test(c.body?.receive_id ?? '')) acceptedSince = true;
      if (c.status === 429 && c.body?.receive_id === 'oc_order_limited') {
        if (acceptedSince) couldCount++;
        acceptedSince = false;
      }
    }
    expect(couldCount).toBeGreaterThan(HOLDS_CHAT_FAILURES);
    const q1 = (await h.server.runtime.dbh.db.select({ holdLeft: outbox.holdLeft }).from(outbox).where(eq(outbox.dedupeKey, 'test:order:q1')))[0]!;
    expect(q1.holdLeft).toBe(HOLDS_CHAT_FAILURES);
    expect(accepted('oc_order_limited')).toEqual([]);
    h.fake.setFaults({});
    await sender.drain(20_000);
    expect(accepted('oc_order_limited')).toEqual(['q1', 'q2']);
    await sender.stop();
    await h.settle();
  });

  it('Lark down for many attempts: the chat’s first message still goes first when it is back (an outage says nothing about the message)', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { baseBackoffMs: 10, maxBackoffMs: 20 });
    h.fake.setFaults({ down: true });
    await queue(rt.dbh, rt.clock, [text('d1', 'oc_order_down'), text('d2', 'oc_order_down'), text('d3', 'oc_order_down')]);
    for (let k = 0; k < 12; k++) {
      await sender.kick();
      await new Promise((r) => setTimeout(r, 25));
    }
    const d1 = (await h.server.runtime.dbh.db.select({ holdLeft: outbox.holdLeft, attempts: outbox.attempts }).from(outbox).where(eq(outbox.dedupeKey, 'test:order:d1')))[0]!;
    expect(d1.attempts).toBeGreaterThan(HOLDS_CHAT_FAILURES);
    expect(d1.holdLeft).toBe(HOLDS_CHAT_FAILURES);
    h.fake.setFaults({});
    await sender.drain(20_000);
    await h.settle();
    expect(accepted('oc_order_down')).toEqual(['d1', 'd2', 'd3']);
    await sender.stop();
  });

  it('a chat alone in sending, its first message refused again and again, is released after 20 attempts', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    const sender = new Sender(rt.dbh, rt.messenger, rt.log, { baseBackoffMs: 1, maxBackoffMs: 2 });
    h.fake.setFaults({ refuseText: 'lonely-1' });
    await queue(rt.dbh, rt.clock, [text('lonely-1', 'oc_order_lonely'), text('lonely-2', 'oc_order_lonely')]);
    for (let k = 0; k < 400 && h.fake.messagesIn('oc_order_lonely').length === 0; k++) {
      await sender.kick();
      await new Promise((r) => setTimeout(r, 5));
    }
    const tried = h.fake.calls.filter((c) => c.body?.receive_id === 'oc_order_lonely').map((c) => `${JSON.parse(c.body.content).text}:${c.status}`);
    const firstOk = tried.indexOf('lonely-2:200');
    expect(firstOk).toBeGreaterThanOrEqual(RELEASE_ANYWAY_ATTEMPTS);
    expect(tried.slice(0, firstOk).every((t) => t === 'lonely-1:500')).toBe(true);
    h.fake.setFaults({});
    await sender.drain(20_000);
    expect(accepted('oc_order_lonely')).toEqual(['lonely-2', 'lonely-1']);
    await sender.stop();
    await h.settle();
  });

  it('a message that no longer holds its chat, left by a sender that died, is still sent once its lease runs out', async () => {
    h.fake.reset();
    const rt = h.server.runtime;
    await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, text('orphan-released', 'oc_order_orphan'), rt.clock.now(), Date.now() + 300).run());
    await rt.dbh.db.update(outbox).set({ holdLeft: 0 }).where(eq(outbox.dedupeKey, 'test:order:orphan-released')).run();
    await queue(rt.dbh, rt.clock, [text('after-orphan', 'oc_order_orphan')]);
    await new Promise((r) => setTimeout(r, 400));
    await h.settle();
    expect(accepted('oc_order_orphan').sort()).toEqual(['after-orphan', 'orphan-released']);
    expect(await outboxRow('test:order:orphan-released')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('rows waiting behind heads that wait for a retry do not crowd out the heads: after an outage every chat goes on, and a new chat too', async () => {
    // its own server, with a send window of 20 a second: a pass reads at most 100 due rows
    const h2 = await startHarness({ plan: false, env: { SEND_PER_SECOND: '20', SEND_PER_MINUTE: '100000', SEND_PER_CHAT_PER_SECOND: '5' } });
    try {
      const rt = h2.server.runtime;
      h2.fake.setFaults({ down: true });
      // 12 chats × 10 messages: each chat's first is tried and waits for a retry, the other 108 wait behind them
      const msgs = Array.from({ length: 120 }, (_, i) => ({ dedupeKey: `test:order:crowd:${i}`, kind: 'send' as const, target: `oc_crowd_${i % 12}`, msgType: 'text' as const, content: { text: `c${i}` } }));
      await queue(rt.dbh, rt.clock, msgs);
      await rt.sender.kick();
      h2.fake.setFaults({});
      await queue(rt.dbh, rt.clock, [{ dedupeKey: 'test:order:crowd:new', kind: 'send', target: 'oc_crowd_new', msgType: 'text', content: { text: 'new' } }]);
      await h2.settle();
      expect(h2.fake.messagesIn('oc_crowd_new')).toHaveLength(1);
      for (let c = 0; c < 12; c++) {
        const texts = h2.fake.messagesIn(`oc_crowd_${c}`).map((m) => (m.content as { text: string }).text);
        expect(texts).toEqual(Array.from({ length: 10 }, (_, k) => `c${c + 12 * k}`));
      }
    } finally {
      await h2.close();
    }
  });
});

describe('stopping the sender (a deploy’s SIGTERM)', () => {
  it('stop() lets the sends under way end and sends nothing more; rows handed over but not sent go back as never tried; the next start sends each row once, in order', async () => {
    // its own server, at 5 sends a second, so a backlog is still waiting when the sender stops
    const s = await startHarness({ plan: false, env: { SEND_PER_SECOND: '5', SEND_PER_MINUTE: '100000', SEND_PER_CHAT_PER_SECOND: '5' } });
    try {
      const rt = s.server.runtime;
      const db = rt.dbh.db;
      const text = (key: string, chat: string) => ({ dedupeKey: `test:stop:${key}`, kind: 'send' as const, target: chat, msgType: 'text' as const, content: { text: key } });
      // Lark slow for the chat of the handed replies: the first is under way when the sender stops, the others wait behind it
      s.fake.setFaults({ slowMs: 800, slowFor: 'oc_stop_handed' });
      const lease = rt.sender.leaseForHandOver()!;
      expect(lease).toBeGreaterThan(0);
      const handed = await rt.dbh.grouped!(() => ['h1', 'h2', 'h3'].flatMap((k) => queueClaimedStatement(rt.dbh, text(k, 'oc_stop_handed'), rt.clock.now(), lease).run()));
      rt.sender.handOver(handed);
      await queue(rt.dbh, rt.clock, Array.from({ length: 20 }, (_, i) => text(`p${i}`, `oc_stop_${i % 4}`)));
      void rt.sender.kick();
      // (the fake records a call once answered: stop while the first handed reply is still on its way)
      await new Promise((r) => setTimeout(r, 150));
      expect(s.fake.calls.filter((c) => c.body?.receive_id === 'oc_stop_handed')).toEqual([]);
      // a handling that took its lease before the stop and commits after it
      const lateLease = rt.sender.leaseForHandOver()!;
      await rt.sender.stop();
      rt.sender.handOver(await rt.dbh.grouped!(() => queueClaimedStatement(rt.dbh, text('late', 'oc_stop_late'), rt.clock.now(), lateLease).run()));
      for (let i = 0; i < 50 && (await db.select({ s: outbox.status }).from(outbox).where(eq(outbox.dedupeKey, 'test:stop:late')))[0]?.s !== 'pending'; i++) await new Promise((r) => setTimeout(r, 10));

      const rows = await db.select({ key: outbox.dedupeKey, status: outbox.status, attempts: outbox.attempts, leaseUntil: outbox.leaseUntil }).from(outbox);
      const row = (k: string) => rows.find((r) => r.key === `test:stop:${k}`)!;
      // the send under way ended (Lark took it) and was marked; the two behind it are back in the database, never tried
      expect(s.fake.messagesIn('oc_stop_handed').map((m) => (m.content as { text: string }).text)).toEqual(['h1']);
      expect(row('h1')).toMatchObject({ status: 'sent' });
      expect(row('h2')).toEqual({ key: 'test:stop:h2', status: 'pending', attempts: 0, leaseUntil: 0 });
      expect(row('h3')).toEqual({ key: 'test:stop:h3', status: 'pending', attempts: 0, leaseUntil: 0 });
      expect(row('late')).toEqual({ key: 'test:stop:late', status: 'pending', attempts: 0, leaseUntil: 0 });
      // nothing is left claimed, and the backlog waits in the outbox
      expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
      const waiting = rows.filter((r) => r.status === 'pending').length;
      expect(waiting).toBeGreaterThan(2);
      const callsAtStop = s.fake.calls.length;
      await new Promise((r) => setTimeout(r, 1_200)); // past the stopped sender's old poll
      expect(s.fake.calls.length).toBe(callsAtStop);

      // the next start: every row goes, once, each chat's in the order queued
      s.fake.setFaults({});
      const next = new Sender(rt.dbh, rt.messenger, rt.log);
      await next.drain(30_000);
      await next.stop();
      const accepted = new Map<string, number>();
      for (const m of s.fake.messages) {
        const t = (m.content as { text: string }).text;
        accepted.set(t, (accepted.get(t) ?? 0) + 1);
      }
      expect([...accepted.values()].every((n) => n === 1)).toBe(true);
      expect(accepted.size).toBe(24);
      expect(s.fake.messagesIn('oc_stop_handed').map((m) => (m.content as { text: string }).text)).toEqual(['h1', 'h2', 'h3']);
      expect(s.fake.messagesIn('oc_stop_late')).toHaveLength(1);
      // and a stopped sender stays stopped: it does not drain, nor start again
      await rt.sender.drain();
      expect(() => rt.sender.start()).toThrow(/does not start again/);
      for (let c = 0; c < 4; c++) {
        const sent = s.fake.messagesIn(`oc_stop_${c}`).map((m) => (m.content as { text: string }).text);
        expect(sent).toEqual(Array.from({ length: 5 }, (_, j) => `p${c + 4 * j}`));
      }
    } finally {
      await s.close();
    }
  });
});
