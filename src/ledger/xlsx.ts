// The ledger as the office's spreadsheet (台账), with the quarterly task list's headings (seeds/001: 重点工作事项、
// 具体任务目标、主责部门、配合部门、协调推动组、完成时限) plus the write-off columns (seeds/004: 销账). Export writes
// .xlsx or CSV; import reads either, checks every row first and writes all of it in one atomic step or nothing.
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DbHandle } from '../../db/client.js';
import { campaigns, type TaskStatus } from '../../db/schema.js';
import { systemClock } from '../core/clock.js';
import { parseDate } from '../core/dates.js';
import { fold, splitList } from '../core/text.js';
import { loadOrg, type Campaign, type Org } from '../org.js';
import { DATE_FORMS, readGroup, readUnit } from './input.js';
import { columnLetter, readSheet, writeCsv, writeXlsx, type Sheet } from './sheet.js';
import { addTaskStatements, allTasks, changeStatements, parseTaskRef, taskCode, writeOffNotes, type NewTask, type Task } from './tasks.js';

export const HEADINGS = ['序号', '编号', '重点工作事项', '具体任务目标', '主责部门', '配合部门', '协调推动组', '完成时限', '状态', '销账说明'] as const;
type Heading = (typeof HEADINGS)[number];

/** Other names offices give the same columns in their own sheets. */
const ALIASES: Record<Heading, string[]> = {
  序号: ['序号', 'no'],
  编号: ['编号', '任务编号', 'id'],
  重点工作事项: ['重点工作事项', '工作事项', '任务名称', '任务', 'title'],
  具体任务目标: ['具体任务目标', '任务目标', '目标', 'target'],
  主责部门: ['主责部门', '主责单位', '牵头单位', '牵头部门', 'lead'],
  配合部门: ['配合部门', '配合单位', 'cooperating', 'with'],
  协调推动组: ['协调推动组', '相关协调推动组', '工作组', 'group'],
  完成时限: ['完成时限', '工作完成时限', '截止日期', '截止时间', 'deadline', 'due'],
  状态: ['状态', 'status'],
  销账说明: ['销账说明', '销账情况', '说明', 'note'],
};
const REQUIRED: Heading[] = ['重点工作事项', '主责部门', '完成时限'];

const STATUS_OUT: Record<TaskStatus, string> = { open: '进行中', done: '已销账', cancelled: '已取消' };
const STATUS_IN: Record<string, TaskStatus> = {
  '': 'open', 进行中: 'open', 未完成: 'open', 在办: 'open', open: 'open',
  已销账: 'done', 销账: 'done', 已完成: 'done', 完成: 'done', done: 'done',
  已取消: 'cancelled', 取消: 'cancelled', cancelled: 'cancelled', canceled: 'cancelled',
};

export interface ImportProblem {
  row: number;
  column: string;
  message: string;
}
export type ImportResult = { ok: true; added: number; updated: number } | { ok: false; problems: ImportProblem[] };

async function campaignByName(dbh: DbHandle, name?: string): Promise<Campaign> {
  const all = await dbh.db.select().from(campaigns);
  const found = name === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((c) => c.name === name);
  if (!found) {
    const names = all.map((c) => c.name).join('、') || '（无）';
    throw new Error(name === undefined ? `请指定专项工作 (--campaign)：${names}` : `没有专项工作「${name}」。现有：${names}`);
  }
  return found;
}

/** The ledger rows under the headings, by short id. */
export async function ledgerSheet(dbh: DbHandle, campaign: Campaign): Promise<Sheet> {
  const org = (await loadOrg(dbh.db, campaign.id))!;
  const [rows, notes] = await Promise.all([allTasks(dbh.db, campaign.id), writeOffNotes(dbh.db, campaign.id)]);
  const unit = (id: number) => org.unit(id)?.name ?? '';
  return [
    [...HEADINGS],
    ...rows.map((t, i) => [
      String(i + 1),
      taskCode(t),
      t.title,
      t.target,
      unit(t.leadUnitId),
      t.cooperatingUnitIds.map(unit).join('、'),
      org.group(t.groupId)?.name ?? '',
      t.deadline,
      STATUS_OUT[t.status],
      t.status === 'done' ? (notes.get(t.id) ?? '') : '',
    ]),
  ];
}

export async function exportLedger(dbh: DbHandle, opts: { campaignName?: string; format: 'xlsx' | 'csv' }): Promise<Buffer> {
  const campaign = await campaignByName(dbh, opts.campaignName);
  const sheet = await ledgerSheet(dbh, campaign);
  return opts.format === 'csv' ? writeCsv(sheet) : writeXlsx(sheet, { sheetName: '台账', widths: [6, 8, 36, 36, 18, 30, 14, 12, 8, 30] });
}

