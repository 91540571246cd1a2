// The lagging score (落后单位): who is named in the 通报, worst first, each with its reasons.
//
// The rule (also in the README):
//   - each missed report (a due period with no report)       3 points
//   - each late report (submitted after the due time)        1 point
//   - each overdue open task the unit leads (牵头/主责)         1 point, +1 more when over 10 workdays overdue
//   - each 督办单 past its deadline without the unit's reply     2 points (the office asked by name and heard nothing;
//     weightier than an overdue task, lighter than a missed report, which the whole campaign waits for)
// A unit with a score above 0 is lagging. Worst first: higher score, then more missed reports, then more overdue
// tasks, then plan order. Workdays follow the campaign's calendar (public holidays and 调休 honoured).
import type { WorkCalendar } from '../core/calendar.js';
import { periodName } from '../core/period-words.js';

export const POINTS = { missed: 3, late: 1, overdue: 1, longOverdue: 1, longOverdueWorkdays: 10, notice: 2 } as const;

export interface UnitRecord {
  unitId: number;
  name: string;
  /** plan order, for a stable tie-break */
  order: number;
  /** periods with no report */
  missed: string[];
  /** periods reported late */
  late: string[];
  /** deadlines (YYYY-MM-DD) of the open tasks it leads that are past due */
  overdueDeadlines: string[];
  /** 督办单 past their deadline that the unit has not answered (src/notices/store.ts unansweredOverdue) */
  unansweredNotices?: number;
}

export interface Lagging {
  unitId: number;
  name: string;
  score: number;
  missed: string[];
  late: string[];
  overdue: number;
  longOverdue: number;
  /** unanswered overdue notices (督办单) */
  notices: number;
}

/**
 * The earliest deadline that is NOT yet over `n` workdays overdue on `today`: a task is over n workdays overdue when
 * more than n workdays lie in (deadline, today], i.e. when its deadline is before the (n+1)-th workday counting
 * back from today. Computed once, so 5,000 tasks cost one comparison each.
 */
export function longOverdueBefore(cal: WorkCalendar, today: string, n: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  let found = 0;
  for (let i = 0; i < 400; i++) {
    const iso = d.toISOString().slice(0, 10);
    if (cal.isWorkday(iso) && ++found === n + 1) return iso;
    d.setUTCDate(d.getUTCDate() - 1);
  }
  return d.toISOString().slice(0, 10);
}

export function scoreUnits(records: UnitRecord[], cal: WorkCalendar, today: string): Lagging[] {
  const cutoff = longOverdueBefore(cal, today, POINTS.longOverdueWorkdays);
  const out: Array<Lagging & { order: number }> = [];
  for (const r of records) {
    const overdue = r.overdueDeadlines.length;
    const longOverdue = r.overdueDeadlines.filter((d) => d < cutoff).length;
    const notices = r.unansweredNotices ?? 0;
    const score = r.missed.length * POINTS.missed + r.late.length * POINTS.late + overdue * POINTS.overdue + longOverdue * POINTS.longOverdue + notices * POINTS.notice;
    if (score > 0) out.push({ unitId: r.unitId, name: r.name, score, missed: r.missed, late: r.late, overdue, longOverdue, notices, order: r.order });
  }
  out.sort((a, b) => b.score - a.score || b.missed.length - a.missed.length || b.overdue - a.overdue || a.order - b.order);
  return out.map(({ order: _order, ...l }) => l);
}

/** The reasons of one lagging unit, in the reply's language, its periods named as people read them (第48周). */
export function reasonsOf(l: Lagging, t: (zh: string, en: string) => string, lang: 'zh' | 'en' = 'zh'): string[] {
  const out: string[] = [];
  const names = (keys: string[]) => keys.map((k) => periodName(k, lang)).join(t('、', ', '));
  if (l.missed.length) out.push(t(`未报送 ${l.missed.length} 次（${names(l.missed)}）`, `missed ${l.missed.length} report(s) (${names(l.missed)})`));
  if (l.late.length) out.push(t(`逾期报送 ${l.late.length} 次（${names(l.late)}）`, `${l.late.length} late report(s) (${names(l.late)})`));
  if (l.overdue) {
    const long = l.longOverdue ? t(`，其中 ${l.longOverdue} 项超过 ${POINTS.longOverdueWorkdays} 个工作日`, `, ${l.longOverdue} over ${POINTS.longOverdueWorkdays} workdays`) : '';
    out.push(t(`逾期任务 ${l.overdue} 项${long}`, `${l.overdue} overdue task(s)${long}`));
  }
  if (l.notices) out.push(t(`督办单逾期未回复 ${l.notices} 件`, `${l.notices} notice(s) overdue without a reply`));
  return out;
}

export const SCORING_RULE = {
  zh: `计分：未报送每次 ${POINTS.missed} 分，逾期报送每次 ${POINTS.late} 分，逾期未销账任务每项 ${POINTS.overdue} 分（超过 ${POINTS.longOverdueWorkdays} 个工作日再加 ${POINTS.longOverdue} 分），督办单逾期未回复每件 ${POINTS.notice} 分。`,
  en: `Score: ${POINTS.missed} per missed report, ${POINTS.late} per late report, ${POINTS.overdue} per overdue task (+${POINTS.longOverdue} when over ${POINTS.longOverdueWorkdays} workdays), ${POINTS.notice} per notice overdue without a reply.`,
};
