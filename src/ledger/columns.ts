// The ledger spreadsheet's columns (台账): the quarterly task list's headings (seeds/001: 重点工作事项、具体任务目标、
// 主责部门、配合部门、协调推动组、完成时限), the state with 逾期 for overdue items, and what the history says an office
// asks for: the latest progress note, every extension (old → new deadline, reason, who) and the write-off (销账,
// seeds/004) date and note. Export writes these cells; import reads the same cells back.
import { DateTime } from 'luxon';
import type { TaskStatus } from '../../db/schema.js';

// 预警 is the light (红黄绿灯, src/ledger/light.ts): computed, like 逾期 in 状态, so import reads past it. 阶段 and 季度
// are the plan's phase and the quarter's task list (2026年第一季度).
export const HEADINGS = ['序号', '编号', '重点工作事项', '具体任务目标', '主责部门', '配合部门', '协调推动组', '完成时限', '状态', '预警', '最新进展', '延期记录', '销账日期', '销账说明', '阶段', '季度'] as const;
export type Heading = (typeof HEADINGS)[number];

/** Column widths in characters, in heading order. */
export const WIDTHS = [6, 8, 36, 36, 18, 30, 14, 12, 8, 8, 36, 44, 12, 30, 12, 14];

/** Other names offices give the same columns in their own sheets. */
export const ALIASES: Record<Heading, string[]> = {
  序号: ['序号', 'no'],
  编号: ['编号', '任务编号', 'id'],
  重点工作事项: ['重点工作事项', '工作事项', '任务名称', '任务', 'title'],
  具体任务目标: ['具体任务目标', '任务目标', '目标', 'target'],
  主责部门: ['主责部门', '主责单位', '牵头单位', '牵头部门', 'lead'],
  配合部门: ['配合部门', '配合单位', 'cooperating', 'with'],
  协调推动组: ['协调推动组', '相关协调推动组', '工作组', 'group'],
  完成时限: ['完成时限', '工作完成时限', '截止日期', '截止时间', 'deadline', 'due'],
  状态: ['状态', 'status'],
  预警: ['预警', '红黄绿灯', '预警灯', 'light'],
  最新进展: ['最新进展', '进展情况', '进展', 'progress'],
  延期记录: ['延期记录', '延期情况', 'extensions'],
  销账日期: ['销账日期', '销账时间', '完成日期', 'closed'],
  销账说明: ['销账说明', '销账情况', '说明', 'note'],
  阶段: ['阶段', '工作阶段', '所属阶段', 'phase'],
  季度: ['季度', '所属季度', 'quarter'],
};
export const REQUIRED: Heading[] = ['重点工作事项', '主责部门', '完成时限'];

/** 逾期 is an open item past its deadline: a state people read, stored as open. */
export const STATUS_OUT = { open: '进行中', overdue: '逾期', done: '已销账', cancelled: '已取消' } as const;
export const STATUS_IN: Record<string, TaskStatus> = {
  '': 'open', 进行中: 'open', 未完成: 'open', 在办: 'open', 逾期: 'open', 已逾期: 'open', open: 'open', overdue: 'open',
  已销账: 'done', 销账: 'done', 已完成: 'done', 完成: 'done', done: 'done',
  已取消: 'cancelled', 取消: 'cancelled', cancelled: 'cancelled', canceled: 'cancelled',
};

/** An instant as the date the office sees, in the campaign's timezone. */
export const dateIn = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toISODate()!;
/** A date read from a sheet as an instant: the start of that day in the campaign's timezone. */
export const instantOf = (date: string, zone: string) => DateTime.fromISO(date, { zone }).toJSDate();

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** 最新进展: "完成一半（2026-11-20）". */
export const progressCell = (note: string, date: string) => `${oneLine(note)}（${date}）`;

export function readProgress(cell: string): { note: string; date?: string } {
  const m = /^([\s\S]*?)（(\d{4}-\d{2}-\d{2})）$/.exec(cell.trim());
  return m ? { note: m[1]!.trim(), date: m[2] } : { note: cell.trim() };
}

export interface Extension {
  from: string;
  to: string;
  reason: string;
  who: string;
  date: string;
}

/** 延期记录, one line per extension: "2026-11-30 → 2026-12-31：住户外出（陈波，2026-11-02）". */
export const extensionsCell = (list: Extension[]) =>
  list.map((e) => `${e.from} → ${e.to}：${oneLine(e.reason)}（${e.who ? `${oneLine(e.who)}，` : ''}${e.date}）`).join('\n');

/** The lines of a 延期记录 cell; a line in another form is answered as text, kept as a note. */
export function readExtensions(cell: string): Array<Extension | string> {
  return cell
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(\d{4}-\d{2}-\d{2})\s*(?:→|->)\s*(\d{4}-\d{2}-\d{2})[:：]\s*([\s\S]*?)（(?:([^（）]*?)[，,])?\s*(\d{4}-\d{2}-\d{2})）$/.exec(line);
      return m ? { from: m[1]!, to: m[2]!, reason: m[3]!.trim(), who: (m[4] ?? '').trim(), date: m[5]! } : line;
    });
}
