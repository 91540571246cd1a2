// The sandbox over HTTP: the page and its assets, the chats and people, messages and card clicks going through the
// same bot as Lark events, the clock moving with the jobs firing on the way, and the rendering of what the bot says.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { inbox, tasks } from '../db/schema.js';
import { configSchema } from '../src/config.js';
import { reportFormCard } from '../src/reports/form-card.js';
import { cardHtml } from '../src/sandbox/card-html.js';
import { chartHtml } from '../src/sandbox/chart.js';
import { markdownHtml } from '../src/sandbox/markdown.js';
import { startServer, type Server } from '../src/server.js';

const MONDAY_9 = '2026-11-23T09:00:00+08:00';

interface Shown {
  key: string;
  from: string;
  kind: string;
  html: string;
  when: string;
  messageId?: string;
}

async function sandbox(): Promise<{ s: Server; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-sandbox-'));
  const config = configSchema.parse({ PORT: '0', DATABASE_PATH: join(dir, 'duban.db'), LOG_LEVEL: 'silent' });
  const s = await startServer({ config, scheduler: false, sandboxStart: MONDAY_9 });
  return {
    s,
    async close() {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function client(s: Server) {
  const call = async (path: string, body?: unknown) => {
    const r = await fetch(`${s.url}/sandbox${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  return {
    call,
    say: (from: string, chat: string, text: string) => call('/api/send', { from, chat, text }),
    messages: async (chat: string): Promise<Shown[]> => (await call(`/api/messages?chat=${encodeURIComponent(chat)}`)).body.messages,
    last: async (chat: string): Promise<Shown> => (await call(`/api/messages?chat=${encodeURIComponent(chat)}`)).body.messages.at(-1),
  };
}

/** What a reader sees in rendered HTML: tags dropped, entities decoded. */
const seen = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The buttons of a rendered card: their label and the callback value they post back. */
function buttonsOf(html: string): Array<{ label: string; value: Record<string, string>; submit: boolean }> {
  return [...html.matchAll(/<button type="button" class="btn [^"]*" data-name="[^"]*" data-value="([^"]*)"( data-submit="1")?>(.*?)<\/button>/g)].map((m) => ({
    value: JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')),
    submit: Boolean(m[2]),
    label: seen(m[3]!).trim(),
  }));
}

describe('the sandbox page and its chats', () => {
  let sb: Awaited<ReturnType<typeof sandbox>>;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    sb = await sandbox();
    c = client(sb.s);
  });
  afterAll(() => sb.close());

  it('GET /sandbox serves the page, whose assets all come from the app (no network)', async () => {
    const page = await fetch(`${sb.s.url}/sandbox`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual(['/sandbox/assets/sandbox.css', '/sandbox/assets/sandbox.js']);
    for (const a of assets) {
      const r = await fetch(`${sb.s.url}${a}`);
      expect(r.status).toBe(200);
      expect(await r.text()).not.toMatch(/https?:\/\//);
    }
  });

  it('lists the campaign’s chats with a private chat for me, and every person plus an unregistered user', async () => {
    const { body } = await c.call('/api/state?me=ou_wangmin');
    expect(body.campaign.name).toBe('新河周转房居住环境改善');
    expect(body.nowText).toBe('2026-11-23 周一 09:00');
    expect(body.nextDue).toMatchObject({ text: '11-27 周五 17:00', period: '2026-W48' });
    const chats = body.chats.map((x: { id: string; name: string }) => `${x.id} ${x.name}`);
    expect(chats.slice(0, 3)).toEqual(['oc_xinhe_office 办公室群', 'oc_xinhe_leaders 领导小组群', 'oc_xinhe_weiwen 维稳保障组 工作群']);
    expect(chats.at(-1)).toBe('oc_p2p_sandbox_ou_wangmin 与督办的私聊');
    const names = body.people.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['陈波', '王敏', '李强', '未登记用户']));
    expect(body.people.find((p: { name: string }) => p.name === '王敏')).toMatchObject({ unit: '新河街道办事处', roles: ['组长单位', '联络员'] });
  });

  it('a liaison’s 汇报 in the group chat goes in as a Lark event and the confirmation card comes back', async () => {
    const res = await c.say('ou_wangmin', 'oc_xinhe_weiwen', '汇报\n进展：完成维稳排查\n问题：无\n下一步：继续值守');
    expect(res.body.ok).toBe(true);
    const [row] = await sb.s.runtime.dbh.db.select().from(inbox).where(eq(inbox.eventId, res.body.eventId));
    expect(row).toMatchObject({ eventType: 'im.message.receive_v1', outcome: 'ok' });
    const ev = JSON.parse(row!.payload);
    expect(ev.event.message).toMatchObject({ chat_id: 'oc_xinhe_weiwen', chat_type: 'group', message_type: 'text' });
    expect(ev.event.message.mentions[0].id.open_id).toBe(await sb.s.runtime.messenger.botOpenId());
    const msgs = await c.messages('oc_xinhe_weiwen');
    const mine = msgs.find((m) => m.key === `in:${res.body.eventId}`)!;
    expect(seen(mine.html)).toContain('@督办 汇报');
    const reply = msgs.at(-1)!;
    expect(reply.kind).toBe('bot');
    expect(reply.html).toContain('class="card-header t-green"');
    expect(seen(reply.html)).toContain('进度专报已收到 · 新河街道办事处');
  });

  it('in a private chat the message needs no @mention', async () => {
    await c.say('ou_zhangli', 'oc_p2p_sandbox_ou_zhangli', '帮助');
    const reply = await c.last('oc_p2p_sandbox_ou_zhangli');
    expect(reply.kind).toBe('bot');
    expect(seen(reply.html)).toContain('汇报');
  });

  it('an unregistered user is told to ask the office', async () => {
    await c.say('ou_sandbox_guest', 'oc_xinhe_office', '帮助');
    expect(seen((await c.last('oc_xinhe_office')).html)).toContain('您还没有登记');
  });

  it('a message to a chat or from a person the campaign does not have is refused by name', async () => {
    expect((await c.say('ou_nobody', 'oc_xinhe_office', '帮助')).body.error).toContain('ou_nobody');
    expect((await c.say('ou_chenbo', 'oc_p2p_sandbox_ou_wangmin', '帮助')).status).toBe(400);
    expect((await c.say('ou_chenbo', 'oc_xinhe_office', '  ')).body.error).toContain('empty message');
  });

  it('a card button posts back through the card callback code and runs its command with the clicker’s roles', async () => {
    await c.say('ou_liuyang', 'oc_xinhe_mopai', '任务 查看 T1');
    const card = await c.last('oc_xinhe_mopai');
    const writeOff = buttonsOf(card.html).find((b) => b.label === '销账')!;
    expect(writeOff.value).toEqual({ a: 'task.done', id: 'T1' });
    const res = await c.call('/api/card', { chat: 'oc_xinhe_mopai', from: 'ou_liuyang', messageId: card.messageId, value: writeOff.value });
    expect(res.body.toast.type).toBe('success');
    const [t1] = await sb.s.runtime.dbh.db.select().from(tasks).where(eq(tasks.seq, 1));
    expect(t1!.status).toBe('done');
    const msgs = await c.messages('oc_xinhe_mopai');
    expect(msgs.at(-2)).toMatchObject({ kind: 'action', from: 'ou_liuyang' });
    expect(seen(msgs.at(-2)!.html)).toContain('任务 销账 T1');
  });

  it('a form’s inputs go into form_value and fill the command', async () => {
    await c.say('ou_liqiang', 'oc_xinhe_gongcheng', '任务 查看 T2');
    const card = await c.last('oc_xinhe_gongcheng');
    expect(card.html).toMatch(/<input type="text" name="note"/);
    const submit = buttonsOf(card.html).find((b) => b.submit && b.value.a === 'task.note')!;
    const res = await c.call('/api/card', { chat: 'oc_xinhe_gongcheng', from: 'ou_liqiang', messageId: card.messageId, value: submit.value, formValue: { note: '完成方案初稿' } });
    expect(res.body.toast.type).toBe('success');
    await c.say('ou_liqiang', 'oc_xinhe_gongcheng', '任务 查看 T2');
    expect(seen((await c.last('oc_xinhe_gongcheng')).html)).toContain('完成方案初稿');
  });

  it('a task card shows its light (红黄绿灯) and the phase with its workdays left', async () => {
    await c.say('ou_chenbo', 'oc_xinhe_office', '任务 新增 清理三号楼楼道堆物 牵头：区公安局 截止：11月25日');
    const added = seen((await c.last('oc_xinhe_office')).html);
    expect(added).toContain('🟡 黄灯（3个工作日内到期）');
    expect(added).toContain('当前阶段：摸排登记（2026年11月1日至2026年12月31日');
    expect(added).toContain('剩余 29 个工作日，含今天');
    await c.say('ou_liqiang', 'oc_xinhe_gongcheng', '任务 查看 T3');
    const t3 = seen((await c.last('oc_xinhe_gongcheng')).html);
    expect(t3).toContain('🟢 绿灯（正常推进）');
    expect(t3).toContain('方案编制（2027年1月1日至2027年3月31日，未开始）');
    expect(t3).toContain('2027年第一季度');
  });

  it('what users typed is shown as text, never as markup', async () => {
    await c.say('ou_zhaojing', 'oc_p2p_sandbox_ou_zhaojing', '<img src=x onerror=alert(1)> **粗** <at id=all></at>');
    const msgs = await c.messages('oc_p2p_sandbox_ou_zhaojing');
    for (const m of msgs) expect(m.html).not.toMatch(/<img|<script|onerror=alert\(1\)>/);
    expect(msgs[0]!.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('the sandbox clock', () => {
  let sb: Awaited<ReturnType<typeof sandbox>>;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    sb = await sandbox();
    c = client(sb.s);
    await c.say('ou_wangmin', 'oc_xinhe_weiwen', '汇报\n进展：完成维稳排查\n问题：无\n下一步：继续值守');
    const res = await c.call('/api/clock', { kind: 'friday' });
    expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
  });
  afterAll(() => sb.close());

  it('moving to Friday 17:30 runs the week’s jobs in order and shows the new time', async () => {
    const { body } = await c.call('/api/state');
    expect(body.nowText).toBe('2026-11-27 周五 17:30');
    const titles = (await c.messages('oc_xinhe_anquan')).map((m) => seen(m.html).trim().split(' ')[0]);
    expect(titles.filter((t) => !t!.startsWith('会议提醒'))).toEqual(['【报送提醒】工作进度专报', '【报送提醒】工作进度专报', '【催报】工作进度专报', '落后单位']);
  });

  it('the chase names the units that missed the due time and @mentions their liaisons by name', async () => {
    const chase = (await c.messages('oc_xinhe_office')).find((m) => m.html.includes('【催报】'))!;
    expect(chase.when).toBe('11-27 周五 17:30');
    const text = seen(chase.html);
    expect(text).toContain('经开区管委会 @李强');
    expect(text).not.toContain('新河街道办事处');
  });

  it('the lagging list in the leaders’ chat names who did not report, with its chart drawn', async () => {
    const lagging = (await c.messages('oc_xinhe_leaders')).find((m) => m.html.includes('落后单位'))!;
    expect(seen(lagging.html)).toContain('经开区管委会 3 分：未报送 1 次（第48周）');
    expect(lagging.html).not.toContain('新河街道办事处');
    expect(lagging.html).toMatch(/<svg class="bar-chart"[^>]*>.*<title>经开区管委会: 3<\/title>/);
  });

  it('the clock only moves forward, at most 31 days at a time', async () => {
    expect((await c.call('/api/clock', { kind: 'to', at: '2026-11-01T09:00' })).body.error).toContain('only moves forward');
    expect((await c.call('/api/clock', { kind: 'days', days: 40 })).status).toBe(400);
    expect((await c.call('/api/clock', { kind: 'sideways' })).status).toBe(400);
  });
});

describe('rendering cards for the page', () => {
  const names = (id: string) => ({ ou_liqiang: '李强' })[id];

  it('markdown: bold, lists and mentions render; escaped user text stays literal', () => {
    const html = markdownHtml('**进展**\n- 经开区管委会 <at id=ou_liqiang></at>\n&#42;&#42;不加粗&#42;&#42; &#60;b&#62;', names);
    expect(html).toBe('<div><strong>进展</strong></div><ul><li>经开区管委会 <span class="at">@李强</span></li></ul><div>**不加粗** &lt;b&gt;</div>');
  });

  it('a bar chart with a series field draws grouped bars and a legend', () => {
    const svg = chartHtml({ type: 'bar', data: { values: [{ x: 'A', y: 2, s: '本周' }, { x: 'A', y: 1, s: '上周' }, { x: 'B', y: 3, s: '本周' }] }, xField: 'x', yField: 'y', seriesField: 's' });
    expect(svg.match(/<rect [^>]*rx="2"/g)).toHaveLength(3);
    expect(svg).toContain('>本周</text>');
    expect(svg).toContain('<title>A · 上周: 1</title>');
  });
});

describe('the sandbox shows 汇编, the report form and the bulletin’s trend', () => {
  let sb: Awaited<ReturnType<typeof sandbox>>;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    sb = await sandbox();
    c = client(sb.s);
    await c.say('ou_wangmin', 'oc_xinhe_weiwen', '汇报\n进展：完成维稳排查\n问题：无\n下一步：继续值守\n指标：排查=12');
  });
  afterAll(() => sb.close());

  it('汇编 answers with the card and the .docx, which the page links and serves', async () => {
    await c.say('ou_chenbo', 'oc_p2p_sandbox_ou_chenbo', '汇编');
    const [card, file] = (await c.messages('oc_p2p_sandbox_ou_chenbo')).slice(-2);
    expect(seen(card!.html)).toContain('进度专报汇编 · 新河周转房居住环境改善');
    expect(seen(card!.html)).toContain('新河街道办事处 按时报送');
    const href = /href="(\/sandbox\/api\/files\/[^"]+)"/.exec(file!.html)![1]!;
    const res = await fetch(`${sb.s.url}${href}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
  });

  it('the bulletin after the week’s due time draws the on-time trend as a line chart', async () => {
    await c.call('/api/clock', { kind: 'friday' });
    await c.say('ou_chenbo', 'oc_p2p_sandbox_ou_chenbo', '通报');
    const bulletin = await c.last('oc_p2p_sandbox_ou_chenbo');
    expect(bulletin.html).toMatch(/<svg class="bar-chart line-chart"[^>]*>.*<title>新河街道办事处 · 11月: 100<\/title>/);
    expect(seen(bulletin.html)).toContain('排查 12 12');
  });

  it('the private form renders its inputs (multi-line ones as text areas) and a submit button carrying the period', () => {
    const rule = { id: 1, name: '工作进度专报' } as Parameters<typeof reportFormCard>[0]['rule'];
    const unit = { id: 17, name: '新河街道办事处' } as Parameters<typeof reportFormCard>[0]['unit'];
    const html = cardHtml(reportFormCard({ t: (zh) => zh, lang: 'zh', rule, period: '2026-W48', label: '第48周（11月23日—27日）', due: '11月27日（周五）17:00', unit, metrics: ['拆除'], late: false }), () => undefined);
    expect(html).toContain('<form class="card-form" data-form="report_form"');
    expect(html).toMatch(/<textarea name="progress" rows="3" placeholder="[^"]*" required maxlength="1000">/);
    expect(html).toContain('<input type="text" name="metric_0"');
    const [submit] = buttonsOf(html);
    expect(submit).toMatchObject({ submit: true, label: '提交专报', value: { a: 'report.submit', r: '工作进度专报', p: '2026-W48', m: '["拆除"]' } });
  });
});
