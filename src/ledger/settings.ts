// The campaign's ledger settings from the plan's `ledger:` section (kept in campaigns.settings.ledger): how many
// workdays before a deadline a task turns yellow, and whether a unit's 销账 waits for the office's review (销账审核).
import type { Campaign } from '../org.js';

export interface LedgerSettings {
  yellowWithin: number;
  writeoffReview: boolean;
}

export function ledgerSettingsOf(campaign: Pick<Campaign, 'settings'>): LedgerSettings {
  const l = ((campaign.settings ?? {}) as { ledger?: { yellow_within?: unknown; writeoff_review?: unknown } }).ledger ?? {};
  return {
    yellowWithin: typeof l.yellow_within === 'number' ? l.yellow_within : 3,
    writeoffReview: l.writeoff_review === true,
  };
}
