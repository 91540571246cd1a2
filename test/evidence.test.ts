// Evidence (佐证材料) through the real path: image, file and rich-text message events (fixtures shaped as Lark's
// 接收消息内容结构) after a report in the same chat, the short confirmation at the fake Lark, the rows kept once per
// message, 查看 汇报 and the reports export listing them; and silence where an office would want it.
import JSZip from 'jszip';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportEvidence, reports, units } from '../db/schema.js';
import { toChatMessage } from '../src/lark/events.js';
import { exportReports } from '../src/reports/export.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture } from './support/lark-events.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-11-27T01:00:00Z' }); // Friday 09:00 in Shanghai
});
afterAll(() => h.close());

const db = () => h.server.runtime.dbh.db;
let n = 0;
const last = (chat: string) => flatten(h.fake.messagesIn(chat).at(-1)?.content ?? '');
const count = (chat: string) => h.fake.messagesIn(chat).length;

/** Posts a fixture message event as `from` in `chat`; answers its message id. */
async function send(name: string, o: { from: string; chat: string; chatType?: 'group' | 'p2p'; messageId?: string; eventId?: string; edit?: (content: any) => void }) {
  const ev = fixture(name);
  ev.header.event_id = o.eventId ?? `ev_evidence_${++n}`;
  ev.event.sender.sender_id.open_id = o.from;
  ev.event.message.chat_id = o.chat;
  ev.event.message.chat_type = o.chatType ?? 'group';
  ev.event.message.message_id = o.messageId ?? `om_evidence_${n}`;
  if (o.edit) {
    const c = JSON.parse(ev.event.message.content);
    o.edit(c);
    ev.event.message.content = JSON.stringify(c);
  }
  h.fake.seedMessage(ev.event.message.message_id, o.chat);
  expect((await h.post(ev)).status).toBe(200);
  await h.settle();
  return ev.event.message.message_id as string;
}

async function unitId(name: string) {
  return (await db().select().from(units).where(eq(units.name, name)))[0]!.id;
}
async function evidenceOfUnit(name: string) {
  const id = await unitId(name);
  const rows = await db().select({ e: reportEvidence, unit: reports.unitId }).from(reportEvidence).innerJoin(reports, eq(reports.id, reportEvidence.reportId));
  return rows.filter((r) => r.unit === id).map((r) => r.e);
}

describe('reading attachments from Lark messages', () => {
  it('image, file and rich-text messages carry their keys and file names; a malformed key is dropped', () => {
    expect(toChatMessage('e1', fixture('im.message.receive_v1.image').event, 'ou_bot')?.attachments).toEqual([{ kind: 'image', key: 'img_v3_02gc_6a1d3f2e-8c3b-4f0e-9a51-2b7d4c0e91ag', name: '' }]);
    expect(toChatMessage('e2', fixture('im.message.receive_v1.file').event, 'ou_bot')?.attachments).toEqual([{ kind: 'file', key: 'file_v3_00gc_1f0b8e2a-4d5c-4a7e-b0c1-7e2f9d3a6b5g', name: '入户走访台账.xlsx' }]);
    const post = toChatMessage('e3', fixture('im.message.receive_v1.post_images').event, 'ou_bot')!;
    expect(post.attachments?.map((a) => a.kind)).toEqual(['image', 'image']);
    expect(post.text.startsWith('汇报\n进展：完成入户走访80户')).toBe(true);
    const bad = fixture('im.message.receive_v1.image');
    bad.event.message.content = JSON.stringify({ image_key: '<at id=all></at>' });
    expect(toChatMessage('e4', bad.event, 'ou_bot')?.attachments).toBeUndefined();
  });
});

