// Nothing a person wrote is lost (issue 15, items 1, 2 and 4): a report revised without a problem leaves the problem
// open with a history line, only 解决 or 撤销 by someone with the right closes it, its number is never given to another
// problem, and a problem raised from a report belongs to the group whose chat the report was sent in.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, reportRevisions, reports } from '../db/schema.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { messageEvent } from './support/lark-events.js';

// Monday 2026-11-23 10:00 in Shanghai: week 48
const MONDAY = '2026-11-23T02:00:00Z';
const WEIWEN = 'oc_xinhe_weiwen';
const GONGCHENG = 'oc_xinhe_gongcheng';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: MONDAY, env: { SEND_PER_CHAT_PER_SECOND: '100' } });
});
afterAll(() => h.close());

async function say(from: string, chat: string, text: string, at?: string): Promise<string> {
  if (at) h.clock.set(at);
  const { messageId } = await h.say({ from, chat, text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return flatten(reply.content).replace(/\*\*/g, '');
}

/** The P numbers a report's confirmation says it filed. */
const filed = (reply: string) => [...(/已列入问题清单：([P\d、]+)/.exec(reply)?.[1] ?? '').matchAll(/P(\d+)/g)].map((m) => Number(m[1]));

describe('a revised report never deletes a problem', () => {
  let seq: number;

  it('the revision without the problem says it is still open, and the problem list still has it', async () => {
    const first = await say('ou_wangmin', WEIWEN, '汇报\n进展：完成入户摸排120户\n问题：3号楼居民反映管线漏水\n下一步：继续摸排');
    seq = filed(first)[0]!;
    expect(seq).toBeGreaterThan(0);
    const revised = await say('ou_wangmin', WEIWEN, '汇报\n进展：完成入户摸排125户\n问题：无\n下一步：继续摸排', '2026-11-23T03:00:00Z');
    expect(revised).toContain(`本版未列 P${seq}，仍在问题清单中（未解决）`);
    const list = await say('ou_chenbo', 'oc_p2p_chenbo', '问题 列表');
    expect(list).toContain(`P${seq}`);
    expect(list).toContain('3号楼居民反映管线漏水');
  });

  it('the problem’s history has the date, the unit and the revision in the office’s words', async () => {
    const shown = await say('ou_zhangli', 'oc_p2p_zhangli', `问题 查看 P${seq}`);
    expect(shown).toContain('办理记录');
    expect(shown).toContain('11月23日 10:00 新河街道办事处 王敏上报');
    expect(shown).toContain('11月23日 11:00 新河街道办事处 王敏修订了第48周专报，新版本未列此问题；问题仍未解决，需解决或撤销方可关闭');
  });

  it('its number is never given to the next problem', async () => {
    const next = await say('ou_wangmin', WEIWEN, '问题 上报 夜间施工噪音投诉');
    expect(next).toContain(`P${seq + 1}`);
    expect(next).not.toContain(`P${seq}\n`);
  });

  it('listed again in a later version, it keeps its number and the history says so', async () => {
    const again = await say('ou_wangmin', WEIWEN, '汇报\n进展：完成入户摸排130户\n问题：3号楼居民反映管线漏水\n下一步：继续摸排', '2026-11-23T04:00:00Z');
    expect(filed(again)).toEqual([seq]);
    const shown = await say('ou_chenbo', 'oc_p2p_chenbo', `问题 查看 P${seq}`);
    expect(shown).toContain('11月23日 12:00 新河街道办事处 王敏在第48周专报中再次列出此问题');
  });

  it('a liaison may not cancel it; the office cancels it with a reason, kept in its history', async () => {
    const refused = await say('ou_zhangli', 'oc_p2p_zhangli', `问题 撤销 P${seq} 误报`);
    expect(refused).toContain('需要以下角色之一');
    const cancelled = await say('ou_chenbo', 'oc_p2p_chenbo', `问题 撤销 P${seq} 经核实为误报`);
    expect(cancelled).toContain(`问题已撤销 P${seq}`);
    expect(cancelled).toContain('陈波撤销：经核实为误报');
    const all = await say('ou_chenbo', 'oc_p2p_chenbo', '问题 列表 全部');
    expect(all).toContain('（已撤销）');
    expect(await say('ou_chenbo', 'oc_p2p_chenbo', '问题 列表')).not.toContain('3号楼居民反映管线漏水');
  });
});

describe('the group a report’s problem belongs to', () => {
  it('sent in the 工程建设组 chat, it belongs to 工程建设组 (not the first group its unit leads)', async () => {
    const r = await say('ou_liqiang', GONGCHENG, '汇报\n进展：完成方案初稿\n问题：用地手续未批复\n下一步：报审');
    const [p] = filed(r);
    const shown = await say('ou_chenbo', 'oc_p2p_chenbo', `问题 查看 P${p}`);
    expect(shown).toContain('责任方：工程建设组');
  });

  it('from a private chat, the only group the unit leads', async () => {
    const r = await say('ou_liuyang', 'oc_p2p_liuyang', '汇报\n进展：一户一册登记过半\n问题：部分住户外出无法入户');
    const [p] = filed(r);
    expect(await say('ou_chenbo', 'oc_p2p_chenbo', `问题 查看 P${p}`)).toContain('责任方：基础数据摸排组');
  });

  it('from a private chat of a unit in several groups, the office', async () => {
    const r = await say('ou_wangmin', 'oc_p2p_wangmin', '汇报\n进展：完成摸排\n问题：临时安置房源不足', '2026-11-30T02:00:00Z');
    const [p] = filed(r);
    expect(await say('ou_chenbo', 'oc_p2p_chenbo', `问题 查看 P${p}`)).toContain('责任方：办公室');
  });
});

describe('a meeting keeps its history', () => {
  it('minutes recorded twice keep both versions in the history; a cancelled meeting keeps its number and minutes', async () => {
    const added = await say('ou_chenbo', 'oc_p2p_chenbo', '会议 安排 搬迁方案协调会 时间：2026-12-02 10:00', '2026-11-30T02:00:00Z');
    const seq = /M(\d+)/.exec(added)![1];
    await say('ou_chenbo', 'oc_p2p_chenbo', `会议 纪要 M${seq} 会议研究了搬迁方案`, '2026-12-02T04:00:00Z');
    await say('ou_chenbo', 'oc_p2p_chenbo', `会议 纪要 M${seq} 会议研究了搬迁方案，明确了听证会时间`, '2026-12-02T05:00:00Z');
    await say('ou_chenbo', 'oc_p2p_chenbo', `会议 取消 M${seq}`, '2026-12-02T06:00:00Z');
    const shown = await say('ou_zhangli', 'oc_p2p_zhangli', `会议 查看 M${seq}`);
    expect(shown).toContain('明确了听证会时间');
    expect(shown).toContain('11/30 10:00 陈波安排');
    expect(shown).toContain('12/2 12:00 陈波记录会议备忘');
    expect(shown).toContain('12/2 13:00 陈波记录会议备忘');
    expect(shown).toContain('12/2 14:00 陈波取消');
  });
});

describe('one event handled twice at once (the minute’s replay of old events beside the inbox’s read-back)', () => {
  it('is handled once: one report, no revision of it, one reply', async () => {
    const rt = h.server.runtime;
    const ev = messageEvent({ from: 'ou_liqiang', chat: GONGCHENG, text: '汇报\n周期 2026-W46\n进展：屋面维修完成5处\n问题：无\n下一步：继续维修' });
    const messageId = ev.event.message.message_id as string;
    h.fake.seedMessage(messageId, GONGCHENG);
    expect(await rt.bot.record(ev.header.event_id, ev.header.event_type, ev)).toBe(true);
    // both start before either's handled mark commits (it commits on the next turn of the event loop)
    const outcomes = await Promise.all([rt.handle(ev), rt.handle(ev)]);
    expect(outcomes.filter((o) => o === 'already')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'already')).toEqual(['ok']);
    const [report] = await rt.dbh.db.select().from(reports).where(eq(reports.period, '2026-W46'));
    expect(report).toMatchObject({ revision: 1, progress: '屋面维修完成5处' });
    expect(await rt.dbh.db.select().from(reportRevisions).where(eq(reportRevisions.reportId, report!.id))).toEqual([]);
    const [row] = await rt.dbh.db.select({ handledAt: inbox.handledAt }).from(inbox).where(eq(inbox.eventId, ev.header.event_id));
    expect(row?.handledAt).toBeTruthy();
    await h.settle();
    expect(h.fake.messages.filter((m) => m.reply_to === messageId)).toHaveLength(1);
  });
});
