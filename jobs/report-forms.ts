// The private half of remind_by: [dm]: each liaison of each unit that has not reported gets the report form (src/reports/
// form-card.ts) in a private message, once per rule and period — at the first reminder, or at the chase when the rule
// has no reminder before it. The job ledger (job_runs, job 'report-form', one row per liaison) keeps it to once.
import { and, eq, inArray } from 'drizzle-orm';
import { jobRuns } from '../db/schema.js';
import { dueOf } from '../src/core/periods.js';
import { reportFormCard } from '../src/reports/form-card.js';
import { ruleOptions } from '../src/reports/rule-options.js';
import { liaisonsOf, type Person, type Rule, type Unit } from '../src/org.js';
import type { JobCtx, Occasion, Post } from './define.js';
import { missingUnits } from './reporting.js';

const FORM = 'report-form';
const formKey = (rule: Rule, period: string) => `${rule.name}:${period}`;

/** The liaisons of `missing` units who have not had this period's form yet, with their unit. */
async function unsent(ctx: JobCtx, rule: Rule, period: string, missing: Unit[]): Promise<Array<{ person: Person; unit: Unit }>> {
  if (!ruleOptions(ctx.campaign, rule).remindBy.includes('dm')) return [];
  const all = missing.flatMap((unit) => liaisonsOf(ctx.org, unit.id).filter((p) => /^ou_/.test(p.openId)).map((person) => ({ person, unit })));
  if (!all.length) return [];
  const sent = await ctx.db
    .select({ to: jobRuns.chatId })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, FORM), eq(jobRuns.campaignId, ctx.campaign.id), eq(jobRuns.period, formKey(rule, period)), inArray(jobRuns.chatId, all.map((x) => x.person.openId))));
  const done = new Set(sent.map((s) => s.to));
  return all.filter((x) => !done.has(x.person.openId));
}

/** The private form posts of a rule's period: one per liaison not yet sent one. */
export async function formPosts(ctx: JobCtx, rule: Rule, period: string, missing: Unit[], late: boolean): Promise<Post[]> {
  const to = await unsent(ctx, rule, period, missing);
  const due = ctx.speaker.when(dueOf(rule, period, ctx.zone, ctx.calendar));
  const label = ctx.speaker.period(period, rule);
  const metrics = ruleOptions(ctx.campaign, rule).metrics;
  return to.map(({ person, unit }) => ({
    chatId: person.openId,
    private: true,
    card: reportFormCard({ t: ctx.t, lang: ctx.lang, rule, period, label, due, unit, metrics, late }),
  }));
}

/** The ledger rows that say those forms went out (run in the same atomic write as the posts). */
export async function formRecords(ctx: JobCtx, occ: Occasion, now: Date): Promise<Array<{ run(): unknown }>> {
  const rule = ctx.org.rules.find((r) => r.id === occ.data?.ruleId);
  if (!rule) return [];
  const period = String(occ.data?.period);
  const to = await unsent(ctx, rule, period, await missingUnits(ctx.db, ctx.org, rule, period));
  return to.map(({ person }) => ctx.db.insert(jobRuns).values({ job: FORM, campaignId: ctx.campaign.id, period: formKey(rule, period), chatId: person.openId, ranAt: now.toISOString() }).onConflictDoNothing());
}
