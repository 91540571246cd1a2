// Who hears about a notice: the unit's group chats (every bound chat of a working group it leads or belongs to), its
// liaisons privately, the issuer, the office chat; and who may act on it (the unit replies, the issuer, the office and
// the commander close). Posts to other chats speak the campaign's language, whatever language the command was in.
import { DateTime } from 'luxon';
import { campaignSpeaker } from '../context.js';
import { chatOf, leadsGroup, type Actor, type Org } from '../org.js';
import type { NoticeView } from './cards.js';
import type { Notice } from './store.js';

/** The roles that issue notices (督办 is the office's and the leaders' instrument). */
export const ISSUERS = ['office', 'commander', 'deputy'] as const;

/** The bound chats of the working groups a unit leads or belongs to, each once, in plan order. */
export function unitChats(org: Org, unitId: number): string[] {
  const out: string[] = [];
  for (const g of org.groups) {
    if (!leadsGroup(g, unitId) && !g.unitIds.includes(unitId)) continue;
    const chat = chatOf(org, 'group', g.id);
    if (chat && !out.includes(chat)) out.push(chat);
  }
  return out;
}

/** The office chat, when bound. */
export const officeChat = (org: Org) => chatOf(org, 'office');

/** A view that speaks the campaign's language, for cards posted to chats other than the one the command came from. */
export function campaignView(org: Org): NoticeView {
  const say = campaignSpeaker(org.campaign);
  return { t: say.t, lang: say.lang, org, campaign: org.campaign };
}

/** Today's date in the campaign's timezone. */
export const todayIn = (org: Org, now: Date) => DateTime.fromJSDate(now, { zone: org.campaign.timezone }).toISODate()!;

/** A reply comes from the unit itself: its liaison or any person registered in it. The office does not answer for a unit. */
export const mayReply = (actor: Actor, n: Notice) => actor.unit?.id === n.unitId;

/**
 * Closing (办结) is the issuer's decision; the office, which keeps the notices, and the commander may also close any.
 * A deputy closes the notices they issued.
 */
export const mayClose = (actor: Actor, n: Notice) => actor.person.id === n.issuedBy || actor.is('office', 'commander');
