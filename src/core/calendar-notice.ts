// What Duban says when a year's official holiday schedule is not known yet (neither chinese-days nor the plan's
// `calendar:` has it): how it counts workdays meanwhile, and how the office adds the State Council's schedule.
import type { WorkCalendar } from './calendar.js';

/** The first year, of `year` and the next, whose schedule the calendar does not know; undefined when both are known. */
export function uncoveredYear(cal: WorkCalendar, year: number): number | undefined {
  return [year, year + 1].find((y) => !cal.covers(y));
}

/** The notice for an uncovered year, in the campaign's language. */
export function calendarNotice(year: number, lang: 'zh' | 'en'): { title: string; text: string; example: string } {
  const example = `calendar:\n  holidays: ["${year}-02-06..${year}-02-13", "${year}-10-01..${year}-10-07"]\n  workdays: ["${year}-02-14", "${year}-10-09"]`;
  if (lang === 'en') {
    return {
      title: `Holiday calendar: ${year} is not known yet`,
      text:
        `The official holiday schedule for ${year} is not in Duban's calendar yet (the State Council publishes it each November). ` +
        `Until it is, Duban counts Monday to Friday as workdays, with New Year's Day (1 Jan), Labour Day (1 May) and National Day (1–3 Oct) off, ` +
        `for due dates, reminders and the lagging list. To use the official schedule, add the year's holidays and adjusted workdays ` +
        `under \`calendar:\` in the plan and apply it again (dates or ranges "from..to"), for example:`,
      example,
    };
  }
  return {
    title: `节假日安排：尚无${year}年的官方安排`,
    text:
      `督办的日历中还没有${year}年的法定节假日安排（国务院办公厅每年11月前后发布）。在此之前，截止日期、提醒和落后单位通报按周一至周五上班计算，` +
      `元旦（1月1日）、劳动节（5月1日）、国庆节（10月1日—3日）放假。请办公室在工作方案（plan）的 calendar 中写入当年的放假日期和调休上班日期后重新导入` +
      `（可写日期或“起..止”区间），例如：`,
    example,
  };
}

/** One line for the log and `job list`. */
export function calendarLine(cal: WorkCalendar, year: number): string {
  const missing = uncoveredYear(cal, year);
  if (cal.kind === 'none') return 'Monday–Friday (the plan turned the Chinese calendar off)';
  if (missing === undefined) return `official schedule known for ${year} and ${year + 1}`;
  return `no official holiday schedule for ${missing} (neither chinese-days nor the plan's calendar:): Monday–Friday with 元旦 1/1, 劳动节 5/1, 国庆 10/1–3 off until the office adds the year under calendar: in the plan`;
}