describe('佐证材料 after a report', () => {
  it('an image and a file sent within 10 minutes after the unit’s report attach to it, each with a short confirmation', async () => {
    const chat = 'oc_xinhe_weiwen';
    h.clock.set('2026-11-27T01:00:00Z');
    await h.say({ from: 'ou_wangmin', chat, text: '汇报 进展：完成入户走访80户 问题：无 下一步：继续走访' });
    h.clock.set('2026-11-27T01:03:00Z');
    const img = await send('im.message.receive_v1.image', { from: 'ou_wangmin', chat });
    expect(last(chat)).toBe('已附佐证材料：图片1张（新河街道办事处 第48周专报）');
    h.clock.set('2026-11-27T01:09:00Z');
    await send('im.message.receive_v1.file', { from: 'ou_wangmin', chat });
    expect(last(chat)).toBe('已附佐证材料：文件1个（新河街道办事处 第48周专报）');
    const rows = await evidenceOfUnit('新河街道办事处');
    expect(rows.map((r) => ({ kind: r.kind, name: r.name, messageId: r.messageId }))).toEqual([
      { kind: 'image', name: '', messageId: img },
      { kind: 'file', name: '入户走访台账.xlsx', messageId: expect.any(String) },
    ]);

    // 查看 汇报 lists them: keys and file names
    await h.say({ from: 'ou_chenbo', chat: 'oc_evidence_read', text: '查看 汇报 新河街道办事处' });
    const shown = last('oc_evidence_read');
    expect(shown).toContain('佐证材料（2）');
    expect(shown).toContain('图片 img_v3_02gc_6a1d3f2e-8c3b-4f0e-9a51-2b7d4c0e91ag');
    expect(shown).toContain('文件 入户走访台账.xlsx（file_v3_00gc_1f0b8e2a-4d5c-4a7e-b0c1-7e2f9d3a6b5g）');

    // and so does the reports export
    const csv = (await exportReports(h.server.runtime.dbh, { format: 'csv' })).toString('utf8');
    expect(csv).toContain('佐证材料');
    expect(csv).toContain('入户走访台账.xlsx');
    expect(csv).toContain('img_v3_02gc_6a1d3f2e-8c3b-4f0e-9a51-2b7d4c0e91ag');

    // and so does 汇编: the card counts them, the .docx lists each
    await h.say({ from: 'ou_chenbo', chat: 'oc_evidence_read', text: '汇编 本周' });
    const compiled = h.fake.messagesIn('oc_evidence_read').map((m) => flatten(m.content)).filter((t) => t.includes('汇编')).at(-1);
    expect(compiled).toContain('佐证材料：图片1张、文件1个');
    const docx = await JSZip.loadAsync(h.fake.files.at(-1)!.data);
    const xml = await docx.file('word/document.xml')!.async('string');
    expect(xml).toContain('佐证材料');
    expect(xml).toContain('图片 img_v3_02gc_6a1d3f2e-8c3b-4f0e-9a51-2b7d4c0e91ag');
    expect(xml).toContain('文件 入户走访台账.xlsx（file_v3_00gc_1f0b8e2a-4d5c-4a7e-b0c1-7e2f9d3a6b5g）');
  });

  it('the same message delivered again attaches nothing twice', async () => {
    const chat = 'oc_xinhe_anquan';
    h.clock.set('2026-11-27T02:00:00Z');
    await h.say({ from: 'ou_liqiang', chat, text: '汇报 进展：屋面维修完成3处 问题：无 下一步：继续维修' });
    const before = count(chat);
    const id = await send('im.message.receive_v1.image', { from: 'ou_liqiang', chat, messageId: 'om_evidence_again' });
    await send('im.message.receive_v1.image', { from: 'ou_liqiang', chat, messageId: id });
    expect((await evidenceOfUnit('经开区管委会')).filter((e) => e.messageId === id)).toHaveLength(1);
    expect(count(chat)).toBe(before + 1);
  });

  it('after 10 minutes, from another unit’s person, or from someone not registered, a group image is met with silence and stored nowhere', async () => {
    const chat = 'oc_xinhe_mopai';
    h.clock.set('2026-11-27T03:00:00Z');
    await h.say({ from: 'ou_liuyang', chat, text: '汇报 进展：登记造册完成60% 问题：无 下一步：继续登记' });
    const before = count(chat);
    h.clock.set('2026-11-27T03:02:00Z');
    await send('im.message.receive_v1.image', { from: 'ou_zhaojing', chat, messageId: 'om_evidence_other_unit' });
    await send('im.message.receive_v1.image', { from: 'ou_stranger', chat, messageId: 'om_evidence_stranger' });
    h.clock.set('2026-11-27T03:10:01Z');
    await send('im.message.receive_v1.image', { from: 'ou_liuyang', chat, messageId: 'om_evidence_late' });
    expect(count(chat)).toBe(before);
    expect(await evidenceOfUnit('新河周转房办公室')).toEqual([]);
  });

  it('in a private chat, an image with no recent report is not filed and the reply says how evidence works', async () => {
    h.clock.set('2026-11-27T05:00:00Z');
    await send('im.message.receive_v1.image', { from: 'ou_zhangli', chat: 'oc_p2p_zhangli', chatType: 'p2p', messageId: 'om_evidence_p2p' });
    expect(last('oc_p2p_zhangli')).toContain('没有登记为佐证材料');
    expect(last('oc_p2p_zhangli')).toContain('10 分钟内');
    expect(last('oc_p2p_zhangli')).not.toContain('已附');
  });

  it('a rich-text report with images files the report and attaches its images', async () => {
    const chat = 'oc_xinhe_zonghe';
    h.clock.set('2026-11-27T06:00:00Z');
    await send('im.message.receive_v1.post_images', { from: 'ou_dailei', chat, messageId: 'om_evidence_post' });
    expect(last(chat)).toContain('进度专报已收到 · 区住房建设委');
    expect(last(chat)).toContain('已附佐证材料：图片2张');
    const rows = await evidenceOfUnit('区住房建设委');
    expect(rows.map((r) => r.fileKey)).toEqual(['img_v3_02gc_11111111-2222-3333-4444-555555555555g', 'img_v3_02gc_66666666-7777-8888-9999-000000000000g']);
  });
});

