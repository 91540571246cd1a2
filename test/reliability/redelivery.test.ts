// Redelivery at volume (DESIGN.md §4: zero duplicated rows when 20% of events are redelivered). 10,000 signed,
// encrypted im.message.receive_v1 events from the people of the reference plan go through HTTP to the real server with
// bounded concurrency; 20% of them arrive two or three times: back to back, concurrently, a few thousand events later,
// and again after everything was answered. Then Lark's other habit: the same message pushed again under a new
// event_id. Every message must get exactly one reply at the fake, and the inbox must hold each event id once, but for
// copies it stored before the first was claimed, each marked 'redelivered' (handled as nothing).
import { count, countDistinct, eq, isNull, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, outbox } from '../../db/schema.js';
import { startHarness, type Harness } from '../support/harness.js';
import { messageEvent } from '../support/lark-events.js';
import { acceptedSendsPerUuid, pool, repliesByParent, rng } from './support.js';

const EVENTS = Number(process.env.RELIABILITY_EVENTS ?? 10_000);
const CONCURRENCY = 32;
const REPUSH = Math.round(EVENTS * 0.03);

// Registered people of examples/xinhe.plan.yaml, each in a private chat with the bot, and two strangers (who are
// answered too: told they are not registered and whom to ask).
const PEOPLE = ['ou_dailei', 'ou_youtiancheng', 'ou_chenbo', 'ou_wangmin', 'ou_liqiang', 'ou_zhangli', 'ou_liuyang', 'ou_zhaojing'];
const STRANGERS = ['ou_stranger_a', 'ou_stranger_b'];
const TEXTS = ['帮助', '帮助', '帮助', '进度', '进度', 'help', '/status', '逾期'];

type Mode = 'once' | 'back-to-back' | 'concurrent' | 'later' | 'after-settle';
interface Planned {
  ev: any;
  copies: number;
  mode: Mode;
}

let h: Harness;
const figures: Record<string, number | string> = {};
const statuses = new Map<number, number>();
const note = (status: number) => {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
};

