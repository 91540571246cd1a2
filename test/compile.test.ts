// 汇编 / compile through the real path: four lead units report for 2026-W48 (one late, one with text that looks like
// markup), one never does; the office compiles the week into a card and a .docx uploaded through the SDK; a group
// lead compiles only their group; an empty period answers in words and uploads nothing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatten, startHarness, type Harness } from './support/harness.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'xinhe-reports.plan.yaml');

async function say(h: Harness, from: string, text: string, at?: string) {
  if (at) h.clock.set(at);
  const chat = `oc_p2p_${from}`;
  const { messageId } = await h.say({ from, chat, text });
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return { text: flatten(reply.content).replace(/\*\*/g, ''), reply, chat };
}

async function documentXml(data: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(data);
  return zip.file('word/document.xml')!.async('string');
}

/** The visible text of document.xml, paragraph by paragraph (runs joined, entities as the XML has them). */
const paragraphs = (xml: string) => [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));

describe('汇编: the week compiled into a card and a .docx', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ plan: PLAN, now: '2026-11-23T01:00:00Z' });
    // 2026-W48 is due Friday 27 November 17:00 Shanghai (09:00 UTC).
    await say(h, 'ou_wangmin', '汇报\n进展：完成维稳排查 <b>危房</b> & "重点户" 12户\n问题：资金未到位\n下一步：继续值守', '2026-11-24T03:00:00Z');
    await say(h, 'ou_liqiang', '汇报\n进展：维修屋面\n问题：无\n下一步：协调资金\n指标：拆除=12，面积=300', '2026-11-25T03:00:00Z');
    await say(h, 'ou_chenbo', '汇报 进展：政策培训2场 问题：无 下一步：督促落实', '2026-11-26T03:00:00Z');
    await say(h, 'ou_liuyang', '汇报\n进展：一户一册登记320户\n问题：无\n下一步：核对档案\n指标：拆除=3，登记=320', '2026-11-27T10:05:00Z');
  });
  afterAll(() => h.close());

  it('the office gets a card by working group with each unit in short, the metrics in total and the missing unit', async () => {
    const before = h.fake.files.length;
    const { text, reply } = await say(h, 'ou_chenbo', '汇编 本周', '2026-11-27T10:30:00Z');
    expect(reply.msg_type).toBe('interactive');
    expect(text).toContain('进度专报汇编');
    expect(text).toContain('本周 · 第48周（11月23日—27日）');
    expect(text).toContain('应报 5 份，已报 4 份（按时 3，逾期 1），未报 1 份');
    // groups in plan order, each lead unit under the first group it leads
    const order = ['维稳保障组', '新河街道办事处', '安全保障组', '经开区管委会', '基础数据摸排组', '新河周转房办公室', '改善政策组', '区住房建设委'].map((x) => text.indexOf(x));
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    expect(text).toContain('进展：维修屋面');
    expect(text).toContain('逾期报送');
    expect(text).toContain('指标合计：拆除：15，面积：300，政策培训：2，登记：320');
    expect(text).toContain('未报送单位（1）：区网信办');
    // user text is escaped in the card's markdown: no tag survives
    expect(JSON.stringify(reply.content)).not.toContain('<b>');
    expect(h.fake.files.length).toBe(before + 1);
  });

  it('the .docx holds the title, each unit with 进展情况 / 存在问题 / 下一步计划 in order, and the units not reported', async () => {
    const file = h.fake.files.at(-1)!;
    expect(file.file_name).toBe('进度专报汇编-新河周转房居住环境改善-2026-W48.docx');
    expect(file.file_type).toBe('doc');
    const sent = h.fake.messagesIn('oc_p2p_ou_chenbo').filter((m) => m.msg_type === 'file');
    expect(sent.at(-1)?.content).toEqual({ file_key: file.file_key });
    const xml = await documentXml(file.data);
    const p = paragraphs(xml);
    expect(p[0]).toBe('新河周转房居住环境改善进度专报汇编');
    expect(p[1]).toBe('（本周 · 第48周（11月23日—27日））');
    expect(p).toContain('本期应报 5 份，已报 4 份（按时 3 份，逾期 1 份），未报 1 份。');
    const at = (s: string, from = 0) => p.indexOf(s, from);
    const g1 = at('一、维稳保障组');
    const u1 = at('（一）新河街道办事处', g1);
    const prog = at('1. 进展情况', u1);
    const probs = at('2. 存在问题', prog);
    const next = at('3. 下一步计划', probs);
    expect([g1, u1, prog, probs, next].every((i) => i >= 0)).toBe(true);
    expect(p[prog + 1]).toBe('完成维稳排查 &lt;b&gt;危房&lt;/b&gt; &amp; &quot;重点户&quot; 12户');
    expect(p[probs + 1]).toBe('资金未到位');
    expect(p[next + 1]).toBe('继续值守');
    const g2 = at('二、安全保障组', next);
    const u2 = at('（一）经开区管委会', g2);
    expect(g2).toBeGreaterThan(next);
    expect(at('4. 主要指标', u2)).toBeGreaterThan(u2);
    expect(p).toContain('拆除：12；面积：300');
    expect(at('三、基础数据摸排组')).toBeGreaterThan(u2);
    expect(at('五、指标合计')).toBeGreaterThan(at('四、改善政策组'));
    const missing = at('六、未报送单位');
    expect(missing).toBeGreaterThan(at('五、指标合计'));
    expect(p[missing + 1]).toBe('1. 区网信办（联络员：孙悦）');
    // the user's markup is text in the document, never XML
    expect(xml).not.toContain('<b>');
    expect(xml).toContain('w:val="Heading1"');
  });

  it('a group lead compiles only the units of the groups they lead', async () => {
    const before = h.fake.files.length;
    const { text } = await say(h, 'ou_liuyang', '汇编 本周', '2026-11-27T10:40:00Z');
    expect(text).toContain('进度专报汇编 · 基础数据摸排组');
    expect(text).toContain('新河周转房办公室');
    expect(text).not.toContain('新河街道办事处');
    expect(text).toContain('未报送单位（0）：无');
    const xml = await documentXml(h.fake.files.at(-1)!.data);
    expect(h.fake.files.length).toBe(before + 1);
    expect(xml).toContain('（一）新河周转房办公室');
    expect(xml).not.toContain('新河街道办事处');
  });

  it('a period nobody reported for answers in words and uploads no file', async () => {
    const before = h.fake.files.length;
    const { text, reply } = await say(h, 'ou_chenbo', '汇编 下周', '2026-11-27T10:50:00Z');
    expect(text).toContain('看不懂「下周」');
    const empty = await say(h, 'ou_chenbo', '汇编 第49周', '2026-12-01T02:00:00Z');
    expect(empty.reply.msg_type).toBe('text');
    expect(empty.text).toContain('第49周（11月30日—12月4日）还没有单位报送进度专报，暂无可汇编的内容');
    expect(h.fake.files.length).toBe(before);
    expect(reply.msg_type).toBe('text');
  });

  it('last week from Monday is the week just compiled; a liaison may not compile', async () => {
    const { text } = await say(h, 'ou_dailei', '汇编 上周', '2026-11-30T02:00:00Z');
    expect(text).toContain('上周 · 第48周（11月23日—27日）');
    expect(text).toContain('未报送单位（1）：区网信办');
    const refused = await say(h, 'ou_zhangli', '汇编');
    expect(refused.text).toContain('「汇编」需要以下角色之一：办公室');
  });
});

