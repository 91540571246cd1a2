// The plan file (DESIGN.md sections 2 and 5, Plan file): its shape in zod. Every object is strict: a key the plan
// does not know is a problem naming the nearest known key (src/plan/check.ts words it and checks cross-references).
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { parseQuarter } from '../core/quarters.js';

const name = z.string().trim().min(1, { message: 'must not be empty' });
const names = z.array(name).default([]);
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
// mon, Monday, tues …: at least three letters of a day's name (not "monkey").
const weekday = z
  .string()
  .transform((s) => {
    const w = s.trim().toLowerCase();
    return w.length >= 3 && DAY_NAMES.some((d) => d.startsWith(w)) ? w.slice(0, 3) : w;
  })
  .pipe(z.enum(WEEKDAYS, { message: 'must be mon…sun' }));
const time = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM' });
const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v.trim()))
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid, { message: 'must be a date YYYY-MM-DD' });
export const duration = z.string().regex(/^\d+\s*[dhm]$/, { message: 'must be like 1d, 2h or 30m' });
// A plan meeting is a standing series (the plan has no one-off times): without a recurrence it would never be held,
// and with nothing to match it by it would be added again at every apply.
const recurrence = z
  .string({ message: 'a plan meeting is a standing series: give recurrence, like "weekly mon 15:00"' })
  .regex(/^(weekly\s+(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))*|monthly\s+((last|first|second|third|fourth)-(mon|tue|wed|thu|fri|sat|sun)|0?[1-9]|[12]\d|3[01]))\s+([01]?\d|2[0-3]):[0-5]\d$/i, {
    message: 'must be like "weekly mon 15:00", "monthly last-thu 15:00" or "monthly 5 09:00"',
  });

export const ROLES = ['commander', 'deputy', 'office', 'group_lead', 'liaison', 'member'] as const;

/** Jobs that fire at a time of day: the plan may move that time. */
export const TIMED_JOBS = ['deadline-reminder', 'overdue-digest', 'lagging-units', 'problem-escalation', 'monthly-bulletin', 'calendar-notice', 'notice-chase', 'phase-notice'] as const;
/** Jobs whose moments follow the reporting rules or the meetings: the plan may only turn them off. */
export const FOLLOWING_JOBS = ['report-reminder', 'report-chase', 'meeting-reminder'] as const;

/** `jobs:` — a campaign's changes to the default schedules (DESIGN.md, Jobs): another time of day, or off. */
const timedJob = z.strictObject({ time: time.optional(), off: z.boolean().optional() }, { error: (i) => (i.code === 'unrecognized_keys' ? 'only "time" (HH:MM) and "off" can be set' : undefined) });
const followingJob = (what: string) =>
  z.strictObject({ off: z.boolean().optional() }, { error: (i) => (i.code === 'unrecognized_keys' ? `this job follows ${what}; only "off" can be set` : undefined) });
const jobSettings = z
  .strictObject(
    {
      'deadline-reminder': timedJob.optional(),
      'overdue-digest': timedJob.optional(),
      'lagging-units': timedJob.optional(),
      'problem-escalation': timedJob.optional(),
      'monthly-bulletin': timedJob.optional(),
      'calendar-notice': timedJob.optional(),
      'notice-chase': timedJob.optional(),
      'phase-notice': timedJob.optional(),
      'report-reminder': followingJob('the reporting rules (remind_before)').optional(),
      'report-chase': followingJob('the reporting rules (due)').optional(),
      'meeting-reminder': followingJob('the meetings').optional(),
    },
    { error: (i) => (i.code === 'unrecognized_keys' ? `unknown job; the jobs are ${[...TIMED_JOBS, ...FOLLOWING_JOBS].join(', ')}` : undefined) },
  )
  .default({});
export type JobSettings = z.infer<typeof jobSettings>;
export const MEETING_KINDS = ['dispatch', 'regular', 'coordination', 'topic', 'push', 'joint'] as const;

/** A date or a range of dates ("2027-02-06..2027-02-13"), for `calendar:`. */
const dateOrRange = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v.trim()))
  .refine(
    (s) => {
      const [a, b, extra] = s.split('..');
      const ok = (d: string | undefined) => d !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(d.trim()) && DateTime.fromISO(d.trim()).isValid;
      return extra === undefined && ok(a) && (b === undefined || (ok(b) && a!.trim() <= b.trim()));
    },
    { message: 'must be a date YYYY-MM-DD or a range "YYYY-MM-DD..YYYY-MM-DD"' },
  );

