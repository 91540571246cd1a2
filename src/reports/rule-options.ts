// A reporting rule's plan options that have no column of their own: how its reminders go out (remind_by: the bound
// chats, and/or privately to each liaison with a form) and the metrics its units report (one form input each).
// The plan keeps them in campaigns.settings.reporting under the rule's name (src/plan/apply.ts).
import type { Campaign, Rule } from '../org.js';

export interface RuleOptions {
  remindBy: ReadonlyArray<'group' | 'dm'>;
  metrics: readonly string[];
}

export function ruleOptions(campaign: Pick<Campaign, 'settings'>, rule: Pick<Rule, 'name'>): RuleOptions {
  const all = (campaign.settings as { reporting?: Record<string, { remind_by?: Array<'group' | 'dm'>; metrics?: string[] }> } | null)?.reporting;
  const mine = all?.[rule.name];
  return { remindBy: mine?.remind_by?.length ? mine.remind_by : ['group'], metrics: mine?.metrics ?? [] };
}
