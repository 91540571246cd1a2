// What the reporting jobs share: which units must report under a rule, which have not for a period, and which chats
// hear about which units (a group chat hears about its own units, the office and leaders' chats about all).
import { and, eq } from 'drizzle-orm';
import type { JobCtx, Speaker } from '../src/context.js';
import type { Occasion } from './define.js';
import type { Db } from '../db/client.js';
import { jobRuns, reports } from '../db/schema.js';
import { at, card, esc, md, note, type Card } from '../src/lark/cards.js';
import { mustReport } from '../src/reports/status.js';
import { chatOf, leadsGroup, liaisonsOf, unitsWithoutLiaison, type Org, type Rule, type Unit } from '../src/org.js';

export async function reportedUnitIds(db: Db, org: Org, rule: Rule, period: string): Promise<Set<number>> {
  const rows = await db
    .select({ unitId: reports.unitId })
    .from(reports)
    .where(and(eq(reports.campaignId, org.campaign.id), eq(reports.ruleId, rule.id), eq(reports.period, period)));
  return new Set(rows.map((r) => r.unitId));
}

export async function missingUnits(db: Db, org: Org, rule: Rule, period: string): Promise<Unit[]> {
  const done = await reportedUnitIds(db, org, rule, period);
  return mustReport(org, rule).filter((u) => !done.has(u.id));
}

/** Each chat the rule posts to, with the units that chat should hear about. */
export function audiences(org: Org, rule: Rule, units: Unit[]): Array<{ chatId: string; units: Unit[] }> {
  const out: Array<{ chatId: string; units: Unit[] }> = [];
  const ids = new Set(units.map((u) => u.id));
  for (const target of rule.chats) {
    if (target === 'groups') {
      for (const g of org.groups) {
        const chatId = chatOf(org, 'group', g.id);
        if (!chatId) continue;
        const mine = units.filter((u) => leadsGroup(g, u.id) || g.unitIds.includes(u.id));
        // With group_leads a group hears only about its own lead units (they report for the group).
        const relevant = rule.who === 'group_leads' ? mine.filter((u) => leadsGroup(g, u.id)) : mine;
        if (relevant.length) out.push({ chatId, units: relevant });
      }
    } else if (target === 'office' || target === 'leaders') {
      const chatId = chatOf(org, target);
      if (chatId && units.length) out.push({ chatId, units });
    } else if (ids.size) {
      out.push({ chatId: target, units });
    }
  }
  return out;
}

/** "区公安局 @张丽" lines: the unit by name, only its liaisons mentioned (open_ids come from our tables). */
export function unitLines(org: Org, units: Unit[]): string {
  return units
    .map((u) => {
      const who = liaisonsOf(org, u.id).map((p) => at(p.openId)).join(' ');
      return `- ${esc(u.name)}${who ? ' ' + who : '（未登记联络员）'}`;
    })
    .join('\n');
}

/** The report form to copy, in the campaign's language. */
export const reportTemplate = (say: Pick<Speaker, 't'>) =>
  say.t('@督办 汇报\n进展：…\n问题：…（没有写“无”）\n下一步：…\n指标：拆除=0，面积=0（如有）', '@Duban report\nprogress: …\nproblems: … (write "none" if none)\nnext: …\nmetrics: a=0, b=0 (if any)');
// The office hears once per rule and period which missing units nobody could be reminded for; the reminder and the
// chase share this job_runs row, so the second of them (and the second reminder offset) stays quiet.
const NO_LIAISON = 'no-liaison';
const noLiaisonKey = (rule: Rule, period: string) => `${rule.name}:${period}`;

/**
 * The office's notice "区网信办未登记联络员，无法提醒", when some of `missing` have no liaison and the office has not
 * been told for this rule and period; with the statement that records it was told (run it with the posts).
 */
export async function noLiaisonNotice(ctx: JobCtx, rule: Rule, period: string, missing: Unit[], at: Date): Promise<{ chatId: string; card: Card; record: { run(): unknown } } | undefined> {
  const { org, t, speaker: say } = ctx;
  const office = chatOf(org, 'office');
  const nobody = unitsWithoutLiaison(org, missing);
  if (!office || !nobody.length) return undefined;
  const key = noLiaisonKey(rule, period);
  const [told] = await ctx.db
    .select({ job: jobRuns.job })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, NO_LIAISON), eq(jobRuns.campaignId, org.campaign.id), eq(jobRuns.period, key), eq(jobRuns.chatId, office)));
  if (told) return undefined;
  const names = say.list(nobody.map((u) => u.name));
  return {
    chatId: office,
    card: card({
      title: t(`【联络员未登记】${rule.name} ${say.period(period, rule)}`, `No liaison registered: ${rule.name} ${say.period(period, rule)}`),
      template: 'yellow',
      elements: [
        md(t(`${esc(names)}未登记联络员，无法提醒。`, `${esc(names)}: no liaison registered, so nobody could be reminded.`)),
        note(t('请在计划文件中为该单位登记联络员（people 中 liaison: true），或由办公室代为催报。', 'Register a liaison for the unit in the plan (people: liaison: true), or chase the unit from the office.')),
      ],
    }),
    record: ctx.db.insert(jobRuns).values({ job: NO_LIAISON, campaignId: org.campaign.id, period: key, chatId: office, ranAt: at.toISOString() }).onConflictDoNothing(),
  };
}

/** The reminder's and the chase's effect: the record that the office was told about units without a liaison. */
export async function noLiaisonRecord(ctx: JobCtx, occ: Occasion, now: Date): Promise<Array<{ run(): unknown }>> {
  const rule = ctx.org.rules.find((r) => r.id === occ.data?.ruleId);
  if (!rule) return [];
  const period = String(occ.data?.period);
  const notice = await noLiaisonNotice(ctx, rule, period, await missingUnits(ctx.db, ctx.org, rule, period), now);
  return notice ? [notice.record] : [];
}

/** The posts with the office's notice added: into the office chat's own post when there is one (one message per chat). */
export function withNotice<P extends { chatId: string; card: Card }>(posts: P[], notice: { chatId: string; card: Card } | undefined): Array<P | { chatId: string; card: Card }> {
  if (!notice) return posts;
  const mine = posts.find((p) => p.chatId === notice.chatId);
  if (!mine) return [...posts, notice];
  return posts.map((p) => (p === mine ? { ...p, card: { ...p.card, body: { elements: [...p.card.body.elements, ...notice.card.body.elements] } } } : p));
}