export const planSchema = z.strictObject({
  campaign: z.strictObject({
    name,
    // Checked for length before ICU sees it: the longest IANA name is 32 characters, and ICU took 7 s over a
    // 300,000-character name read from a JSON plan (a fuzz case that timed out in CI).
    timezone: z
      .string()
      .default('Asia/Shanghai')
      .refine((tz) => tz.length <= 64 && IANAZone.isValidZone(tz), { message: 'must be an IANA timezone like Asia/Shanghai' }),
    locale: z.enum(['zh', 'en']).default('zh'),
    office_unit: name.optional(),
    office_chat: name.optional(),
    leaders_chat: name.optional(),
    workday_calendar: z.enum(['cn', 'none']).default('cn'),
  }),
  // The official holiday schedule where chinese-days lacks it (a year it does not cover yet) or differs locally.
  calendar: z.strictObject({ holidays: z.array(dateOrRange).default([]), workdays: z.array(dateOrRange).default([]) }).default({ holidays: [], workdays: [] }),
  units: z.array(z.strictObject({ name, aliases: names })).min(1, { message: 'a plan needs at least one unit' }),
  people: z
    .array(
      z.strictObject({
        name,
        open_id: z.string().regex(/^ou_[A-Za-z0-9_-]+$/, { message: 'must be a Lark open_id (ou_…)' }),
        unit: name,
        roles: z.array(z.enum(ROLES)).default(['member']),
        groups: names,
        /** 联络员: the person reminders about the unit's reports and tasks @-mention (adds the liaison role) */
        liaison: z.boolean().default(false),
      }),
    )
    .default([]),
  groups: z
    .array(
      z.strictObject({
        name,
        // One lead unit, or several (seeds/000's 搬迁安置组: 牵头单位：经开区管委会、区住房建设委); always a list after parsing.
        // A list's bad item is named by its own path (groups[6].lead[1]), as a union's error would not be.
        lead: z.preprocess((l) => (typeof l === 'string' ? [l] : l), z.array(name).min(1, { message: 'a group needs at least one lead unit' })),
        units: names,
        duties: z.string().default(''),
        chat_id: name.optional(),
      }),
    )
    .default([]),
  reporting: z
    .array(
      z.strictObject({
        name,
        cadence: z.enum(['weekly', 'twice_weekly', 'monthly', 'quarterly']),
        due: z.strictObject({
          weekday: weekday.optional(),
          weekdays: z.array(weekday).optional(),
          day: z.union([z.number().int().min(1).max(31), z.literal('last')]).optional(),
          time,
        }),
        who: z.union([z.enum(['all_units', 'group_leads']), z.array(name)]).default('all_units'),
        remind_before: z.array(duration).default([]),
        // group: the reminder in the bound chats; dm: also privately to each liaison, with a form to fill in
        remind_by: z.array(z.enum(['group', 'dm'])).min(1, { message: 'remind_by needs group, dm or both' }).default(['group']),
        /** the numbers each unit reports under the rule (拆除, 面积…): one input each in the private form */
        metrics: z.array(name).default([]),
        chats: z.array(name).default(['groups', 'office']),
      }),
    )
    .default([]),
  meetings: z
    .array(
      z.strictObject({
        title: name,
        kind: z.enum(MEETING_KINDS).default('regular'),
        group: name.optional(),
        organiser: name.optional(),
        recurrence,
        place: z.string().default(''),
        attendees: names,
        duration: z.number().int().positive().default(60),
      }),
    )
    .default([]),
  phases: z.array(z.strictObject({ name, from: isoDate, to: isoDate, goal: z.string().default('') })).default([]),
  tasks: z
    .array(
      z.strictObject({
        title: name,
        target: z.string().default(''),
        group: name.optional(),
        lead: name,
        cooperating: names,
        deadline: isoDate,
        phase: name.optional(),
        // 季度工作任务单 (seeds/001): 2026Q1, or as the office writes it, 2026年第一季度; stored as 2026Q1.
        quarter: z
          .union([z.string(), z.number()])
          .transform((v, c) => parseQuarter(String(v)) ?? (c.addIssue({ code: 'custom', message: 'must be a quarter like 2026Q1 or 2026年第一季度' }), z.NEVER))
          .optional(),
      }),
    )
    .default([]),
  ledger: z.strictObject({ yellow_within: z.number().int().min(0).max(60).default(3), writeoff_review: z.boolean().default(false) }).default({ yellow_within: 3, writeoff_review: false }),
  jobs: jobSettings,
});

export type Plan = z.infer<typeof planSchema>;

export interface Problem {
  path: string;
  message: string;
}
