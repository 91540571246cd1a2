// plan apply: creates or updates a campaign from a plan file (YAML or JSON). Validation runs first and a plan with any
// problem writes nothing; applying the same plan twice changes nothing. Answers the list of what changed.
import { and, eq, sql } from 'drizzle-orm';
import { parse as parseYaml } from 'yaml';
import type { DbHandle } from '../../db/client.js';
import { campaigns, chats, groups, meetings, people, reportingRules, tasks, units, type ChatKind, type Role } from '../../db/schema.js';
import type { Clock } from '../core/clock.js';
import { takeNumber, takenNumber } from '../ledger/counters.js';
import { addTaskStatements } from '../ledger/tasks.js';
import { plannedKeys, taskKey } from './planned-keys.js';
import { meetingEventStatement } from '../meetings/store.js';
import { invalidateOrg, leadUnitsOf } from '../org.js';
import { inOneTransaction } from './atomic.js';
import { checkPlan, shapeProblems } from './check.js';
import { planSchema, type Plan, type Problem } from './schema.js';

export type PlanResult =
  | { ok: true; campaign: string; campaignId: number; changes: string[] }
  | { ok: false; problems: Problem[] };

/** Parses YAML or JSON (JSON is YAML) and validates shape and cross-references. */
export function readPlan(text: string): { ok: true; plan: Plan } | { ok: false; problems: Problem[] } {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, problems: [{ path: '(file)', message: `not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}` }] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, problems: [{ path: '(file)', message: 'a plan is a mapping with campaign, units, groups, … at the top' }] };
  // Shape and cross-references together: the office fixes every problem in one pass.
  const parsed = planSchema.safeParse(doc);
  const seen = new Set<string>();
  const problems = [...(parsed.success ? [] : shapeProblems(parsed.error.issues)), ...checkPlan(doc)].filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return problems.length || !parsed.success ? { ok: false, problems } : { ok: true, plan: parsed.data };
}

