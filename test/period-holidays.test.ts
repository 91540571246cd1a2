// Periods on the workday calendar over Spring Festival 2026 (15–23 February off, Saturdays 14 and 28 February worked)
// and National Day 2026 (1–7 October off, Saturday 10 October worked), for every cadence; periods in words and read
// back; the plan's calendar overrides and the fallback for a year the package does not cover.
import { describe, expect, it } from 'vitest';
import type { Cadence, DueSpec } from '../db/schema.js';
import { calendarOf, workCalendar } from '../src/core/calendar.js';
import { relativeDay } from '../src/core/dates.js';
import { periodLabel, readPeriod, spanLabel } from '../src/core/period-words.js';
import { dueOf, isHeld, lastDuePeriod, reminderTimes, reportingPeriod, shiftHeld } from '../src/core/periods.js';
import { DateTime } from 'luxon';

const SH = 'Asia/Shanghai';
const cn = workCalendar('cn');
const rule = (cadence: Cadence, due: DueSpec, remindBefore: string[] = []) => ({ cadence, due, remindBefore });
const weekly = rule('weekly', { weekday: 'fri', time: '17:00' }, ['1d']);
const twice = rule('twice_weekly', { weekdays: ['tue', 'fri'], time: '17:00' }, ['1d']);
const monthly = rule('monthly', { day: 3, time: '17:00' });
const quarterly = rule('quarterly', { day: 'last', time: '17:00' });
const sh = (s: string) => DateTime.fromISO(s, { zone: SH }).toJSDate();
const due = (r: typeof weekly, p: string) => dueOf(r, p, SH, cn).toFormat("yyyy-MM-dd'T'HH:mm");
const zh = { zone: SH, cal: cn, lang: 'zh' as const };

describe('Spring Festival 2026', () => {
  it('weekly: week 8 has no workday, so it is not held; week 7 is due Friday 13 February, week 9 Friday 27 February', () => {
    expect(isHeld(weekly, '2026-W08', SH, cn)).toBe(false);
    expect(due(weekly, '2026-W07')).toBe('2026-02-13T17:00');
    expect(due(weekly, '2026-W09')).toBe('2026-02-27T17:00');
    expect(shiftHeld(weekly, '2026-W07', SH, cn, 1)).toBe('2026-W09');
    expect(lastDuePeriod(weekly, sh('2026-02-20T12:00'), SH, cn)).toBe('2026-W07');
  });

  it('twice weekly: both halves of week 8 are not held; the first half after the holiday is due Tuesday 24 February', () => {
    expect(isHeld(twice, '2026-W08-1', SH, cn)).toBe(false);
    expect(isHeld(twice, '2026-W08-2', SH, cn)).toBe(false);
    expect(due(twice, '2026-W09-1')).toBe('2026-02-24T17:00');
    expect(shiftHeld(twice, '2026-W07-2', SH, cn, 1)).toBe('2026-W09-1');
    expect(shiftHeld(twice, '2026-W09-1', SH, cn, -1)).toBe('2026-W07-2');
  });

  it('twice weekly: the reminder for 24 February goes out on the last workday before the holiday, Saturday 14 February', () => {
    expect(reminderTimes(twice, '2026-W09-1', SH, cn).map((r) => r.at.toFormat("yyyy-MM-dd'T'HH:mm"))).toEqual(['2026-02-14T17:00']);
  });

  it('twice weekly: a report after that reminder files to the reminded period, during the holiday too', () => {
    expect(reportingPeriod(twice, sh('2026-02-14T16:00'), SH, cn)).toBe('2026-W07-2');
    expect(reportingPeriod(twice, sh('2026-02-14T18:00'), SH, cn)).toBe('2026-W09-1');
    expect(reportingPeriod(twice, sh('2026-02-18T10:00'), SH, cn)).toBe('2026-W09-1');
    expect(reportingPeriod(twice, sh('2026-02-24T18:00'), SH, cn)).toBe('2026-W09-1');
  });

  it('monthly: February is due on the 3rd; quarterly: Q1 is due on Tuesday 31 March', () => {
    expect(due(monthly, '2026-02')).toBe('2026-02-03T17:00');
    expect(isHeld(monthly, '2026-02', SH, cn)).toBe(true);
    expect(due(quarterly, '2026-Q1')).toBe('2026-03-31T17:00');
    expect(reportingPeriod(quarterly, sh('2026-02-18T10:00'), SH, cn)).toBe('2026-Q1');
  });
});

describe('National Day 2026', () => {
  it('weekly: week 40 is due Wednesday 30 September; week 41 Friday 9 October and its workdays run to the 调休 Saturday', () => {
    expect(due(weekly, '2026-W40')).toBe('2026-09-30T17:00');
    expect(due(weekly, '2026-W41')).toBe('2026-10-09T17:00');
    expect(periodLabel(weekly, '2026-W41', zh)).toBe('第41周（10月8日—10日）');
  });

  it('twice weekly: the second half of week 40 is due Wednesday 30 September, the first half of week 41 is not held', () => {
    expect(due(twice, '2026-W40-1')).toBe('2026-09-29T17:00');
    expect(due(twice, '2026-W40-2')).toBe('2026-09-30T17:00');
    expect(isHeld(twice, '2026-W41-1', SH, cn)).toBe(false);
    expect(due(twice, '2026-W41-2')).toBe('2026-10-09T17:00');
  });

  it('twice weekly: a report on Tuesday evening, after the reminder for Wednesday, files to the second half on time', () => {
    expect(reportingPeriod(twice, sh('2026-09-29T16:00'), SH, cn)).toBe('2026-W40-1');
    expect(reportingPeriod(twice, sh('2026-09-29T18:00'), SH, cn)).toBe('2026-W40-2');
  });

  it('monthly: October due on the 3rd (a holiday) stays in October, on the first workday after the holiday', () => {
    expect(due(monthly, '2026-10')).toBe('2026-10-08T17:00');
  });

  it('quarterly: Q3 is due on Wednesday 30 September, before the holiday', () => {
    expect(due(quarterly, '2026-Q3')).toBe('2026-09-30T17:00');
  });
});