describe('compile in an English campaign', () => {
  let h: Harness;
  beforeAll(async () => {
    const plan = join(mkdtempSync(join(tmpdir(), 'duban-en-compile-')), 'plan.yaml');
    writeFileSync(plan, readFileSync(join(import.meta.dirname, 'fixtures', 'report-form.plan.yaml'), 'utf8').replace('locale: zh', 'locale: en'));
    h = await startHarness({ plan, now: '2026-11-23T01:00:00Z' });
    await say(h, 'ou_malan', 'report\nprogress: 5 illegal structures removed\nproblems: none\nnext: keep going\nmetrics: 拆除=5, 面积=120', '2026-11-25T03:00:00Z');
  });
  afterAll(() => h.close());

  it('answers in English, card and document alike', async () => {
    const { text } = await say(h, 'ou_zhouping', 'compile this week', '2026-11-27T10:00:00Z');
    expect(text).toContain('Compiled reports · 违建治理专项');
    expect(text).toContain('this week · 2026-W48 (23–27 Nov)');
    expect(text).toContain('3 reports due: 1 in (1 on time, 0 late), 2 missing.');
    expect(text).toContain('Not reported (2): 新港街道, 胡家园街道');
    const file = h.fake.files.at(-1)!;
    expect(file.file_name).toBe('compiled-reports-违建治理专项-2026-W48.docx');
    const p = paragraphs(await documentXml(file.data));
    expect(p[0]).toBe('违建治理专项: compiled progress reports');
    const unit = p.indexOf('1.1 北塘街道');
    expect(p.slice(unit + 2, unit + 8)).toEqual(['Progress', '5 illegal structures removed', 'Problems', 'None.', 'Next steps', 'keep going']);
    expect(p.slice(-3)).toEqual(['3. Units that have not reported', '1. 新港街道 (liaison 林海)', '2. 胡家园街道 (no liaison registered)']);
  });
});
