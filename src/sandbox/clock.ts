// The sandbox's clock: real time plus an offset the page moves forward, so a week of reminders, chases and the
// lagging list can be watched in minutes. Moving it ticks the job runner in steps, as the minute scheduler would.
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.js';
import { meta } from '../../db/schema.js';
import type { Clock } from '../core/clock.js';
import { calendarOf } from '../core/calendar.js';
import { dueOf, isHeld, periodOf, shiftPeriod } from '../core/periods.js';
import type { Org } from '../org.js';

export class SandboxClock implements Clock {
  private offset: number;

  /** `start` sets the sandbox time at construction (tests and SANDBOX_START); without it the clock is the real time. */
  constructor(
    start?: Date | string | number,
    private readonly wall: () => number = Date.now,
  ) {
    const at = start === undefined ? wall() : new Date(start).getTime();
    if (Number.isNaN(at)) throw new Error(`SANDBOX_START must be an ISO-8601 time, e.g. 2026-11-23T09:00:00+08:00 (got "${String(start)}")`);
    this.offset = at - wall();
  }

  now(): Date {
    return new Date(this.wall() + this.offset);
  }

  /** Moves the clock to `at`; it keeps running at real speed from there. */
  set(at: Date | number): void {
    this.offset = new Date(at).getTime() - this.wall();
  }
}

/** How far one tick of the walk moves: the minute scheduler's occasions are minute-exact, and 30-minute steps keep
 * each occasion's `now` within half an hour of its time while a week takes ~340 ticks. */
export const STEP_MS = 30 * 60_000;
/** The longest single move (a month of ticks stays within a few seconds). */
export const MAX_MOVE_MS = 31 * 86_400_000;

export type MoveSpec = { kind: 'hour' } | { kind: 'day' } | { kind: 'days'; days: number } | { kind: 'due' } | { kind: 'friday' } | { kind: 'to'; at: string };

/** The next due time of any reporting rule after `now`, with its rule and period (for the clock panel's button). */
export function nextDue(org: Org | undefined, now: Date): { at: DateTime; rule: string; period: string } | undefined {
  if (!org) return undefined;
  const zone = org.campaign.timezone;
  const cal = calendarOf(org.campaign);
  let best: { at: DateTime; rule: string; period: string } | undefined;
  for (const rule of org.rules) {
    // Holiday weeks have no period (and no due time): skip them.
    let p = periodOf(rule, now, zone);
    for (let i = 0; i < 12 && (!isHeld(rule, p, zone, cal) || dueOf(rule, p, zone, cal).toMillis() <= now.getTime()); i++) p = shiftPeriod(rule, p, zone, 1);
    const at = dueOf(rule, p, zone, cal);
    if (at.toMillis() > now.getTime() && (!best || at < best.at)) best = { at, rule: rule.name, period: p };
  }
  return best;
}

/** The next Friday 17:30 in the campaign's zone (today, when it is Friday before 17:30). */
export function nextFriday1730(now: Date, zone: string): DateTime {
  const d = DateTime.fromJSDate(now, { zone });
  let f = d.set({ hour: 17, minute: 30, second: 0, millisecond: 0 }).plus({ days: (5 - d.weekday + 7) % 7 });
  if (f.toMillis() <= now.getTime()) f = f.plus({ weeks: 1 });
  return f;
}

/** Where a move lands, or why it cannot be made. The due-time move lands one minute after it, when the chase runs. */
export function moveTarget(spec: MoveSpec, now: Date, org: Org | undefined): { ok: true; at: Date } | { ok: false; error: string } {
  const zone = org?.campaign.timezone ?? 'Asia/Shanghai';
  let at: number;
  switch (spec.kind) {
    case 'hour':
      at = now.getTime() + 3_600_000;
      break;
    case 'day':
      at = now.getTime() + 86_400_000;
      break;
    case 'days':
      if (!Number.isInteger(spec.days) || spec.days < 1 || spec.days > 31) return { ok: false, error: '天数须为 1–31 的整数 / days must be a whole number from 1 to 31' };
      at = now.getTime() + spec.days * 86_400_000;
      break;
    case 'due': {
      const due = nextDue(org, now);
      if (!due) return { ok: false, error: '没有报送规则 / no reporting rule' };
      at = due.at.plus({ minutes: 1 }).toMillis();
      break;
    }
    case 'friday':
      at = nextFriday1730(now, zone).toMillis();
      break;
    case 'to':
      at = DateTime.fromISO(spec.at, { zone }).toMillis();
      if (Number.isNaN(at)) return { ok: false, error: '时间格式应为 2026-11-27T17:30 / time must look like 2026-11-27T17:30' };
      break;
  }
  if (at <= now.getTime()) return { ok: false, error: '时钟只能向前拨 / the clock only moves forward' };
  if (at - now.getTime() > MAX_MOVE_MS) return { ok: false, error: '一次最多拨 31 天 / at most 31 days at a time' };
  return { ok: true, at: new Date(at) };
}

/** The instants the runner ticks at on the way from `from` to `to`: every STEP_MS, and `to` itself. */
export function walkTimes(from: Date, to: Date): Date[] {
  const out: Date[] = [];
  for (let t = from.getTime() + STEP_MS; t < to.getTime(); t += STEP_MS) out.push(new Date(t));
  out.push(to);
  return out;
}

/** Where the sandbox started (meta key), so the command line dates what it writes in the sandbox's time, not later. */
const SANDBOX_START_KEY = 'sandbox.start';

/** Remembers the sandbox's start (SANDBOX_START), or forgets it when the sandbox runs on real time. */
export async function rememberSandboxStart(db: Db, start: Date | undefined): Promise<void> {
  if (!start) {
    await db.delete(meta).where(eq(meta.key, SANDBOX_START_KEY)).run();
    return;
  }
  await db.insert(meta).values({ key: SANDBOX_START_KEY, value: start.toISOString() }).onConflictDoUpdate({ target: meta.key, set: { value: start.toISOString() } }).run();
}

/**
 * The clock for records the command line writes (plan apply, import) in sandbox mode: the sandbox's start when that is
 * earlier than the real time. A plan applied at the real time would be "created" after every period the sandbox
 * walks through, and no missed report would ever be scored (status.ts periodsFor skips periods before the campaign).
 */
export async function commandLineClock(db: Db, envStart: string | undefined, real: Clock): Promise<Clock> {
  const [row] = envStart ? [] : await db.select().from(meta).where(eq(meta.key, SANDBOX_START_KEY));
  const start = new Date(envStart ?? row?.value ?? NaN);
  if (Number.isNaN(start.getTime()) || start.getTime() >= real.now().getTime()) return real;
  return { now: () => new Date(start) };
}
