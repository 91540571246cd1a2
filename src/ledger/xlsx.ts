// The ledger as the office's spreadsheet (台账): export writes .xlsx or CSV with the columns of ./columns.ts, from the
// tasks and their history (逾期 for overdue open items, the latest progress note, every extension, the write-off).
// Import (./import.ts) reads the same columns back.
import { and, asc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DbHandle } from '../../db/client.js';
import { campaigns, people, taskEvents } from '../../db/schema.js';
import { systemClock } from '../core/clock.js';
import { loadOrg, type Campaign } from '../org.js';
import { dateIn, extensionsCell, HEADINGS, progressCell, STATUS_OUT, WIDTHS, type Extension } from './columns.js';
import { todayIn } from './overdue.js';
import { lightRule } from './light.js';
import { quarterName } from '../core/quarters.js';
import { writeCsv, writeXlsx, type Sheet } from './sheet.js';
import { allTasks, taskCode, type Task, type TaskEvent } from './tasks.js';

export { HEADINGS } from './columns.js';
export { importLedger, type ImportProblem, type ImportResult } from './import.js';

export async function campaignByName(dbh: DbHandle, name?: string): Promise<Campaign> {
  const all = await dbh.db.select().from(campaigns);
  const found = name === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((c) => c.name === name);
  if (!found) {
    const names = all.map((c) => c.name).join('、') || '（无）';
    throw new Error(name === undefined ? `请指定专项工作 (--campaign)：${names}` : `没有专项工作「${name}」。现有：${names}`);
  }
  return found;
}

/** What a task's history says for the sheet: the latest note, the extensions, the latest write-off. */
interface Story {
  note?: TaskEvent;
  extensions: TaskEvent[];
  writeOff?: TaskEvent;
  /** extended by 延期 at least once (the 🟡 light); an imported deadline change is not an extension granted */
  extended?: boolean;
}

const LIGHT_CELL = { green: '🟢 绿灯', yellow: '🟡 黄灯', red: '🔴 红灯' } as const;

async function storiesOf(dbh: DbHandle, campaignId: number): Promise<Map<number, Story>> {
  const events = await dbh.db.select().from(taskEvents).where(eq(taskEvents.campaignId, campaignId)).orderBy(asc(taskEvents.id));
  const out = new Map<number, Story>();
  for (const e of events) {
    let s = out.get(e.taskId);
    if (!s) out.set(e.taskId, (s = { extensions: [] }));
    if (e.kind === 'extend') s.extended = true;
    if (e.kind === 'note') s.note = e;
    else if (e.kind === 'done') s.writeOff = e;
    // A deadline moved by 延期 or by an imported sheet is an extension either way.
    else if (e.fromDeadline && e.toDeadline && e.fromDeadline !== e.toDeadline) s.extensions.push(e);
  }
  return out;
}

/** What an export takes besides the campaign: the quarter's task list only (2026Q1). */
export interface LedgerFilter {
  quarter?: string;
}

/** The ledger rows under the headings, by short id, as of `now` (which items are 逾期, and each item's light). */
export async function ledgerSheet(dbh: DbHandle, campaign: Campaign, now: Date = systemClock.now(), filter: LedgerFilter = {}): Promise<Sheet> {
  const org = (await loadOrg(dbh.db, campaign.id))!;
  const [all, stories, persons] = await Promise.all([
    allTasks(dbh.db, campaign.id),
    storiesOf(dbh, campaign.id),
    // every person who ever made a change, the ones no longer in the plan too
    dbh.db.select({ id: people.id, name: people.name }).from(people).where(and(eq(people.campaignId, campaign.id))),
  ]);
  const rows = filter.quarter ? all.filter((t) => t.quarter === filter.quarter) : all;
  const zone = campaign.timezone;
  const today = todayIn(campaign, now);
  const rule = lightRule(campaign, now);
  const light = (t: Task) => {
    const l = rule.of(t, (stories.get(t.id)?.extended ?? false));
    return l ? LIGHT_CELL[l] : '';
  };
  const unit = (id: number) => org.unit(id)?.name ?? '';
  const who = (id: number | null) => persons.find((p) => p.id === id)?.name ?? '';
  const status = (t: Task) => (t.status === 'open' ? (t.deadline < today ? STATUS_OUT.overdue : STATUS_OUT.open) : STATUS_OUT[t.status]);
  return [
    [...HEADINGS],
    ...rows.map((t, i) => {
      const s = stories.get(t.id) ?? { extensions: [] };
      const extensions: Extension[] = s.extensions.map((e) => ({ from: e.fromDeadline!, to: e.toDeadline!, reason: e.note, who: who(e.byPersonId), date: dateIn(e.at, zone) }));
      const done = t.status === 'done';
      return [
        String(i + 1),
        taskCode(t),
        t.title,
        t.target,
        unit(t.leadUnitId),
        t.cooperatingUnitIds.map(unit).join('、'),
        org.group(t.groupId)?.name ?? '',
        t.deadline,
        status(t),
        light(t),
        s.note ? progressCell(s.note.note, dateIn(s.note.at, zone)) : '',
        extensionsCell(extensions),
        done && t.closedAt ? dateIn(t.closedAt, zone) : '',
        done ? (s.writeOff?.note ?? '') : '',
        t.phase ?? '',
        t.quarter ? quarterName(t.quarter, 'zh') : '',
      ];
    }),
  ];
}

export async function exportLedger(dbh: DbHandle, opts: { campaignName?: string; format: 'xlsx' | 'csv'; now?: Date } & LedgerFilter): Promise<Buffer> {
  const campaign = await campaignByName(dbh, opts.campaignName);
  const sheet = await ledgerSheet(dbh, campaign, opts.now, { quarter: opts.quarter });
  return opts.format === 'csv' ? writeCsv(sheet) : writeXlsx(sheet, { sheetName: '台账', widths: WIDTHS });
}

/** The export's file name: 台账-<campaign>[-2026Q1]-<date in the campaign's timezone>.xlsx */
export function ledgerFileName(campaign: Pick<Campaign, 'name' | 'timezone'>, now: Date, format: 'xlsx' | 'csv' = 'xlsx', quarter?: string): string {
  return `台账-${campaign.name}${quarter ? `-${quarter}` : ''}-${DateTime.fromJSDate(now, { zone: campaign.timezone }).toISODate()}.${format}`;
}
