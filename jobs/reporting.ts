// What the reporting jobs share: which units must report under a rule, which have not for a period, and which chats
// hear about which units (a group chat hears about its own units, the office and leaders' chats about all).
import { and, eq } from 'drizzle-orm';
import type { Speaker } from '../src/context.js';
import type { Db } from '../db/client.js';
import { reports } from '../db/schema.js';
import { at, esc } from '../src/lark/cards.js';
import { mustReport } from '../src/reports/status.js';
import { chatOf, liaisonsOf, type Org, type Rule, type Unit } from '../src/org.js';

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
        const mine = units.filter((u) => u.id === g.leadUnitId || g.unitIds.includes(u.id));
        // With group_leads a group hears only about its own lead unit (that unit reports for the group).
        const relevant = rule.who === 'group_leads' ? mine.filter((u) => u.id === g.leadUnitId) : mine;
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

/** "区公安局 @张丽" lines: the unit by name, its liaisons mentioned (open_ids come from our tables). */
export function unitLines(org: Org, units: Unit[]): string {
  return units
    .map((u) => {
      const who = liaisonsOf(org, u.id).map((p) => at(p.openId)).join(' ');
      return `- ${esc(u.name)}${who ? ' ' + who : ''}`;
    })
    .join('\n');
}

/** The report form to copy, in the campaign's language. */
export const reportTemplate = (say: Pick<Speaker, 't'>) =>
  say.t('@督办 汇报\n进展：…\n问题：…（没有写“无”）\n下一步：…\n指标：拆除=0，面积=0（如有）', '@Duban report\nprogress: …\nproblems: … (write "none" if none)\nnext: …\nmetrics: a=0, b=0 (if any)');
