// 工作阶段 (phases): the plan's `phases:` (seeds/003: 集中攻坚 until 2月25日, then 迎接验收; seeds/004: 摸底排查,
// 梳理上报, 攻坚整治), kept in campaigns.settings. Which phase a day falls in, the workdays left in it, and the line
// status, task cards and the bulletin show.
import { calendarOf, workdaysBetween, type CalendarHolder, type WorkCalendar } from '../core/calendar.js';
import { fold } from '../core/text.js';
import { DateTime } from 'luxon';

export interface Phase {
  name: string;
  /** YYYY-MM-DD, first day */
  from: string;
  /** YYYY-MM-DD, last day */
  to: string;
  goal: string;
}

/** The campaign's phases in date order. */
export function phasesOf(campaign: { settings?: unknown }): Phase[] {
  const list = ((campaign.settings ?? {}) as { phases?: unknown }).phases;
  if (!Array.isArray(list)) return [];
  return (list as Phase[]).filter((p) => p && typeof p.name === 'string' && typeof p.from === 'string' && typeof p.to === 'string').sort((a, b) => a.from.localeCompare(b.from));
}

/** A phase by the name as typed (full-width, spaces and case do not matter). */
export function findPhase(campaign: { settings?: unknown }, name: string): Phase | undefined {
  const f = fold(name);
  return phasesOf(campaign).find((p) => fold(p.name) === f);
}

/** Workdays from `today` (counted when it is a workday) to the phase's last day. */
export function workdaysLeft(cal: WorkCalendar, today: string, phase: Pick<Phase, 'to'>): number {
  if (today > phase.to) return 0;
  const dayBefore = DateTime.fromISO(today).minus({ days: 1 }).toISODate()!;
  return workdaysBetween(cal, dayBefore, phase.to);
}

export interface PhaseNow {
  /** the phase today falls in */
  current?: Phase;
  /** workdays left in the current phase, today included */
  left?: number;
  /** the next phase to begin, when today falls in none or the current one is about to end */
  next?: Phase;
}

export function phaseOn(campaign: CalendarHolder & { settings?: unknown }, today: string): PhaseNow {
  const all = phasesOf(campaign);
  const current = all.find((p) => p.from <= today && today <= p.to);
  const next = all.find((p) => p.from > today);
  return current ? { current, left: workdaysLeft(calendarOf(campaign), today, current), next } : { next };
}

type Say = (zh: string, en: string) => string;

const day = (d: string, t: Say) => {
  const x = DateTime.fromISO(d);
  return t(`${x.year}年${x.month}月${x.day}日`, d);
};

/** 当前阶段：集中攻坚（2019年1月10日至2019年2月25日，剩余 12 个工作日，含今天）; undefined when the campaign has no phases. */
export function phaseLine(t: Say, now: PhaseNow): string | undefined {
  if (now.current) {
    const p = now.current;
    return t(
      `当前阶段：${p.name}（${day(p.from, t)}至${day(p.to, t)}，剩余 ${now.left} 个工作日，含今天）${p.goal ? `　目标：${p.goal}` : ''}`,
      `Current phase: ${p.name} (${p.from} to ${p.to}, ${now.left} workdays left, today included)${p.goal ? ` · goal: ${p.goal}` : ''}`,
    );
  }
  if (now.next) return t(`下一阶段：${now.next.name}（${day(now.next.from, t)}开始）`, `Next phase: ${now.next.name} (from ${now.next.from})`);
  return undefined;
}

/** One phase with its dates, for a task card: 集中攻坚（2019年1月10日至2019年2月25日，剩余 12 个工作日）. */
export function phaseText(t: Say, cal: WorkCalendar, today: string, p: Phase): string {
  const dates = t(`${day(p.from, t)}至${day(p.to, t)}`, `${p.from} to ${p.to}`);
  const state =
    today > p.to
      ? t('，已结束', ', ended')
      : today < p.from
        ? t('，未开始', ', not begun')
        : t(`，剩余 ${workdaysLeft(cal, today, p)} 个工作日，含今天`, `, ${workdaysLeft(cal, today, p)} workdays left, today included`);
  return `${p.name}${t(`（${dates}${state}）`, ` (${dates}${state})`)}`;
}

/** The day a phase's start is announced: its first workday (a phase that begins on a Sunday is announced on Monday). */
export function startNoticeDay(cal: WorkCalendar, p: Phase): string | undefined {
  let d = DateTime.fromISO(p.from);
  for (let i = 0; i < 40 && d.toISODate()! <= p.to; i++, d = d.plus({ days: 1 })) if (cal.isWorkday(d.toISODate()!)) return d.toISODate()!;
  return undefined;
}

/** The workday five workdays before a phase's last day (the day its open tasks are listed), if the phase is that long. */
export function endNoticeDay(cal: WorkCalendar, p: Phase, before = 5): string | undefined {
  // The workday d with exactly `before` workdays after it up to the last day: walk back from the end.
  let d = DateTime.fromISO(p.to);
  let seen = 0;
  for (let i = 0; i < 400; i++, d = d.minus({ days: 1 })) {
    const iso = d.toISODate()!;
    if (iso < p.from) return undefined;
    if (seen === before && cal.isWorkday(iso)) return iso;
    if (cal.isWorkday(iso)) seen++;
  }
  return undefined;
}
