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
}

async function storiesOf(dbh: DbHandle, campaignId: number): Promise<Map<number, Story>> {
  const events = await dbh.db.select().from(taskEvents).where(eq(taskEvents.campaignId, campaignId)).orderBy(asc(taskEvents.id));
  const out = new Map<number, Story>();
  for (const e of events) {
    let s = out.get(e.taskId);
    if (!s) out.set(e.taskId, (s = { extensions: [] }));
    if (e.kind === 'note') s.note = e;
    else if (e.kind === 'done') s.writeOff = e;
    // A deadline moved by 延期 or by an imported sheet is an extension either way.
    else if (e.fromDeadline && e.toDeadline && e.fromDeadline !== e.toDeadline) s.extensions.push(e);
  }
  return out;
}

/** The ledger rows under the headings, by short id, as of `now` (which items are 逾期). */
export async function ledgerSheet(dbh: DbHandle, campaign: Campaign, now: Date = systemClock.now()): Promise<Sheet> {
  const org = (await loadOrg(dbh.db, campaign.id))!;
  const [rows, stories, persons] = await Promise.all([
    allTasks(dbh.db, campaign.id),
    storiesOf(dbh, campaign.id),
    // every person who ever made a change, the ones no longer in the plan too
    dbh.db.select({ id: people.id, name: people.name }).from(people).where(and(eq(people.campaignId, campaign.id))),
  ]);
  const zone = campaign.timezone;
  const today = todayIn(campaign, now);
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
        s.note ? progressCell(s.note.note, dateIn(s.note.at, zone)) : '',
        extensionsCell(extensions),
        done && t.closedAt ? dateIn(t.closedAt, zone) : '',
        done ? (s.writeOff?.note ?? '') : '',
      ];
    }),
  ];
}

export async function exportLedger(dbh: DbHandle, opts: { campaignName?: string; format: 'xlsx' | 'csv'; now?: Date }): Promise<Buffer> {
  const campaign = await campaignByName(dbh, opts.campaignName);
  const sheet = await ledgerSheet(dbh, campaign, opts.now);
  return opts.format === 'csv' ? writeCsv(sheet) : writeXlsx(sheet, { sheetName: '台账', widths: WIDTHS });
}

/** The export's file name: 台账-<campaign>-<date in the campaign's timezone>.xlsx */
export function ledgerFileName(campaign: Pick<Campaign, 'name' | 'timezone'>, now: Date, format: 'xlsx' | 'csv' = 'xlsx'): string {
  return `台账-${campaign.name}-${DateTime.fromJSDate(now, { zone: campaign.timezone }).toISODate()}.${format}`;
}
