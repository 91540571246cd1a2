// Reporting periods and due times: each cadence across the 2026→2027 year boundary, the National Day 2026 holiday
// week with its adjusted Saturday workday (调休), and the campaign's timezone against UTC at midnight.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cadence, DueSpec } from '../db/schema.js';
import { workCalendar, workdaysBetween } from '../src/core/calendar.js';
import { dueOf, isPeriodKey, lastDuePeriod, periodBounds, periodOf, shiftPeriod, workdaySpan } from '../src/core/periods.js';

const SH = 'Asia/Shanghai';
const cn = workCalendar('cn');
// 2027 is not in the calendar package yet (the State Council publishes it each November): the year-boundary tests
// use plain Monday–Friday so they stay true when the package learns 2027.
const plain = workCalendar('none');
const rule = (cadence: Cadence, due: DueSpec) => ({ cadence, due });
const weekly = rule('weekly', { weekday: 'fri', time: '17:00' });
const twice = rule('twice_weekly', { weekdays: ['tue', 'fri'], time: '12:00' });
const monthly = rule('monthly', { day: 'last', time: '17:00' });
const quarterly = rule('quarterly', { day: 25, time: '17:00' });
const at = (iso: string) => new Date(iso);
const iso = (d: { toISO(): string | null }) => d.toISO();

describe('weekly periods across the year boundary', () => {
  it('the last days of 2026 and the first Sunday of 2027 belong to 2026-W53; Monday 4 January starts 2027-W01', () => {
    expect(periodOf(weekly, at('2026-12-31T04:00:00Z'), SH)).toBe('2026-W53');
    expect(periodOf(weekly, at('2027-01-03T15:00:00Z'), SH)).toBe('2026-W53');
    expect(periodOf(weekly, at('2027-01-03T16:00:00Z'), SH)).toBe('2027-W01');
    expect(shiftPeriod(weekly, '2026-W53', SH, 1)).toBe('2027-W01');
    expect(shiftPeriod(weekly, '2027-W01', SH, -1)).toBe('2026-W53');
  });

  it('2026-W53 is due on Friday 1 January 2027 at 17:00 Shanghai time', () => {
    expect(iso(dueOf(weekly, '2026-W53', SH, plain))).toBe('2027-01-01T17:00:00.000+08:00');
  });

  it('2026-W01 is due on New Year’s Eve 2025: its Friday 2 January is a 元旦 holiday, so the due moves back a year', () => {
    expect(periodOf(weekly, at('2025-12-29T01:00:00Z'), SH)).toBe('2026-W01');
    expect(iso(dueOf(weekly, '2026-W01', SH, cn))).toBe('2025-12-31T17:00:00.000+08:00');
  });

  it('on Monday morning after the boundary the last due period is still 2026-W53', () => {
    expect(lastDuePeriod(weekly, at('2027-01-04T02:00:00Z'), SH, plain)).toBe('2026-W53');
  });
});

describe('twice-weekly periods across the year boundary', () => {
  it('Tuesday closes the first half of the week and Friday the second', () => {
    expect(periodOf(twice, at('2026-12-29T10:00:00Z'), SH)).toBe('2026-W53-1');
    expect(periodOf(twice, at('2026-12-30T01:00:00Z'), SH)).toBe('2026-W53-2');
    expect(iso(dueOf(twice, '2026-W53-1', SH, plain))).toBe('2026-12-29T12:00:00.000+08:00');
    expect(iso(dueOf(twice, '2026-W53-2', SH, plain))).toBe('2027-01-01T12:00:00.000+08:00');
  });

  it('the half after 2026-W53-2 is 2027-W01-1, and back again', () => {
    expect(shiftPeriod(twice, '2026-W53-2', SH, 1)).toBe('2027-W01-1');
    expect(shiftPeriod(twice, '2027-W01-1', SH, -1)).toBe('2026-W53-2');
    expect(iso(dueOf(twice, '2027-W01-1', SH, plain))).toBe('2027-01-05T12:00:00.000+08:00');
  });
});

describe('monthly and quarterly periods across the year boundary', () => {
  it('December 2026 is due on its last day; January 2027 on Friday 29 January, its 31st being a Sunday', () => {
    expect(periodOf(monthly, at('2026-12-31T09:00:00Z'), SH)).toBe('2026-12');
    expect(iso(dueOf(monthly, '2026-12', SH, plain))).toBe('2026-12-31T17:00:00.000+08:00');
    expect(shiftPeriod(monthly, '2026-12', SH, 1)).toBe('2027-01');
    expect(iso(dueOf(monthly, '2027-01', SH, plain))).toBe('2027-01-29T17:00:00.000+08:00');
  });

  it('2026-Q4 is due on 25 December; the next quarter is 2027-Q1, due 25 March 2027', () => {
    expect(periodOf(quarterly, at('2026-12-31T09:00:00Z'), SH)).toBe('2026-Q4');
    expect(iso(dueOf(quarterly, '2026-Q4', SH, cn))).toBe('2026-12-25T17:00:00.000+08:00');
    expect(shiftPeriod(quarterly, '2026-Q4', SH, 1)).toBe('2027-Q1');
    expect(iso(dueOf(quarterly, '2027-Q1', SH, plain))).toBe('2027-03-25T17:00:00.000+08:00');
  });

  it('period keys are checked against their cadence', () => {
    expect(isPeriodKey('weekly', '2026-W53')).toBe(true);
    expect(isPeriodKey('weekly', '2026-W48-1')).toBe(false);
    expect(isPeriodKey('twice_weekly', '2026-W48-2')).toBe(true);
    expect(isPeriodKey('monthly', '2026-13')).toBe(false);
    expect(isPeriodKey('quarterly', '2026-Q4')).toBe(true);
  });
});