/** The export's file name: 台账-<campaign>-<date in the campaign's timezone>.xlsx */
export function ledgerFileName(campaign: Pick<Campaign, 'name' | 'timezone'>, now: Date, format: 'xlsx' | 'csv' = 'xlsx'): string {
  return `台账-${campaign.name}-${DateTime.fromJSDate(now, { zone: campaign.timezone }).toISODate()}.${format}`;
}

interface RowIn {
  row: number;
  seq?: number;
  task: NewTask & { status: TaskStatus };
  note: string;
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
  for (let r = 1; r < sheet.length; r++) {
    const cells = sheet[r] ?? [];
    const get = (k: Heading) => (col.has(k) ? (cells[col.get(k)!] ?? '').trim() : '');
    if (HEADINGS.every((k) => k === '序号' || !get(k))) continue; // a blank line
    const row = r + 1;
    const bad = (k: Heading, message: string) => problems.push({ row, column: k, message: `第${row}行「${k}」（${columnLetter(col.get(k) ?? 0)}${row}）：${message}` });
    const title = get('重点工作事项');
    if (!title) bad('重点工作事项', '不能为空');
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
    const deadline = get('完成时限') ? parseDate(get('完成时限'), now, org.campaign.timezone) : undefined;
    if (!deadline) bad('完成时限', get('完成时限') ? `无法识别日期「${get('完成时限')}」，可用写法：${DATE_FORMS.zh}` : '不能为空');
    const status = STATUS_IN[fold(get('状态'))];
    if (!status) bad('状态', `「${get('状态')}」应为 进行中、已销账 或 已取消`);
    if (title && lead?.ok && deadline && status && (!group || group.ok)) {
      rows.push({
        row,
        seq,
        note: get('销账说明'),
        task: { title, target: get('具体任务目标'), leadUnitId: lead.value.id, cooperatingUnitIds: coop, groupId: group?.ok ? group.value.id : null, deadline, status, source: 'import', seq },
      });
    }
  }
  return { rows, problems };
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Reads an exported (or hand-made) ledger into a campaign: rows with a known 编号 (or, without one, a known title)
 * update that item; others are added, keeping their 编号. Nothing is written when any row has a problem. */
export async function importLedger(dbh: DbHandle, campaignName: string, bytes: Buffer, opts: { now?: Date; by?: number | null } = {}): Promise<ImportResult> {
  const now = opts.now ?? systemClock.now();
  const all = await dbh.db.select().from(campaigns).where(eq(campaigns.name, campaignName));
  if (!all[0]) return { ok: false, problems: [{ row: 0, column: '', message: `没有专项工作「${campaignName}」` }] };
  const org = (await loadOrg(dbh.db, all[0].id))!;
  let sheet: Sheet;
  try {
    sheet = await readSheet(bytes);
  } catch (e) {
    return { ok: false, problems: [{ row: 0, column: '', message: `无法读取文件：${(e as Error).message}` }] };
  }
  const { rows, problems } = checkRows(sheet, org, now);
  if (problems.length) return { ok: false, problems };

  const existing = await allTasks(dbh.db, org.campaign.id);
  const bySeq = new Map(existing.map((t) => [t.seq, t]));
  const byTitle = new Map(existing.map((t) => [t.title, t]));
  const c = { by: opts.by ?? null, at: now };
  const updates: Array<{ run(): unknown }> = [];
  const adds: RowIn[] = [];
  let updated = 0;
  for (const r of rows) {
    const old: Task | undefined = r.seq !== undefined ? bySeq.get(r.seq) : byTitle.get(r.task.title);
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
    if (changed.length) {
      updates.push(...changeStatements(dbh, old, set, { kind: 'import', note: `导入台账更新：${changed.join('、')}`, fromDeadline: set.deadline ? old.deadline : null, toDeadline: set.deadline ?? null }, c));
    }
    if (old.status !== t.status) {
      const closing = t.status === 'open' ? { status: t.status, closedAt: null } : { status: t.status, closedAt: now.toISOString() };
      const kind = t.status === 'done' ? 'done' : t.status === 'cancelled' ? 'cancel' : 'reopen';
      updates.push(...changeStatements(dbh, old, closing, { kind, note: t.status === 'done' ? r.note : '台账导入' }, c));
    }
    if (changed.length || old.status !== t.status) updated++;
  }
  // Rows that keep their 编号 go first, so a number handed out to a row without one can never collide with them.
  const taken = new Set(existing.map((t) => t.seq));
  const explicit = adds.filter((r) => r.seq !== undefined && !taken.has(r.seq));
  const auto = adds.filter((r) => !explicit.includes(r)).map((r) => ({ ...r, task: { ...r.task, seq: undefined } }));
  const inserts = [...explicit, ...auto].flatMap((r) => addTaskStatements(dbh, org.campaign.id, r.task, c, { created: '台账导入', closed: r.note }));
  await dbh.atomic([...updates, ...inserts]);
  return { ok: true, added: adds.length, updated };
}
