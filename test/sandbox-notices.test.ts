// The sandbox shows the 督办单 card: issued in the office chat, it appears in the unit's group chat with its liaison
// @-mentioned, with the 回复 form and the 办结 button; the form filed from the liaison's private chat records the
// reply, which the office chat shows with its own 办结 button.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notices } from '../db/schema.js';
import { configSchema } from '../src/config.js';
import { startServer, type Server } from '../src/server.js';

let s: Server;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duban-sandbox-notices-'));
  const config = configSchema.parse({ PORT: '0', DATABASE_PATH: join(dir, 'duban.db'), LOG_LEVEL: 'silent' });
  s = await startServer({ config, scheduler: false, sandboxStart: '2026-11-23T09:00:00+08:00' });
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (path: string, body?: unknown) => {
  const r = await fetch(`${s.url}/sandbox${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await r.json()) as any;
};
const last = async (chat: string): Promise<{ html: string; messageId: string }> => (await call(`/api/messages?chat=${encodeURIComponent(chat)}`)).messages.at(-1);
const seen = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const buttonsOf = (html: string) =>
  [...html.matchAll(/<button type="button" class="btn [^"]*" data-name="[^"]*" data-value="([^"]*)"( data-submit="1")?>(.*?)<\/button>/g)].map((m) => ({
    value: JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Record<string, string>,
    submit: Boolean(m[2]),
    label: seen(m[3]!).trim(),
  }));

describe('the notice card in the sandbox', () => {
  it('shows the card with the liaison named, the 回复 form and the 办结 button, and both work', async () => {
    await call('/api/send', { from: 'ou_chenbo', chat: 'oc_xinhe_office', text: '督办 区公安局 排查周转房周边治安隐患 截止：12月4日' });
    const card = await last('oc_xinhe_weiwen');
    expect(seen(card.html)).toContain('督办单 D1 · 区公安局');
    expect(seen(card.html)).toContain('@张丽');
    expect(card.html).toMatch(/<input type="text" name="reply"/);
    const buttons = buttonsOf(card.html);
    expect(buttons.find((b) => b.label === '回复')).toMatchObject({ submit: true, value: { a: 'notice.reply', id: 'D1' } });
    expect(buttons.find((b) => b.label === '办结')?.value).toEqual({ a: 'notice.close', id: 'D1' });

    // The liaison's private chat holds the same card; its form files the reply.
    const dmChat = 'oc_p2p_sandbox_ou_zhangli';
    const dm = await last(dmChat);
    const submit = buttonsOf(dm.html).find((b) => b.submit)!;
    const replied = await call('/api/card', { chat: dmChat, from: 'ou_zhangli', messageId: dm.messageId, value: submit.value, formValue: { reply: '已排查，发现隐患4处' } });
    expect(replied.toast.type).toBe('success');
    const office = await last('oc_xinhe_office');
    expect(seen(office.html)).toContain('督办单 D1 已回复');
    expect(seen(office.html)).toContain('已排查，发现隐患4处');
    const close = buttonsOf(office.html).find((b) => b.label === '办结')!;
    const closed = await call('/api/card', { chat: 'oc_xinhe_office', from: 'ou_chenbo', messageId: office.messageId, value: close.value });
    expect(closed.toast.type).toBe('success');
    const [d1] = await s.runtime.dbh.db.select().from(notices);
    expect(d1!.status).toBe('closed');
  });
});
