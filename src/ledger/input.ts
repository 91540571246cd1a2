// Reading the parts of a ledger command: task ids (T3), units, groups, scopes and deadlines. Each failure is a reply
// that says what was wrong: an unknown unit names it and lists candidates, a bad date shows the accepted forms.
import { distance } from 'fastest-levenshtein';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { tasks } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { parseDate } from '../core/dates.js';
import { parseQuarter, QUARTER_FORMS } from '../core/quarters.js';
import { findPhase, phasesOf } from './phases.js';
import { fold, splitList } from '../core/text.js';
import { matchGroup, matchScope, matchUnit, type Group, type Org, type Scope, type Unit } from '../org.js';
import { findTask, parseTaskRef, type Task } from './tasks.js';

export type Read<T> = { ok: true; value: T } | { ok: false; text: string };

type Say = Pick<Ctx, 't'>['t'];

export const DATE_FORMS = {
  zh: '2026-12-31、2026/12/31、12月31日、12-31、明天、下周五、月底、3天后',
  en: '2026-12-31, 2026/12/31, 12-31, tomorrow, next friday, end of month, in 3 days',
};

/** A task id at the start of the text and what follows it: "T3 已完成验收" → { seq: 3, rest: '已完成验收' }. */
export const taskRefArgs = z.object({ text: z.string() }).transform((v, c) => {
  // An id written with its T may be followed by a colon or comma as people type it (T3：…, T3，…), full-width or not;
  // a bare number only by a space (1、已完成 is a numbered line, T3、T5 a list: neither is one task).
  const m = /^\s*(?:([Tt#]\s*\d{1,7})(?=[\s:：,，;；]|$)[\s:：,，;；]*|(\d{1,7})(?=\s|$)\s*)([\s\S]*)$/.exec(v.text);
  const seq = m ? parseTaskRef(m[1] ?? m[2]!) : undefined;
  if (!m || seq === undefined) {
    c.addIssue({ code: 'custom', message: v.text ? `「${v.text.slice(0, 12)}」不是任务编号，编号形如 T3` : '请写明任务编号，如 T3' });
    return z.NEVER;
  }
  // T1，T2已完成 / T3 T5: one task at a time, never the first of a list
  if (/^[Tt#]\s*\d/.test(m[3]!.trim())) {
    c.addIssue({ code: 'custom', message: '一次只能写一个任务编号，请逐个发送' });
    return z.NEVER;
  }
  return { seq, rest: m[3]!.trim() };
});

/**
 * A task id, a date and a reason (任务 延期, 任务 申请延期): `messages` name what is missing in the command's words.
 * The date is read later (readDeadline), with the campaign's calendar.
 */
export function taskDateReasonArgs(messages: { due: string; dueEmpty: string; reason: string; reasonEmpty: string }) {
  return z
    .object({
      text: z.string(),
      due: z.string({ message: messages.due }).min(1, { message: messages.dueEmpty }),
      reason: z.string({ message: messages.reason }).min(1, { message: messages.reasonEmpty }),
    })
    .transform((v, c) => {
      const r = taskRefArgs.safeParse({ text: v.text });
      if (!r.success) {
        for (const i of r.error.issues) c.addIssue({ code: 'custom', message: i.message });
        return z.NEVER;
      }
      return { seq: r.data.seq, due: v.due, reason: v.reason };
    });
}

/**
 * A command that wants a task id got words instead (任务 进展 一户一册登记 本周新增登记85户): the tasks whose title the
 * words start with or name, as a question with the command written out with the id. Undefined when none is near.
 */
export async function taskHint(ctx: Pick<Ctx, 'db' | 'campaign' | 't'>, text: string, word: string, withRest = true): Promise<string | undefined> {
  const q = fold(text);
  if (!q) return undefined;
  const rows = await ctx.db.select({ seq: tasks.seq, title: tasks.title }).from(tasks).where(eq(tasks.campaignId, ctx.campaign.id));
  const token = fold(text.trim().split(/[\s:：,，]/, 1)[0] ?? '');
  const starts = rows.filter((r) => fold(r.title) && q.startsWith(fold(r.title)));
  const named = starts.length ? starts : token.length >= 2 ? rows.filter((r) => fold(r.title).includes(token)) : [];
  if (!named.length) return undefined;
  if (named.length === 1) {
    const t = named[0]!;
    const rest = starts.length ? text.trim().slice(t.title.length) : text.trim().slice(text.trim().split(/[\s:：,，]/, 1)[0]!.length);
    // (a command with named parts, 截止：… 原因：…, is written with … for them)
    const again = withRest ? `${word} T${t.seq} ${rest.replace(/^[\s:：,，]+/, '')}`.trim() : `${word} T${t.seq} …`;
    return ctx.t(`是不是指 T${t.seq}「${t.title}」？请写任务编号再发：${again}`, `Did you mean T${t.seq} "${t.title}"? Send it with the id: ${again}`);
  }
  const list = named.slice(0, 5).map((t) => `T${t.seq}「${t.title}」`).join('、');
  return ctx.t(`是不是指这些任务之一：${list}${named.length > 5 ? ' 等' : ''}？请写任务编号再发，如：${word} T${named[0]!.seq} …`, `Did you mean one of: ${list}? Send it with the id, e.g. ${word} T${named[0]!.seq} …`);
}

export async function loadTask(ctx: Pick<Ctx, 'db' | 'campaign'>, seq: number): Promise<Task | undefined> {
  return findTask(ctx.db, ctx.campaign.id, seq);
}

export function notFound(ctx: Pick<Ctx, 't'>, seq: number): { text: string } {
  return { text: ctx.t(`台账中没有 T${seq}。发送「任务 列表」查看全部任务。`, `There is no T${seq} in the ledger. Send "task list" to see the tasks.`) };
}

/** The names closest to what was typed, for "did you mean". */
function closest(names: string[], q: string, n = 6): string[] {
  const f = fold(q);
  return [...names]
    .map((name) => ({ name, d: fold(name).includes(f) || f.includes(fold(name)) ? 0 : distance(fold(name), f) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, n)
    .map((x) => x.name);
}

function unknown<T>(t: Say, what: { zh: string; en: string }, q: string, candidates: T[], all: T[], name: (x: T) => string): { ok: false; text: string } {
  if (candidates.length) {
    const list = candidates.map(name);
    return { ok: false, text: t(`「${q}」可能是多个${what.zh}：${list.join('、')}。请写全称。`, `"${q}" could be several ${what.en}s: ${list.join(', ')}. Please write the full name.`) };
  }
  const near = closest(all.map(name), q);
  return { ok: false, text: t(`没有找到${what.zh}「${q}」。您是不是指：${near.join('、')}？`, `No ${what.en} "${q}". Did you mean: ${near.join(', ')}?`) };
}

export function readUnit(org: Org, t: Say, q: string): Read<Unit> {
  const m = matchUnit(org, q);
  return m.ok ? { ok: true, value: m.value } : unknown(t, { zh: '单位', en: 'unit' }, q, m.candidates, org.units, (u) => u.name);
}

/** "大沽街道办事处、塘沽街" → units; the first unknown one is reported. */
export function readUnits(org: Org, t: Say, list: string | undefined): Read<Unit[]> {
  const out: Unit[] = [];
  for (const q of splitList(list ?? '')) {
    const r = readUnit(org, t, q);
    if (!r.ok) return r;
    if (!out.includes(r.value)) out.push(r.value);
  }
  return { ok: true, value: out };
}

export function readGroup(org: Org, t: Say, q: string): Read<Group> {
  const m = matchGroup(org, q);
  return m.ok ? { ok: true, value: m.value } : unknown(t, { zh: '工作组', en: 'group' }, q, m.candidates, org.groups, (g) => g.name);
}

/** A unit or a group, for list and overdue filters. */
export function readScope(org: Org, t: Say, q: string): Read<Scope> {
  const m = matchScope(org, q);
  if (m.ok) return { ok: true, value: m.value };
  const name = (s: Scope) => (s.kind === 'unit' ? s.unit.name : s.group.name);
  const all: Scope[] = [...org.groups.map((group) => ({ kind: 'group' as const, group })), ...org.units.map((unit) => ({ kind: 'unit' as const, unit }))];
  return unknown(t, { zh: '单位或工作组', en: 'unit or group' }, q, m.candidates, all, name);
}

export const scopeName = (s: Scope) => (s.kind === 'unit' ? s.unit.name : s.group.name);

/** A deadline as YYYY-MM-DD in the campaign's timezone. */
export function readDeadline(ctx: Pick<Ctx, 't' | 'clock' | 'campaign'>, q: string): Read<string> {
  const date = parseDate(q, ctx.clock.now(), ctx.campaign.timezone);
  if (date) return { ok: true, value: date };
  return { ok: false, text: ctx.t(`无法识别日期「${q}」。可用的写法：${DATE_FORMS.zh}`, `Cannot read the date "${q}". Accepted forms: ${DATE_FORMS.en}`) };
}

/** "第2页" / "page 2" anywhere in the text: the page and the text without it. */
export function readPage(text: string): { page: number; rest: string } {
  const m = /第\s*(\d+)\s*页|\bpage\s*(\d+)\b|\bp(\d+)\b/i.exec(text);
  if (!m) return { page: 1, rest: text.trim() };
  return { page: Math.max(1, Number(m[1] ?? m[2] ?? m[3])), rest: (text.slice(0, m.index) + text.slice(m.index + m[0].length)).trim() };
}

/** A phase of the plan by name; an unknown one is refused naming the phases (or saying the plan has none). */
export function readPhase(ctx: Pick<Ctx, 't' | 'campaign'>, q: string): Read<string> {
  const hit = findPhase(ctx.campaign, q);
  if (hit) return { ok: true, value: hit.name };
  const names = phasesOf(ctx.campaign).map((p) => p.name);
  return names.length
    ? { ok: false, text: ctx.t(`没有阶段「${q}」。本专项的工作阶段：${names.join('、')}`, `No phase "${q}". The phases are: ${names.join(', ')}`) }
    : { ok: false, text: ctx.t(`本专项的工作方案没有划分阶段（phases），不能写「阶段：${q}」。`, `This campaign's plan has no phases, so "phase:${q}" cannot be given.`) };
}

/** A quarter as 2026Q1 (from 2026Q1, 2026年第一季度, …). */
export function readQuarter(ctx: Pick<Ctx, 't'>, q: string): Read<string> {
  const quarter = parseQuarter(q);
  if (quarter) return { ok: true, value: quarter };
  return { ok: false, text: ctx.t(`无法识别季度「${q}」。可用的写法：${QUARTER_FORMS.zh}`, `Cannot read the quarter "${q}". Accepted forms: ${QUARTER_FORMS.en}`) };
}