export async function applyPlanText(dbh: DbHandle, text: string, clock: Clock): Promise<PlanResult> {
  const r = readPlan(text);
  if (!r.ok) return r;
  return inOneTransaction(dbh, () => applyPlan(dbh, r.plan, clock));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function applyPlan(dbh: DbHandle, plan: Plan, clock: Clock): Promise<PlanResult> {
  const { db } = dbh;
  const now = clock.now().toISOString();
  const changes: string[] = [];
  const c = plan.campaign;

  // Campaign
  let [camp] = await db.select().from(campaigns).where(eq(campaigns.name, c.name));
  if (!camp) {
    await db.insert(campaigns).values({ name: c.name, timezone: c.timezone, locale: c.locale, workdayCalendar: c.workday_calendar, createdAt: now }).run();
    [camp] = await db.select().from(campaigns).where(eq(campaigns.name, c.name));
    changes.push(`+ campaign ${c.name}`);
  } else if (camp.timezone !== c.timezone || camp.locale !== c.locale || camp.workdayCalendar !== c.workday_calendar) {
    await db.update(campaigns).set({ timezone: c.timezone, locale: c.locale, workdayCalendar: c.workday_calendar }).where(eq(campaigns.id, camp.id)).run();
    changes.push(`~ campaign ${c.name}: timezone/locale/calendar`);
  }
  const cid = camp!.id;
  // The campaign's job schedule changes (plan `jobs:`), kept in campaigns.settings; only the keys given are stored.
  const jobs = Object.fromEntries(Object.entries(plan.jobs).filter(([, v]) => v && Object.keys(v).length));
  const settings: Record<string, unknown> = { ...(camp!.settings ?? {}), jobs };
  if (JSON.stringify((camp!.settings ?? {})['jobs'] ?? {}) !== JSON.stringify(jobs)) {
    await db.update(campaigns).set({ settings }).where(eq(campaigns.id, cid)).run();
    changes.push(`~ campaign ${c.name}: job schedules`);
  }
  // The plan's holiday schedule (`calendar:`), kept as written (dates and ranges) in campaigns.settings.
  const calendar = plan.calendar.holidays.length || plan.calendar.workdays.length ? plan.calendar : undefined;
  if (JSON.stringify(settings['calendar']) !== JSON.stringify(calendar)) {
    const { calendar: _old, ...rest } = settings;
    await db.update(campaigns).set({ settings: calendar ? { ...rest, calendar } : rest }).where(eq(campaigns.id, cid)).run();
    changes.push(`~ campaign ${c.name}: holiday calendar`);
  }
  // The ledger's settings (`ledger:`, e.g. yellow_within for the 🟡 light), the phases (`phases:`) and each reporting
  // rule's reminder channels and metrics (remind_by, metrics; read by src/reports/rule-options.ts, by rule name), kept
  // in campaigns.settings only when the plan gives them, so a plan without them changes nothing.
  const [fresh] = await db.select({ settings: campaigns.settings }).from(campaigns).where(eq(campaigns.id, cid));
  const kept: Record<string, unknown> = { ...(fresh?.settings ?? {}) };
  const ledger = same(plan.ledger, LEDGER_DEFAULTS) ? undefined : plan.ledger;
  const phases = plan.phases.length ? plan.phases.map((p) => ({ name: p.name, from: p.from, to: p.to, goal: p.goal })) : undefined;
  const byRule = Object.fromEntries(
    plan.reporting.filter((r) => r.metrics.length || r.remind_by.join() !== 'group').map((r) => [r.name, { remind_by: [...new Set(r.remind_by)], metrics: r.metrics }]),
  );
  const reporting = Object.keys(byRule).length ? byRule : undefined;
  let settingsChanged = false;
  for (const [key, want, label] of [['ledger', ledger, 'ledger settings'], ['phases', phases, 'phases'], ['reporting', reporting, 'reporting reminders and metrics']] as const) {
    if (same(kept[key], want)) continue;
    if (want === undefined) delete kept[key];
    else kept[key] = want;
    settingsChanged = true;
    changes.push(`~ campaign ${c.name}: ${label}`);
  }
  if (settingsChanged) await db.update(campaigns).set({ settings: kept }).where(eq(campaigns.id, cid)).run();

  // Units
  const existingUnits = await db.select().from(units).where(eq(units.campaignId, cid));
  for (const u of plan.units) {
    const row = existingUnits.find((x) => x.name === u.name);
    if (!row) {
      await db.insert(units).values({ campaignId: cid, name: u.name, aliases: u.aliases }).run();
      changes.push(`+ unit ${u.name}`);
    } else if (!same(row.aliases, u.aliases) || !row.active) {
      await db.update(units).set({ aliases: u.aliases, active: true }).where(eq(units.id, row.id)).run();
      changes.push(`~ unit ${u.name}`);
    }
  }
  for (const row of existingUnits) {
    if (row.active && !plan.units.some((u) => u.name === row.name)) {
      // Kept, not deleted: tasks and reports still name it.
      await db.update(units).set({ active: false }).where(eq(units.id, row.id)).run();
      changes.push(`- unit ${row.name} (deactivated)`);
    }
  }
  const unitRows = await db.select().from(units).where(eq(units.campaignId, cid));
  // A name in the plan means the plan's unit of that name or alias, never a deactivated row that had it: a unit
  // renamed with its old name kept as an alias takes over every reference to the old name.
  const canonical = new Map<string, string>();
  for (const u of plan.units) for (const n of [u.name, ...u.aliases]) canonical.set(n, u.name);
  const unitId = (name: string) => {
    const hit = unitRows.find((u) => u.name === canonical.get(name));
    if (!hit) throw new Error(`unit ${name} vanished during apply`);
    return hit.id;
  };
  if (c.office_unit && camp!.officeUnitId !== unitId(c.office_unit)) {
    await db.update(campaigns).set({ officeUnitId: unitId(c.office_unit) }).where(eq(campaigns.id, cid)).run();
    changes.push(`~ campaign office unit ${c.office_unit}`);
  }

  // Groups
  const existingGroups = await db.select().from(groups).where(eq(groups.campaignId, cid));
  for (const g of plan.groups) {
    const leadUnitIds = [...new Set(g.lead.map(unitId))];
    const want = { leadUnitId: leadUnitIds[0]!, leadUnitIds, unitIds: g.units.map(unitId), duties: g.duties, active: true };
    const row = existingGroups.find((x) => x.name === g.name);
    if (!row) {
      await db.insert(groups).values({ campaignId: cid, name: g.name, ...want }).run();
      changes.push(`+ group ${g.name}`);
    } else if (!same({ leadUnitId: row.leadUnitId, leadUnitIds: row.leadUnitIds, unitIds: row.unitIds, duties: row.duties, active: row.active }, want)) {
      await db.update(groups).set(want).where(eq(groups.id, row.id)).run();
      changes.push(`~ group ${g.name}`);
    }
  }
  for (const row of existingGroups) {
    if (row.active && !plan.groups.some((g) => g.name === row.name)) {
      await db.update(groups).set({ active: false }).where(eq(groups.id, row.id)).run();
      changes.push(`- group ${row.name} (deactivated)`);
    }
  }
  const groupRows = await db.select().from(groups).where(eq(groups.campaignId, cid));
  const groupId = (name: string) => groupRows.find((g) => g.name === name)!.id;

  // People
  const existingPeople = await db.select().from(people).where(eq(people.campaignId, cid));
  for (const p of plan.people) {
    // `liaison: true` is the liaison role: the one thing reminders look at (liaisonsOf in src/org.ts).
    const roles = (p.liaison && !p.roles.includes('liaison') ? [...p.roles, 'liaison'] : p.roles) as Role[];
    const want = { name: p.name, unitId: unitId(p.unit), roles, leadGroupIds: p.groups.map(groupId), active: true };
    const row = existingPeople.find((x) => x.openId === p.open_id);
    if (!row) {
      await db.insert(people).values({ campaignId: cid, openId: p.open_id, ...want }).run();
      changes.push(`+ person ${p.name}`);
    } else if (!same({ name: row.name, unitId: row.unitId, roles: row.roles, leadGroupIds: row.leadGroupIds, active: row.active }, want)) {
      await db.update(people).set(want).where(eq(people.id, row.id)).run();
      changes.push(`~ person ${p.name}`);
    }
  }
  for (const row of existingPeople) {
    if (row.active && !plan.people.some((p) => p.open_id === row.openId)) {
      await db.update(people).set({ active: false }).where(eq(people.id, row.id)).run();
      changes.push(`- person ${row.name} (deactivated)`);
    }
  }

  // Chat bindings named by the plan (chats bound later with `bind` are kept unless the plan names that slot).
  const wantChats: Array<{ kind: ChatKind; groupId: number; chatId: string; label: string }> = [];
  if (c.office_chat) wantChats.push({ kind: 'office', groupId: 0, chatId: c.office_chat, label: 'office' });
  if (c.leaders_chat) wantChats.push({ kind: 'leaders', groupId: 0, chatId: c.leaders_chat, label: 'leaders' });
  for (const g of plan.groups) if (g.chat_id) wantChats.push({ kind: 'group', groupId: groupId(g.name), chatId: g.chat_id, label: g.name });
  const existingChats = await db.select().from(chats).where(eq(chats.campaignId, cid));
  for (const w of wantChats) {
    const row = existingChats.find((x) => x.kind === w.kind && x.groupId === w.groupId);
    if (!row) {
      await db.insert(chats).values({ campaignId: cid, kind: w.kind, groupId: w.groupId, chatId: w.chatId, boundBy: 'plan', boundAt: now }).run();
      changes.push(`+ chat ${w.label} ${w.chatId}`);
    } else if (row.chatId !== w.chatId) {
      await db.update(chats).set({ chatId: w.chatId, boundBy: 'plan', boundAt: now, active: true }).where(and(eq(chats.campaignId, cid), eq(chats.kind, w.kind), eq(chats.groupId, w.groupId))).run();
      changes.push(`~ chat ${w.label} ${w.chatId}`);
    }
  }

  // Reporting rules
  const existingRules = await db.select().from(reportingRules).where(eq(reportingRules.campaignId, cid));
  for (const r of plan.reporting) {
    const want = {
      cadence: r.cadence,
      due: r.due,
      who: Array.isArray(r.who) ? r.who.map(unitId) : r.who,
      remindBefore: r.remind_before,
      chats: r.chats,
      active: true,
    };
    const row = existingRules.find((x) => x.name === r.name);
    if (!row) {
      await db.insert(reportingRules).values({ campaignId: cid, name: r.name, ...want }).run();
      changes.push(`+ reporting rule ${r.name}`);
    } else if (!same({ cadence: row.cadence, due: row.due, who: row.who, remindBefore: row.remindBefore, chats: row.chats, active: row.active }, want)) {
      await db.update(reportingRules).set(want).where(eq(reportingRules.id, row.id)).run();
      changes.push(`~ reporting rule ${r.name}`);
    }
  }
  for (const row of existingRules) {
    if (row.active && !plan.reporting.some((r) => r.name === row.name)) {
      await db.update(reportingRules).set({ active: false }).where(eq(reportingRules.id, row.id)).run();
      changes.push(`- reporting rule ${row.name} (deactivated)`);
    }
  }

  // Recurring meetings (a series per title)
  const existingMeetings = await db.select().from(meetings).where(and(eq(meetings.campaignId, cid), sql`${meetings.recurrence} is not null`));
  for (const m of plan.meetings) {
    const ofGroup = m.group ? groupRows.find((g) => g.name === m.group)! : undefined;
    const attendees = m.attendees.length ? m.attendees.map(unitId) : ofGroup ? [...leadUnitsOf(ofGroup), ...ofGroup.unitIds] : [];
    const want = {
      kind: m.kind,
      groupId: m.group ? groupId(m.group) : null,
      organiserUnitId: m.organiser ? unitId(m.organiser) : null,
      attendeeUnitIds: [...new Set(attendees)],
      recurrence: m.recurrence ?? null,
      place: m.place,
      durationMin: m.duration,
    };
    const row = existingMeetings.find((x) => x.title === m.title);
    if (!row) {
      // Numbered from the campaign's counter, with the first line of the meeting's history.
      const seq = takenNumber(cid, 'M');
      await dbh.atomic([
        takeNumber(dbh, cid, 'M'),
        db.insert(meetings).values({ campaignId: cid, seq, title: m.title, createdAt: now, ...want }),
        meetingEventStatement(dbh, { campaignId: cid, id: sql`(select id from meetings where campaign_id = ${cid} and seq = ${seq})` }, { kind: 'scheduled', by: null, at: clock.now(), note: 'plan' }),
      ]);
      changes.push(`+ meeting ${m.title}`);
    } else if (!same({ kind: row.kind, groupId: row.groupId, organiserUnitId: row.organiserUnitId, attendeeUnitIds: row.attendeeUnitIds, recurrence: row.recurrence, place: row.place, durationMin: row.durationMin }, want)) {
      await db.update(meetings).set(want).where(eq(meetings.id, row.id)).run();
      changes.push(`~ meeting ${m.title}`);
    }
  }

  // Tasks named by the plan are created once, matched by title, lead unit and first deadline (the same task is often
  // given to several units: seeds/004's communities). After that the ledger owns them: an extension or a write-off
  // made in chat is not undone by applying the plan again.
  const known = await plannedKeys(dbh, cid);
  const adds: Array<{ run(): unknown }> = [];
  for (const t of plan.tasks) {
    const lead = unitId(t.lead);
    const key = taskKey(t.title, lead, t.deadline);
    const had = known.get(key);
    if (had) {
      // A phase or quarter the plan gives later (the quarter's list issued after the task) is filled in; one the plan
      // no longer names is kept, as the ledger owns the task.
      const set = { ...(t.phase && t.phase !== had.phase ? { phase: t.phase } : {}), ...(t.quarter && t.quarter !== had.quarter ? { quarter: t.quarter } : {}) };
      if (had.id && Object.keys(set).length) {
        await db.update(tasks).set(set).where(eq(tasks.id, had.id)).run();
        changes.push(`~ task ${t.title}: ${Object.keys(set).join(', ')}`);
      }
      continue;
    }
    known.set(key, { phase: t.phase ?? null, quarter: t.quarter ?? null });
    const task = { title: t.title, target: t.target, groupId: t.group ? groupId(t.group) : null, leadUnitId: lead, cooperatingUnitIds: t.cooperating.map(unitId), deadline: t.deadline, source: 'plan', phase: t.phase ?? null, quarter: t.quarter ?? null };
    adds.push(...addTaskStatements(dbh, cid, task, { by: null, at: clock.now() }, { created: 'plan' }));
    changes.push(`+ task ${t.title}${plan.tasks.filter((x) => x.title === t.title).length > 1 ? ` (${t.lead})` : ''}`);
  }
  await dbh.atomic(adds);

  if (changes.length) invalidateOrg(db);
  return { ok: true, campaign: c.name, campaignId: cid, changes };
}

const LEDGER_DEFAULTS = { yellow_within: 3, writeoff_review: false };

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
}
