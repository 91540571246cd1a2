// Reads a ledger sheet (an export, or an office's own sheet with the same headings) into a campaign: every row is
// checked first and everything is written in one atomic step, or nothing. Rows with a known 编号 (or, without one, the
// same title and lead unit) update that item; the others are added with their history (progress, extensions).
import { and, eq, sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client.js';
import { campaigns, people, taskEvents, tasks, type TaskStatus } from '../../db/schema.js';
import { systemClock } from '../core/clock.js';
import { parseDate } from '../core/dates.js';
import { LIMITS } from '../core/limits.js';
import { fold, splitList } from '../core/text.js';
import { loadOrg, type Org } from '../org.js';
import { ALIASES, HEADINGS, instantOf, readExtensions, readProgress, REQUIRED, STATUS_IN, type Heading } from './columns.js';
import { DATE_FORMS, readGroup, readUnit } from './input.js';
import { columnLetter, readSheet, type Sheet } from './sheet.js';
import { takenNumber } from './counters.js';
import { findPhase, phasesOf } from './phases.js';
import { parseQuarter, QUARTER_FORMS } from '../core/quarters.js';
import { addTaskStatements, allTasks, changeStatements, parseTaskRef, taskIdOf, type NewTask, type Task } from './tasks.js';

export interface ImportProblem {
  row: number;
  column: string;
  message: string;
}
export type ImportResult = { ok: true; added: number; updated: number } | { ok: false; problems: ImportProblem[] };

interface RowIn {
  row: number;
  seq?: number;
  task: NewTask & { status: TaskStatus };
  /** 销账说明 */
  note: string;
  /** 销账日期, YYYY-MM-DD */
  closedOn?: string;
  progress: string;
  extensions: string;
  /** 阶段 and 季度, undefined when the sheet has no such column (an office's own sheet): then they are left alone */
  phase?: string | null;
  quarter?: string | null;
}

const zh = (a: string) => a;

/** Checks every row; answers the rows to write, or every problem with its row and column. */
function checkRows(sheet: Sheet, org: Org, now: Date): { rows: RowIn[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const head = sheet[0] ?? [];
  const col = new Map<Heading, number>();
  head.forEach((h, i) => {
    const f = fold(h);
    const hit = HEADINGS.find((k) => ALIASES[k].some((a) => fold(a) === f));
    if (hit && !col.has(hit)) col.set(hit, i);
  });
  for (const k of REQUIRED) if (!col.has(k)) problems.push({ row: 1, column: k, message: `第1行缺少「${k}」列。表头应为：${HEADINGS.join('、')}` });
  if (problems.length) return { rows: [], problems };

  const rows: RowIn[] = [];
  const seen = new Map<number, number>();
  const zone = org.campaign.timezone;
  for (let r = 1; r < sheet.length; r++) {
    const cells = sheet[r] ?? [];
    const get = (k: Heading) => (col.has(k) ? (cells[col.get(k)!] ?? '').trim() : '');
    if (HEADINGS.every((k) => k === '序号' || !get(k))) continue; // a blank line
    const row = r + 1;
    const bad = (k: Heading, message: string) => problems.push({ row, column: k, message: `第${row}行「${k}」（${columnLetter(col.get(k) ?? 0)}${row}）：${message}` });
    const title = get('重点工作事项');
    if (!title) bad('重点工作事项', '不能为空');
    else if ([...title].length > LIMITS.title) bad('重点工作事项', `最多 ${LIMITS.title} 字，这里有 ${[...title].length.toLocaleString('en-US')} 字（与聊天中新增任务的限制相同）`);
    const longTarget = [...get('具体任务目标')].length;
    if (longTarget > LIMITS.note) bad('具体任务目标', `最多 ${LIMITS.note.toLocaleString('en-US')} 字，这里有 ${longTarget.toLocaleString('en-US')} 字`);
    let seq: number | undefined;
    if (get('编号')) {
      seq = parseTaskRef(get('编号'));
      if (seq === undefined) bad('编号', `「${get('编号')}」不是任务编号，应形如 T12，或留空由系统编号`);
      else if (seen.has(seq)) bad('编号', `T${seq} 与第${seen.get(seq)}行重复`);
      else seen.set(seq, row);
    }
    const lead = get('主责部门') ? readUnit(org, zh, get('主责部门')) : undefined;
    if (!lead) bad('主责部门', '不能为空');
    else if (!lead.ok) bad('主责部门', lead.text);
    const coop: number[] = [];
    for (const name of splitList(get('配合部门'))) {
      const u = readUnit(org, zh, name);
      if (u.ok) coop.push(u.value.id);
      else bad('配合部门', u.text);
    }
    const group = get('协调推动组') ? readGroup(org, zh, get('协调推动组')) : undefined;
    if (group && !group.ok) bad('协调推动组', group.text);
    const deadline = get('完成时限') ? parseDate(get('完成时限'), now, zone) : undefined;
    if (!deadline) bad('完成时限', get('完成时限') ? `无法识别日期「${get('完成时限')}」，可用写法：${DATE_FORMS.zh}` : '不能为空');
    const status = STATUS_IN[fold(get('状态'))];
    if (!status) bad('状态', `「${get('状态')}」应为 进行中、逾期、已销账 或 已取消`);
    const closedOn = get('销账日期') ? parseDate(get('销账日期'), now, zone) : undefined;
    if (get('销账日期') && !closedOn) bad('销账日期', `无法识别日期「${get('销账日期')}」，可用写法：${DATE_FORMS.zh}`);
    const phase = col.has('阶段') ? (get('阶段') ? findPhase(org.campaign, get('阶段'))?.name : null) : undefined;
    if (phase === undefined && get('阶段')) bad('阶段', `没有阶段「${get('阶段')}」。${phasesOf(org.campaign).length ? `本专项的工作阶段：${phasesOf(org.campaign).map((p) => p.name).join('、')}` : '本专项的工作方案没有划分阶段'}`);
    const quarter = col.has('季度') ? (get('季度') ? parseQuarter(get('季度')) : null) : undefined;
    if (quarter === undefined && get('季度')) bad('季度', `无法识别季度「${get('季度')}」，可用写法：${QUARTER_FORMS.zh}`);
    if (title && lead?.ok && deadline && status && (!group || group.ok) && (closedOn || !get('销账日期')) && (phase !== undefined || !get('阶段')) && (quarter !== undefined || !get('季度'))) {
      rows.push({
        row,
        seq,
        note: get('销账说明'),
        closedOn: closedOn ?? undefined,
        progress: get('最新进展'),
        extensions: get('延期记录'),
        phase,
        quarter,
        task: { title, target: get('具体任务目标'), leadUnitId: lead.value.id, cooperatingUnitIds: coop, groupId: group?.ok ? group.value.id : null, deadline, status, source: 'import', seq, phase, quarter },
      });
    }
  }
  return { rows, problems };
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const key = (title: string, lead: number) => JSON.stringify([title, lead]);

/** Reads an exported (or hand-made) ledger into a campaign. Nothing is written when any row has a problem. */
export async function importLedger(dbh: DbHandle, campaignName: string, bytes: Buffer, opts: { now?: Date; by?: number | null } = {}): Promise<ImportResult> {
  const now = opts.now ?? systemClock.now();
  const all = await dbh.db.select().from(campaigns).where(eq(campaigns.name, campaignName));
  if (!all[0]) return { ok: false, problems: [{ row: 0, column: '', message: `没有专项工作「${campaignName}」` }] };
  const org = (await loadOrg(dbh.db, all[0].id))!;
  const zone = org.campaign.timezone;
  let sheet: Sheet;
  try {
    sheet = await readSheet(bytes);
  } catch (e) {
    return { ok: false, problems: [{ row: 0, column: '', message: `无法读取文件：${(e as Error).message}` }] };
  }
  const { rows, problems } = checkRows(sheet, org, now);
  if (problems.length) return { ok: false, problems };

  const cid = org.campaign.id;
  const existing = await allTasks(dbh.db, cid);
  const latestNotes = await latestNoteOf(dbh, cid);
  const persons = await dbh.db.select({ id: people.id, name: people.name }).from(people).where(eq(people.campaignId, cid));
  const bySeq = new Map(existing.map((t) => [t.seq, t]));
  // Without 编号 a row is the item of the same title and lead unit (one task may be given to several units), when
  // there is exactly one such item; the same deadline settles it when there are several.
  const byKey = new Map<string, Task[]>();
  for (const t of existing) byKey.set(key(t.title, t.leadUnitId), [...(byKey.get(key(t.title, t.leadUnitId)) ?? []), t]);
  const matchOf = (r: RowIn): Task | undefined => {
    if (r.seq !== undefined) return bySeq.get(r.seq);
    const list = byKey.get(key(r.task.title, r.task.leadUnitId)) ?? [];
    return list.length === 1 ? list[0] : list.find((t) => t.deadline === r.task.deadline);
  };
  const c = { by: opts.by ?? null, at: now };
  const updates: Array<{ run(): unknown }> = [];
  const adds: RowIn[] = [];
  let updated = 0;
  for (const r of rows) {
    const old = matchOf(r);
    if (!old) {
      adds.push(r);
      continue;
    }
    const t = r.task;
    const set: Partial<Task> = {};
    const changed: string[] = [];
    if (old.title !== t.title) (set.title = t.title), changed.push('重点工作事项');
    if (old.target !== (t.target ?? '')) (set.target = t.target ?? ''), changed.push('具体任务目标');
    if (old.leadUnitId !== t.leadUnitId) (set.leadUnitId = t.leadUnitId), changed.push('主责部门');
    if (!same(old.cooperatingUnitIds, t.cooperatingUnitIds ?? [])) (set.cooperatingUnitIds = t.cooperatingUnitIds ?? []), changed.push('配合部门');
    if (old.groupId !== (t.groupId ?? null)) (set.groupId = t.groupId ?? null), changed.push('协调推动组');
    if (old.deadline !== t.deadline) (set.deadline = t.deadline), changed.push('完成时限');
    if (r.phase !== undefined && old.phase !== r.phase) (set.phase = r.phase), changed.push('阶段');
    if (r.quarter !== undefined && old.quarter !== r.quarter) (set.quarter = r.quarter), changed.push('季度');
    if (changed.length) {
      updates.push(...changeStatements(dbh, old, set, { kind: 'import', note: `导入台账更新：${changed.join('、')}`, fromDeadline: set.deadline ? old.deadline : null, toDeadline: set.deadline ?? null }, c));
    }
    // A progress note written into the sheet joins the history; the one already there is not added twice.
    const progress = readProgress(r.progress);
    const noted = progress.note && progress.note !== latestNotes.get(old.id);
    if (noted) updates.push(...changeStatements(dbh, old, undefined, { kind: 'note', note: progress.note }, c));
    if (old.status !== t.status) {
      const closedAt = r.closedOn ? instantOf(r.closedOn, zone).toISOString() : now.toISOString();
      const closing = t.status === 'open' ? { status: t.status, closedAt: null } : { status: t.status, closedAt };
      const kind = t.status === 'done' ? 'done' : t.status === 'cancelled' ? 'cancel' : 'reopen';
      updates.push(...changeStatements(dbh, old, closing, { kind, note: t.status === 'done' ? r.note : '台账导入' }, c));
    }
    if (changed.length || noted || old.status !== t.status) updated++;
  }
  // Rows that keep their 编号 go first, so a number handed out to a row without one can never collide with them.
  const taken = new Set(existing.map((t) => t.seq));
  const explicit = adds.filter((r) => r.seq !== undefined && !taken.has(r.seq));
  const auto = adds.filter((r) => !explicit.includes(r)).map((r) => ({ ...r, task: { ...r.task, seq: undefined } }));
  const inserts = [...explicit, ...auto].flatMap((r) => [...addTaskStatements(dbh, cid, r.task, c, { created: '台账导入', closed: r.note }), ...historyStatements(dbh, cid, r, persons, zone, now)]);
  await dbh.atomic([...updates, ...inserts]);
  return { ok: true, added: adds.length, updated };
}

/** The latest progress note of each task. */
async function latestNoteOf(dbh: DbHandle, cid: number): Promise<Map<number, string>> {
  const rows = await dbh.db.select({ taskId: taskEvents.taskId, note: taskEvents.note }).from(taskEvents).where(and(eq(taskEvents.campaignId, cid), eq(taskEvents.kind, 'note'))).orderBy(taskEvents.id);
  return new Map(rows.map((r) => [r.taskId, r.note]));
}

/** A new row's history from its cells: each extension, the latest progress note, the write-off date. */
function historyStatements(dbh: DbHandle, cid: number, r: RowIn, persons: Array<{ id: number; name: string }>, zone: string, now: Date): Array<{ run(): unknown }> {
  // Right after the insert, inside the same atomic step: the row's own number, or the number the counter just gave it.
  const taskId = taskIdOf(cid, r.task.seq ?? takenNumber(cid, 'T'));
  const event = (e: { kind: string; note: string; at: Date; by?: number | null; from?: string; to?: string }) =>
    dbh.db.insert(taskEvents).values({ campaignId: cid, taskId, kind: e.kind, byPersonId: e.by ?? null, at: e.at.toISOString(), note: e.note, fromDeadline: e.from ?? null, toDeadline: e.to ?? null });
  const out: Array<{ run(): unknown }> = [];
  for (const x of readExtensions(r.extensions)) {
    if (typeof x === 'string') {
      out.push(event({ kind: 'import', note: `延期记录：${x}`, at: now }));
      continue;
    }
    const by = persons.find((p) => p.name === x.who)?.id ?? null;
    out.push(event({ kind: 'extend', note: by || !x.who ? x.reason : `${x.reason}（${x.who}）`, at: instantOf(x.date, zone), by, from: x.from, to: x.to }));
  }
  const progress = readProgress(r.progress);
  if (progress.note) out.push(event({ kind: 'note', note: progress.note, at: progress.date ? instantOf(progress.date, zone) : now }));
  if (r.task.status === 'done' && r.closedOn) out.push(dbh.db.update(tasks).set({ closedAt: instantOf(r.closedOn, zone).toISOString() }).where(sql`${tasks.id} = ${taskId}`));
  return out;
}