describe('National Day 2026', () => {
  it('the week’s Friday 2 October is a holiday, so the weekly report is due on Wednesday 30 September', () => {
    expect(cn.holidayName('2026-10-02')).toBe('国庆节');
    expect(iso(dueOf(weekly, '2026-W40', SH, cn))).toBe('2026-09-30T17:00:00.000+08:00');
  });

  it('without the Chinese calendar the due stays on Friday 2 October', () => {
    expect(iso(dueOf(weekly, '2026-W40', SH, plain))).toBe('2026-10-02T17:00:00.000+08:00');
  });

  it('Saturday 10 October is an adjusted workday: a report due on the 10th stays there instead of moving to Friday', () => {
    const tenth = rule('monthly', { day: 10, time: '17:00' });
    expect(cn.isWorkday('2026-10-10')).toBe(true);
    expect(iso(dueOf(tenth, '2026-10', SH, cn))).toBe('2026-10-10T17:00:00.000+08:00');
    expect(iso(dueOf(tenth, '2026-10', SH, plain))).toBe('2026-10-09T17:00:00.000+08:00');
  });

  it('workdays over the holiday count only 8, 9 and the adjusted 10 October', () => {
    expect(workdaysBetween(cn, '2026-09-30', '2026-10-10')).toBe(3);
    expect(workdaysBetween(plain, '2026-09-30', '2026-10-10')).toBe(7);
  });
});

describe('the campaign timezone against UTC at midnight', () => {
  const moment = at('2026-11-22T16:30:00Z');

  it('16:30 UTC on Sunday 22 November is already Monday 2026-W48 in Shanghai, but still Sunday 2026-W47 in UTC', () => {
    expect(periodOf(weekly, moment, SH)).toBe('2026-W48');
    expect(periodOf(weekly, moment, 'UTC')).toBe('2026-W47');
  });

  it('the due time is 17:00 in the campaign’s own timezone', () => {
    expect(dueOf(weekly, '2026-W47', SH, cn).toUTC().toISO()).toBe('2026-11-20T09:00:00.000Z');
    expect(dueOf(weekly, '2026-W47', 'UTC', cn).toUTC().toISO()).toBe('2026-11-20T17:00:00.000Z');
  });

  it('a month turns at Shanghai midnight: 16:30 UTC on 31 December is January 2027 there', () => {
    expect(periodOf(monthly, at('2026-12-31T16:30:00Z'), SH)).toBe('2027-01');
    expect(periodOf(monthly, at('2026-12-31T16:30:00Z'), 'UTC')).toBe('2026-12');
    expect(periodOf(quarterly, at('2026-12-31T16:30:00Z'), SH)).toBe('2027-Q1');
  });
});

describe('a period\'s days (counted in UTC, bounds cached)', () => {
  // The days of a period were counted with luxon's zoned plus(), one time-zone lookup a day; they are now counted as
  // calendar dates. Property: in any zone, daylight saving or not, the first and last workday of every period under a
  // seven-day calendar are the period's first and last calendar dates, as luxon's zoned arithmetic gives them; and the
  // cached bounds equal freshly computed ones.
  const everyDay = { ...plain, isWorkday: () => true };
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'UTC'];
  it('first and last day match luxon for weeks, half-weeks, months and quarters in DST and non-DST zones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2024, max: 2028 }), fc.integer({ min: 1, max: 52 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(...zones), (year, week, month, zone) => {
        const cases: Array<[Cadence, string]> = [
          ['weekly', `${year}-W${String(week).padStart(2, '0')}`],
          ['twice_weekly', `${year}-W${String(week).padStart(2, '0')}-1`],
          ['twice_weekly', `${year}-W${String(week).padStart(2, '0')}-2`],
          ['monthly', `${year}-${String(month).padStart(2, '0')}`],
          ['quarterly', `${year}-Q${((month - 1) % 4) + 1}`],
        ];
        for (const [cadence, period] of cases) {
          const r = rule(cadence, cadence === 'twice_weekly' ? { weekdays: ['tue', 'fri'], time: '17:00' } : { weekday: 'fri', time: '17:00' });
          const { start, end } = periodBounds(r, period, zone);
          expect(periodBounds(r, period, zone)).toBe(periodBounds(r, period, zone));
          const span = workdaySpan(r, period, zone, everyDay);
          expect(span).toEqual({ first: start.toISODate(), last: end.minus({ days: 1 }).toISODate() });
        }
      }),
      { numRuns: 200 },
    );
  });
});
