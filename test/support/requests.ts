// Shared steps of the request tests (申请延期, 销账审核): a task led by 区公安局, card clicks, the office card's buttons.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeEach, expect } from 'vitest';
import { taskRequests, tasks } from '../../db/schema.js';
import { examplePlan } from '../../src/runtime.js';
import { flatten, type Harness } from './harness.js';
import { fixture } from './lark-events.js';

export const OFFICE_CHAT = 'oc_xinhe_office';

/** The reference plan with one change (e.g. the ledger line set to `writeoff_review: true`, or the locale), in a temp dir. */
export function planWith(change: (yaml: string) => string): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'duban-req-plan-'));
  const path = join(dir, 'plan.yaml');
  writeFileSync(path, change(readFileSync(examplePlan, 'utf8')));
  return { path, dir };
}

/** Per-test chat, the ledger rows, a task led by 区公安局, card clicks and the office card's buttons, for one harness. */
export function suite(h: () => Harness) {
  let n = 0;
  let chat = '';
  beforeEach(() => {
    chat = `oc_req_${Math.random().toString(36).slice(2, 8)}_${++n}`;
  });
  const db = () => h().server.runtime.dbh.db;
  const last = (where = chat) => flatten(h().fake.messagesIn(where).at(-1)?.content ?? '');
  /** The decisions told to the asker in `where` (a chat, or an open_id for privately), as sent: the @ included. */
  const told = (where = chat) =>
    h()
      .fake.messagesIn(where)
      .map((m) => String((m.content as { text?: unknown }).text ?? ''))
      .filter((t) => /您提交的|^(?:<at [^>]*>[^<]*<\/at> )?Your /.test(t));
  const task = async (seq: number) => (await db().select().from(tasks).where(eq(tasks.seq, seq)))[0]!;
  const requests = async (taskId: number) => db().select().from(taskRequests).where(eq(taskRequests.taskId, taskId)).orderBy(taskRequests.id);

  /** The office adds a task led by 区公安局 (张丽 is its liaison), due 2026-12-20. */
  async function addTask(title = `整治消防通道${++n}`, due = '2026-12-20') {
    await h().say({ from: 'ou_chenbo', chat, text: `任务 新增 ${title} 牵头：区公安局 截止：${due}` });
    const [row] = await db().select().from(tasks).where(eq(tasks.title, title));
    expect(row, last()).toBeDefined();
    return row!;
  }

  async function click(from: string, value: Record<string, string>, formValue?: Record<string, string>, where = OFFICE_CHAT) {
    const ev = fixture('card.action.trigger');
    ev.header.event_id = `ev_req_${Math.random().toString(36).slice(2)}`;
    ev.event.operator.open_id = from;
    ev.event.action.value = value;
    if (formValue) ev.event.action.form_value = formValue;
    ev.event.context.open_chat_id = where;
    const res = await h().post(ev, { path: '/lark/cards' });
    const body = (await res.json()) as { toast: { type: string; content: string } };
    await h().settle();
    return body.toast;
  }

  /** The 同意 / 驳回 button values of the newest request card in the office chat. */
  function cardButtons() {
    const m = h().fake.messagesIn(OFFICE_CHAT).filter((x) => x.msg_type === 'interactive').at(-1)!;
    const found: Array<{ a: string; [k: string]: string }> = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.tag === 'button' && Array.isArray(o.behaviors)) found.push((o.behaviors as Array<{ value: { a: string } }>)[0]!.value as never);
        Object.values(o).forEach(walk);
      }
    };
    walk(m.content);
    return { approve: found.find((b) => b.a === 'request.approve')!, reject: found.find((b) => b.a === 'request.reject')!, text: flatten(m.content) };
  }

  return { db, last, told, task, requests, addTask, click, cardButtons, chat: () => chat };
}