describe('periods in words', () => {
  it('weeks, half weeks, months and quarters as an office writes them', () => {
    expect(periodLabel(weekly, '2026-W48', zh)).toBe('第48周（11月23日—27日）');
    expect(periodLabel(twice, '2026-W48-1', zh)).toBe('第48周上半周（11月23日—24日）');
    expect(periodLabel(twice, '2026-W48-2', zh)).toBe('第48周下半周（11月25日—27日）');
    expect(periodLabel(monthly, '2026-11', zh)).toBe('2026年11月');
    expect(periodLabel(quarterly, '2026-Q4', zh)).toBe('2026年第四季度');
    expect(periodLabel(weekly, '2026-W40', zh)).toBe('第40周（9月28日—30日）');
  });

  it('English campaigns keep the ISO code, with its dates', () => {
    const en = { ...zh, lang: 'en' as const };
    expect(periodLabel(weekly, '2026-W48', en)).toBe('2026-W48 (23–27 Nov)');
    expect(periodLabel(twice, '2026-W48-1', en)).toBe('2026-W48-1 (23–24 Nov)');
    expect(periodLabel(monthly, '2026-11', en)).toBe('2026-11 (1–30 Nov)');
    expect(spanLabel('week', '2026-W47', 'last', en)).toBe('last week · 2026-W47 (16–20 Nov)');
  });

  it('both forms are read back, and a label pasted from a card too', () => {
    const now = sh('2026-11-26T10:00');
    expect(readPeriod(weekly, '第47周', now, SH, cn)).toBe('2026-W47');
    expect(readPeriod(weekly, '第四十七周', now, SH, cn)).toBe('2026-W47');
    expect(readPeriod(weekly, '第47周（11月16日—20日）', now, SH, cn)).toBe('2026-W47');
    expect(readPeriod(weekly, '2026-W47', now, SH, cn)).toBe('2026-W47');
    expect(readPeriod(twice, '第48周上半周', now, SH, cn)).toBe('2026-W48-1');
    expect(readPeriod(twice, '2026年第48周下半周', now, SH, cn)).toBe('2026-W48-2');
    expect(readPeriod(monthly, '2026年10月', now, SH, cn)).toBe('2026-10');
    expect(readPeriod(monthly, '10月', now, SH, cn)).toBe('2026-10');
    expect(readPeriod(quarterly, '2026年第四季度', now, SH, cn)).toBe('2026-Q4');
    expect(readPeriod(quarterly, '三季度', now, SH, cn)).toBe('2026-Q3');
    expect(readPeriod(weekly, '第60周', now, SH, cn)).toBeUndefined();
    expect(readPeriod(weekly, '2026年11月', now, SH, cn)).toBeUndefined();
  });

  it('in January, 第52周 is last December’s week', () => {
    expect(readPeriod(weekly, '第52周', sh('2027-01-06T10:00'), SH, cn)).toBe('2026-W52');
  });

  it('days from today in words: 今天, 明天, 后天, N天后（周X）', () => {
    const fri = DateTime.fromISO('2026-11-27T09:00', { zone: SH });
    expect(relativeDay(fri, fri.set({ hour: 16 }), 'zh')).toBe('今天');
    expect(relativeDay(fri, fri.plus({ days: 1 }), 'zh')).toBe('明天');
    expect(relativeDay(fri, fri.plus({ days: 2 }), 'zh')).toBe('后天');
    expect(relativeDay(fri, fri.plus({ days: 3 }), 'zh')).toBe('3天后（周一）');
    expect(relativeDay(fri, fri.plus({ days: 3 }), 'en')).toBe('in 3 days (Mon)');
  });
});

describe('the plan’s calendar and years the package does not cover', () => {
  it('without package data or plan dates, 2027 is Monday–Friday with 元旦, 劳动节 and 国庆 1–3 October off', () => {
    expect(cn.covers(2027)).toBe(false);
    expect(cn.isWorkday('2027-01-01')).toBe(false);
    expect(cn.holidayName('2027-01-01')).toBe('元旦');
    expect(cn.isWorkday('2027-05-03')).toBe(true);
    expect(cn.isWorkday('2027-10-01')).toBe(false);
    expect(cn.isWorkday('2027-10-04')).toBe(true);
  });

  it('plan dates and ranges override the package and cover their year', () => {
    const cal = calendarOf({ workdayCalendar: 'cn', settings: { calendar: { holidays: ['2027-02-06..2027-02-13', '2026-11-27'], workdays: ['2027-02-14', '2026-11-28'] } } });
    expect(cal.covers(2027)).toBe(true);
    expect(cal.sourceOf(2027)).toBe('plan');
    expect(cal.isWorkday('2027-02-08')).toBe(false);
    expect(cal.isWorkday('2027-02-14')).toBe(true);
    // a plan date on a year the package knows wins over the package
    expect(cal.isWorkday('2026-11-27')).toBe(false);
    expect(cal.isWorkday('2026-11-28')).toBe(true);
    // the fixed-date holidays stay off in a year the plan describes
    expect(cal.isWorkday('2027-01-01')).toBe(false);
  });
});
