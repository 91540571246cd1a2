// A year the calendar package does not cover yet (2027 as of this writing, before the State Council's notice reaches
// chinese-days): Duban falls back to Monday–Friday with the fixed-date holidays, so 元旦 is no workday and no weekly
// lagging list goes out on 1 January; it says so in the log, in `job list`, and once in the office chat.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../db/schema.js';
import { workCalendar } from '../src/core/calendar.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const ZONE = 'Asia/Shanghai';
const ADMIN = 'admin-token-for-the-calendar-fallback-test';
const sh = (s: string) => DateTime.fromISO(s, { zone: ZONE }).toJSDate();
let h: Harness;
const logs: string[] = [];

beforeAll(async () => {
  // Guard: the day chinese-days learns 2027 this test must move on to the next uncovered year.
  expect(workCalendar('cn').covers(2027)).toBe(false);
  h = await startHarness({ now: '2026-12-27T16:00:00Z', logLines: logs, env: { ADMIN_TOKEN: ADMIN, SEND_PER_CHAT_PER_SECOND: '100' } });
  for (let t = sh('2026-12-28T00:00').getTime(); t <= sh('2027-01-05T12:00').getTime(); t += 3_600_000) {
    h.clock.set(t);
    await h.server.runtime.runner.tick(new Date(t));
  }
  await h.settle();
}, 240_000);
afterAll(() => h.close());

describe('a year the holiday package does not cover', () => {
  it('on 2027-01-01 (元旦) no weekly lagging list goes out: it went out on Thursday 31 December', async () => {
    const rows = await h.server.runtime.dbh.db.select({ key: outbox.dedupeKey, at: outbox.createdAt }).from(outbox);
    const lagging = rows.filter((r) => r.key.startsWith('job:lagging-units:') && r.key.includes(':week:'));
    const days = [...new Set(lagging.map((r) => DateTime.fromISO(r.at, { zone: ZONE }).toISODate()))];
    expect(days).toEqual(['2026-12-31']);
    const jobRows = rows.filter((r) => r.key.startsWith('job:'));
    expect(jobRows.filter((r) => DateTime.fromISO(r.at, { zone: ZONE }).toISODate() === '2027-01-01')).toEqual([]);
  });

  it('the office chat is told once how to add the year’s official schedule', () => {
    const notices = h.fake.messagesIn('oc_xinhe_office').filter((m) => String(m.content.header?.title?.content).startsWith('节假日安排'));
    expect(notices).toHaveLength(1);
    const text = flatten(notices[0]!.content);
    expect(text).toContain('节假日安排：尚无2027年的官方安排');
    expect(text).toContain('元旦（1月1日）、劳动节（5月1日）、国庆节（10月1日—3日）放假');
    expect(text).toContain('calendar:\n  holidays: ["2027-02-06..2027-02-13"');
  });

  it('the log and job list say the year is not covered', async () => {
    expect(logs.some((l) => l.includes('holiday calendar has no official schedule') && l.includes('2027'))).toBe(true);
    const res = await fetch(`${h.url}/admin/jobs`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const list = (await res.json()) as { calendar: string; jobs: Array<{ name: string }> };
    expect(list.calendar).toContain('no official holiday schedule for 2027');
    expect(list.jobs.map((j) => j.name)).toContain('calendar-notice');
  });
});
