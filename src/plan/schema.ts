// The plan file (DESIGN.md section 2, Plan file): its shape in zod, and the cross-reference checks zod cannot see
// (unknown unit, duplicate name, bad date). Every problem is reported by its path; a plan with any problem is refused.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

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
export const TIMED_JOBS = ['deadline-reminder', 'overdue-digest', 'lagging-units', 'problem-escalation', 'monthly-bulletin'] as const;
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
      'report-reminder': followingJob('the reporting rules (remind_before)').optional(),
      'report-chase': followingJob('the reporting rules (due)').optional(),
      'meeting-reminder': followingJob('the meetings').optional(),
    },
    { error: (i) => (i.code === 'unrecognized_keys' ? `unknown job; the jobs are ${[...TIMED_JOBS, ...FOLLOWING_JOBS].join(', ')}` : undefined) },
  )
  .default({});
export type JobSettings = z.infer<typeof jobSettings>;
export const MEETING_KINDS = ['dispatch', 'regular', 'coordination', 'topic', 'push', 'joint'] as const;

export const planSchema = z.object({
  campaign: z.object({
    name,
    timezone: z.string().default('Asia/Shanghai').refine((tz) => IANAZone.isValidZone(tz), { message: 'must be an IANA timezone like Asia/Shanghai' }),
    locale: z.enum(['zh', 'en']).default('zh'),
    office_unit: name.optional(),
    office_chat: name.optional(),
    leaders_chat: name.optional(),
    workday_calendar: z.enum(['cn', 'none']).default('cn'),
  }),
  units: z.array(z.object({ name, aliases: names })).min(1, { message: 'a plan needs at least one unit' }),
  people: z
    .array(
      z.object({
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
      z.object({
        name,
        // One lead unit, or several (seeds/000's 搬迁安置组: 牵头单位：经开区管委会、区住房建设委); always a list after parsing.
        lead: z.union([name, z.array(name).min(1)]).transform((l) => (Array.isArray(l) ? l : [l])),
        units: names,
        duties: z.string().default(''),
        chat_id: name.optional(),
      }),
    )
    .default([]),
  reporting: z
    .array(
      z.object({
        name,
        cadence: z.enum(['weekly', 'twice_weekly', 'monthly', 'quarterly']),
        due: z.object({
          weekday: weekday.optional(),
          weekdays: z.array(weekday).optional(),
          day: z.union([z.number().int().min(1).max(31), z.literal('last')]).optional(),
          time,
        }),
        who: z.union([z.enum(['all_units', 'group_leads']), z.array(name)]).default('all_units'),
        remind_before: z.array(duration).default([]),
        chats: z.array(name).default(['groups', 'office']),
      }),
    )
    .default([]),
  meetings: z
    .array(
      z.object({
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
  tasks: z
    .array(z.object({ title: name, target: z.string().default(''), group: name.optional(), lead: name, cooperating: names, deadline: isoDate }))
    .default([]),
  jobs: jobSettings,
});

export type Plan = z.infer<typeof planSchema>;

export interface Problem {
  path: string;
  message: string;
}

/** Cross-references: every name used is declared once, every chat bound once. */
export function checkPlan(plan: Plan): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const unitNames = new Map<string, number>();
  plan.units.forEach((u, i) => {
    for (const n of [u.name, ...u.aliases]) {
      if (unitNames.has(n)) add(`units[${i}]${n === u.name ? '.name' : '.aliases'}`, `duplicate unit name or alias "${n}"`);
      else unitNames.set(n, i);
    }
  });
  const isUnit = (n: string) => unitNames.has(n);
  const groupNames = new Set<string>();
  plan.groups.forEach((g, i) => {
    if (groupNames.has(g.name)) add(`groups[${i}].name`, `duplicate group "${g.name}"`);
    groupNames.add(g.name);
    g.lead.forEach((u, j) => isUnit(u) || add(g.lead.length > 1 ? `groups[${i}].lead[${j}]` : `groups[${i}].lead`, `unknown unit "${u}"`));
    g.units.forEach((u, j) => isUnit(u) || add(`groups[${i}].units[${j}]`, `unknown unit "${u}"`));
  });
  if (plan.campaign.office_unit && !isUnit(plan.campaign.office_unit)) add('campaign.office_unit', `unknown unit "${plan.campaign.office_unit}"`);
  const openIds = new Set<string>();
  plan.people.forEach((p, i) => {
    if (openIds.has(p.open_id)) add(`people[${i}].open_id`, `duplicate open_id "${p.open_id}"`);
    openIds.add(p.open_id);
    if (!isUnit(p.unit)) add(`people[${i}].unit`, `unknown unit "${p.unit}"`);
    p.groups.forEach((g, j) => groupNames.has(g) || add(`people[${i}].groups[${j}]`, `unknown group "${g}"`));
    if (p.groups.length && !p.roles.includes('group_lead')) add(`people[${i}].groups`, 'groups are given only with the group_lead role');
  });
  const chatIds = new Map<string, string>();
  const bindChat = (id: string | undefined, path: string) => {
    if (!id) return;
    if (chatIds.has(id)) add(path, `chat "${id}" is already bound at ${chatIds.get(id)}`);
    else chatIds.set(id, path);
  };
  bindChat(plan.campaign.office_chat, 'campaign.office_chat');
  bindChat(plan.campaign.leaders_chat, 'campaign.leaders_chat');
  plan.groups.forEach((g, i) => bindChat(g.chat_id, `groups[${i}].chat_id`));
  const ruleNames = new Set<string>();
  plan.reporting.forEach((r, i) => {
    if (ruleNames.has(r.name)) add(`reporting[${i}].name`, `duplicate reporting rule "${r.name}"`);
    ruleNames.add(r.name);
    const d = r.due;
    if ((r.cadence === 'weekly') && !d.weekday) add(`reporting[${i}].due.weekday`, 'a weekly rule needs due.weekday');
    if (r.cadence === 'twice_weekly' && (d.weekdays?.length ?? 0) !== 2) add(`reporting[${i}].due.weekdays`, 'a twice_weekly rule needs two due.weekdays');
    if ((r.cadence === 'monthly' || r.cadence === 'quarterly') && d.day === undefined) add(`reporting[${i}].due.day`, `a ${r.cadence} rule needs due.day (1–31 or "last")`);
    if (Array.isArray(r.who)) r.who.forEach((u, j) => isUnit(u) || add(`reporting[${i}].who[${j}]`, `unknown unit "${u}"`));
    r.chats.forEach((c, j) => {
      if (!['groups', 'office', 'leaders'].includes(c) && !/^oc_/.test(c)) add(`reporting[${i}].chats[${j}]`, `must be groups, office, leaders or a chat id (oc_…)`);
    });
  });
  const titles = new Set<string>();
  plan.meetings.forEach((m, i) => {
    if (titles.has(m.title)) add(`meetings[${i}].title`, `duplicate meeting "${m.title}"`);
    titles.add(m.title);
    if (m.group && !groupNames.has(m.group)) add(`meetings[${i}].group`, `unknown group "${m.group}"`);
    if (m.organiser && !isUnit(m.organiser)) add(`meetings[${i}].organiser`, `unknown unit "${m.organiser}"`);
    m.attendees.forEach((u, j) => isUnit(u) || add(`meetings[${i}].attendees[${j}]`, `unknown unit "${u}"`));
  });
  // The same task for several lead units is normal (seeds/004 gives one task to every community); only the same title,
  // lead unit and deadline twice is a duplicate. An alias names the same unit as its name.
  const taskKeys = new Map<string, number>();
  plan.tasks.forEach((t, i) => {
    const key = JSON.stringify([t.title, unitNames.get(t.lead) ?? t.lead, t.deadline]);
    if (taskKeys.has(key)) add(`tasks[${i}]`, `duplicate task "${t.title}" (lead ${t.lead}, deadline ${t.deadline}) as tasks[${taskKeys.get(key)}]`);
    else taskKeys.set(key, i);
    if (!isUnit(t.lead)) add(`tasks[${i}].lead`, `unknown unit "${t.lead}"`);
    if (t.group && !groupNames.has(t.group)) add(`tasks[${i}].group`, `unknown group "${t.group}"`);
    t.cooperating.forEach((u, j) => isUnit(u) || add(`tasks[${i}].cooperating[${j}]`, `unknown unit "${u}"`));
  });
  return problems;
}