describe('an English campaign', () => {
  let e: Harness;
  let dir = '';
  beforeAll(async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { examplePlan } = await import('../src/runtime.js');
    dir = mkdtempSync(join(tmpdir(), 'duban-en-evidence-'));
    writeFileSync(join(dir, 'plan.yaml'), readFileSync(examplePlan, 'utf8').replace('locale: zh', 'locale: en'));
    e = await startHarness({ now: '2026-11-27T01:00:00Z', plan: join(dir, 'plan.yaml') });
  });
  afterAll(async () => {
    await e.close();
    (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
  });

  it('confirms evidence and shows it in English', async () => {
    const chat = 'oc_xinhe_weiwen';
    await e.say({ from: 'ou_wangmin', chat, text: 'report progress: 80 households visited problems: none next: keep visiting' });
    const ev = fixture('im.message.receive_v1.file');
    ev.event.sender.sender_id.open_id = 'ou_wangmin';
    e.fake.seedMessage(ev.event.message.message_id, chat);
    await e.post(ev);
    await e.settle();
    expect(flatten(e.fake.messagesIn(chat).at(-1)!.content)).toBe('Evidence attached: 1 file (新河街道办事处, 2026-W48 report)');
    await e.say({ from: 'ou_chenbo', chat: 'oc_en_read', text: 'report show 新河街道办事处' });
    const shown = flatten(e.fake.messagesIn('oc_en_read').at(-1)!.content);
    expect(shown).toContain('Evidence (1)');
    expect(shown).toContain('file 入户走访台账.xlsx (file_v3_00gc_1f0b8e2a-4d5c-4a7e-b0c1-7e2f9d3a6b5g)');
  });
});
