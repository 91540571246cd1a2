// Requests the office decides, continued: 销账审核 (plan ledger.writeoff_review) through the real path, the request
// card in the sandbox, and an English campaign.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskEvents, tasks } from '../db/schema.js';
import { configSchema } from '../src/config.js';
import { startServer } from '../src/server.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { OFFICE_CHAT, planWith, suite } from './support/requests.js';

describe('销账审核 (ledger.writeoff_review): a unit’s write-off waits for the office', () => {
  let h: Harness;
  let planDir = '';
  beforeAll(async () => {
    const p = planWith((yaml) => yaml.replace(/^ledger: .*$/m, "ledger: { yellow_within: 3, writeoff_review: true }"));
    planDir = p.dir;
    h = await startHarness({ now: '2026-11-27T01:00:00Z', plan: p.path });
  });
  afterAll(async () => {
    await h.close();
    rmSync(planDir, { recursive: true, force: true });
  });
  const s = suite(() => h);

  it('a unit’s 销账 is pending review: the task stays open and shows 待审核; the office approves and it is done, with who and when', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 销账 T${t.seq} 已全部整改` });
    expect(s.last()).toContain('已送办公室审核');
    expect((await s.task(t.seq)).status).toBe('open');
    expect(s.cardButtons().text).toContain(`销账审核 · T${t.seq}`);
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toContain('待审核');
    expect(JSON.stringify(h.fake.messagesIn(s.chat()).at(-1)!.content)).not.toContain('"a":"task.done"');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: '任务 列表 区公安局' });
    expect(s.last()).toContain('（待审核）');
    h.clock.set(new Date('2026-11-27T03:30:00Z'));
    expect((await s.click('ou_chenbo', s.cardButtons().approve)).type).toBe('success');
    const done = await s.task(t.seq);
    expect(done.status).toBe('done');
    expect(done.closedAt).toBe('2026-11-27T03:30:00.000Z');
    const [ev] = await s.db().select().from(taskEvents).where(and(eq(taskEvents.taskId, t.id), eq(taskEvents.kind, 'done'))).orderBy(desc(taskEvents.id));
    expect(ev!.note).toBe('已全部整改');
    expect(s.last('ou_zhangli')).toContain('审核同意，任务已销账');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toMatch(/11:30 陈波（区住房建设委） \*\*审核同意销账\*\*/);
  });

  it('rejected, the task stays open with the office’s note in its history', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 销账 T${t.seq} 已完成` });
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 审批 T${t.seq} 驳回 现场仍有堆放物` });
    expect((await s.task(t.seq)).status).toBe('open');
    expect(s.last('ou_zhangli')).toContain('现场仍有堆放物');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toContain('驳回销账申请');
    expect(s.last()).toContain('现场仍有堆放物');
    expect(s.last()).not.toContain('（销账待审核）');
  });

  it('a second write-off request while one waits is refused', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 查看 T${t.seq}` });
    expect(s.last()).toContain('申请销账');
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 销账 T${t.seq} 已完成` });
    await h.say({ from: 'ou_zhangli', chat: s.chat(), text: `任务 销账 T${t.seq} 已完成并复查` });
    expect(s.last()).toContain('已有一份销账申请');
    expect(await s.requests(t.id)).toHaveLength(1);
  });

  it('the office’s own 销账 is done at once', async () => {
    const t = await s.addTask();
    await h.say({ from: 'ou_chenbo', chat: s.chat(), text: `任务 销账 T${t.seq} 办公室核实完成` });
    expect((await s.task(t.seq)).status).toBe('done');
    expect(await s.requests(t.id)).toEqual([]);
  });
});

describe('the sandbox shows the request card', () => {
  it('a request sent in the sandbox appears in the office chat with 同意 and 驳回 drawn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-sandbox-req-'));
    const config = configSchema.parse({ PORT: '0', DATABASE_PATH: join(dir, 'duban.db'), LOG_LEVEL: 'silent' });
    const server = await startServer({ config, scheduler: false, sandboxStart: '2026-11-23T09:00:00+08:00' });
    try {
      const call = async (path: string, body?: unknown) => {
        const r = await fetch(`${server.url}/sandbox${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return (await r.json()) as any;
      };
      // T1 is led by 新河周转房办公室, whose liaison is 刘洋
      await call('/api/send', { from: 'ou_liuyang', chat: 'oc_xinhe_mopai', text: '任务 申请延期 T1 截止：2027-01-31 原因：部分住户外出' });
      const msgs = (await call(`/api/messages?chat=${encodeURIComponent(OFFICE_CHAT)}`)).messages as Array<{ html: string }>;
      const html = msgs.at(-1)!.html;
      expect(html).toContain('延期申请 · T1');
      expect(html).toMatch(/<button[^>]*>同意<\/button>/);
      expect(html).toMatch(/<button[^>]*>驳回<\/button>/);
      expect(html).toMatch(/<input type="text" name="note"/);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an English campaign', () => {
  let h: Harness;
  let dir = '';
  beforeAll(async () => {
    const p = planWith((yaml) => yaml.replace('locale: zh', 'locale: en'));
    dir = p.dir;
    h = await startHarness({ now: '2026-11-27T01:00:00Z', plan: p.path });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the office card, the decision and the asker’s notice speak English', async () => {
    const chat = 'oc_en_requests';
    await h.say({ from: 'ou_chenbo', chat, text: 'task add Clear the fire lane lead:区公安局 due:2026-12-20' });
    const [t] = await h.server.runtime.dbh.db.select().from(tasks).where(eq(tasks.title, 'Clear the fire lane'));
    await h.say({ from: 'ou_zhangli', chat, text: `task request-extension T${t!.seq} due:2026-12-31 reason:residents away` });
    const card = flatten(h.fake.messagesIn(OFFICE_CHAT).at(-1)!.content);
    expect(card).toContain(`Extension request · T${t!.seq}`);
    expect(card).toContain('Approve');
    expect(card).toContain('Reject');
    await h.say({ from: 'ou_chenbo', chat, text: `task decide T${t!.seq} reject finish the register first` });
    expect(flatten(h.fake.messagesIn('ou_zhangli').at(-1)!.content)).toContain('rejected: the deadline stays 2026-12-20');
  });
});