beforeAll(async () => {
  h = await startHarness({
    // Raised limits so 10,000 replies take seconds, not the 10 minutes Lark's 1,000/min would allow.
    env: { SEND_PER_SECOND: '5000', SEND_PER_MINUTE: '10000000', SEND_PER_CHAT_PER_SECOND: '5000' },
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  console.log('redelivery figures', JSON.stringify(figures));
});

describe(`${EVENTS} events, 20% redelivered`, () => {
  const random = rng(20261123);
  const planned: Planned[] = [];
  const modes: Mode[] = ['back-to-back', 'concurrent', 'later', 'after-settle'];

  it('every event is answered 200, stored once by event id and answered by exactly one reply', async () => {
    for (let i = 0; i < EVENTS; i++) {
      const stranger = i % 25 === 0;
      const from = stranger ? STRANGERS[i % STRANGERS.length]! : PEOPLE[i % PEOPLE.length]!;
      const chat = `oc_p2p_${from.slice(3)}`;
      const ev = messageEvent({ from, chat, chatType: 'p2p', text: TEXTS[Math.floor(random() * TEXTS.length)]! });
      h.fake.seedMessage(ev.event.message.message_id, chat);
      const dup = random() < 0.2;
      planned.push({ ev, copies: dup ? (random() < 0.5 ? 2 : 3) : 1, mode: dup ? modes[Math.floor(random() * modes.length)]! : 'once' });
    }
    const post = async (ev: any): Promise<void> => note((await h.post(ev)).status);

    // The stream: each item is one unit of work for a bounded pool of HTTP clients, like Lark's pushers.
    type Item = () => Promise<void>;
    const stream: Item[] = [];
    const later: Array<{ at: number; item: Item }> = [];
    const afterSettle: Item[] = [];
    planned.forEach((p, i) => {
      const extra = p.copies - 1;
      switch (p.mode) {
        case 'once':
          stream.push(() => post(p.ev));
          break;
        case 'back-to-back':
          stream.push(async () => {
            for (let k = 0; k < p.copies; k++) await post(p.ev);
          });
          break;
        case 'concurrent':
          stream.push(async () => {
            await Promise.all(Array.from({ length: p.copies }, () => post(p.ev)));
          });
          break;
        case 'later':
          stream.push(() => post(p.ev));
          for (let k = 0; k < extra; k++) later.push({ at: i + 200 + Math.floor(random() * 3000), item: () => post(p.ev) });
          break;
        case 'after-settle':
          stream.push(() => post(p.ev));
          for (let k = 0; k < extra; k++) afterSettle.push(() => post(p.ev));
          break;
      }
    });
    // Splice the "later" copies in at their positions (from the back, so earlier positions stay valid).
    later.sort((a, b) => b.at - a.at);
    for (const l of later) stream.splice(Math.min(l.at, stream.length), 0, l.item);

    const posts = planned.reduce((n, p) => n + p.copies, 0);
    figures.events = EVENTS;
    figures.redelivered = planned.filter((p) => p.copies > 1).length;
    figures.posts = posts;
    for (const m of modes) figures[`mode_${m}`] = planned.filter((p) => p.mode === m).length;

    const t0 = Date.now();
    await pool(stream, CONCURRENCY, (item) => item());
    figures.intake_ms = Date.now() - t0;
    await h.settle();
    figures.answered_ms = Date.now() - t0;
    await pool(afterSettle, CONCURRENCY, (item) => item());
    await h.settle();
    figures.all_ms = Date.now() - t0;

    expect(Object.fromEntries(statuses)).toEqual({ 200: posts });

    const db = h.server.runtime.dbh.db;
    const [rows] = await db.select({ n: count(), ids: countDistinct(inbox.eventId) }).from(inbox).where(ne(inbox.outcome, 'redelivered'));
    expect(rows).toEqual({ n: EVENTS, ids: EVENTS });
    expect((await db.select({ n: count() }).from(inbox).where(isNull(inbox.handledAt)))[0]!.n).toBe(0);
    // a redelivery is dropped at the answer (the same push at once, or its event claimed already); one that came in
    // the moment between is stored and handled as nothing
    const [copies] = await db.select({ n: count() }).from(inbox).where(eq(inbox.outcome, 'redelivered'));
    figures.redeliveries_stored = copies!.n;

    const replies = repliesByParent(h.fake);
    const missing = planned.filter((p) => replies.get(p.ev.event.message.message_id) !== 1);
    expect(missing.map((p) => `${p.ev.event.message.message_id} (${p.mode}): ${replies.get(p.ev.event.message.message_id) ?? 0}`)).toEqual([]);
    expect(h.fake.messages).toHaveLength(EVENTS);

    // Not only did the fake keep one copy: the bot sent each reply once (no retries needed, no uuid sent twice).
    const sends = acceptedSendsPerUuid(h.fake);
    expect(sends.size).toBe(EVENTS);
    expect([...sends.values()].filter((n) => n !== 1)).toEqual([]);

    const [ob] = await db.select({ n: count(), keys: countDistinct(outbox.dedupeKey) }).from(outbox);
    expect(ob).toEqual({ n: EVENTS, keys: EVENTS });
    expect((await db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'sent')))[0]!.n).toBe(EVENTS);
  });

  it('the same message pushed again under a new event_id gets no second reply (later and concurrently)', async () => {
    // Lark re-pushes a message it thinks was not received with a fresh event_id; the message id is the identity.
    const picked = planned.filter((_, i) => i % Math.floor(EVENTS / REPUSH) === 1).slice(0, REPUSH);
    const fresh = (ev: any) => ({ ...ev, header: { ...ev.header, event_id: `${ev.header.event_id}_repush` } });
    let ok = 0;
    await pool(picked, CONCURRENCY, async (p) => {
      if ((await h.post(fresh(p.ev))).status === 200) ok++;
    });
    // New messages, each pushed under two event ids at the same moment (the two handlings race).
    const racing = Array.from({ length: REPUSH }, (_, i) => {
      const from = PEOPLE[i % PEOPLE.length]!;
      const chat = `oc_p2p_${from.slice(3)}`;
      const ev = messageEvent({ from, chat, chatType: 'p2p', text: i % 2 ? '帮助' : '进度' });
      h.fake.seedMessage(ev.event.message.message_id, chat);
      return ev;
    });
    await pool(racing, CONCURRENCY / 2, async (ev) => {
      const res = await Promise.all([h.post(ev), h.post(fresh(ev)), h.post(ev)]);
      ok += res.filter((r) => r.status === 200).length === 3 ? 1 : 0;
    });
    await h.settle();
    figures.repushed_later = picked.length;
    figures.repushed_racing = racing.length;
    expect(ok).toBe(picked.length + racing.length);

    const db = h.server.runtime.dbh.db;
    const [rows] = await db.select({ n: count(), ids: countDistinct(inbox.eventId) }).from(inbox).where(ne(inbox.outcome, 'redelivered'));
    expect(rows).toEqual({ n: EVENTS + picked.length + 2 * racing.length, ids: EVENTS + picked.length + 2 * racing.length });
    const dupOutcomes = await db.select({ n: count() }).from(inbox).where(eq(inbox.outcome, 'duplicate'));
    // every later re-push was recognised by its message id
    expect(dupOutcomes[0]!.n).toBeGreaterThanOrEqual(picked.length);

    const replies = repliesByParent(h.fake);
    const wrong = [...picked.map((p) => p.ev), ...racing].filter((ev) => replies.get(ev.event.message.message_id) !== 1);
    expect(wrong.map((ev) => `${ev.event.message.message_id}: ${replies.get(ev.event.message.message_id) ?? 0}`)).toEqual([]);
    expect(h.fake.messages).toHaveLength(EVENTS + racing.length);
    expect([...acceptedSendsPerUuid(h.fake).values()].filter((n) => n !== 1)).toEqual([]);
  });
});
