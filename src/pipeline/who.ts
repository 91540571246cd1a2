// Who is speaking: the campaign a message belongs to (the chat's binding, else the person's only campaign) and the
// person in it. A person in several campaigns writing in an unbound chat is asked to write in that campaign's chat.
import type { Db } from '../../db/client.js';
import { statements } from '../../db/statements.js';
import { actorOf, cachedOrg, loadOrg, type Actor, type Org } from '../org.js';

export type Speaking = { kind: 'ok'; org: Org; actor: Actor } | { kind: 'unregistered'; org?: Org } | { kind: 'several'; names: string[] };

export async function resolveSpeaker(db: Db, chatId: string, openId: string): Promise<Speaking> {
  const st = statements(db);
  const bound = await st.chatCampaigns.all({ chatId });
  let campaignId: number | undefined;
  const boundIds = [...new Set(bound.map((b) => b.c))];
  if (boundIds.length === 1) campaignId = boundIds[0];
  else {
    // a chat bound to no campaign (a private chat), or to several: the person's own campaigns decide
    const mine = await st.personCampaigns.all({ openId });
    const ids = [...new Set(mine.map((m) => m.c))];
    if (ids.length > 1) {
      const orgs = await Promise.all(ids.map((id) => loadOrg(db, id)));
      return { kind: 'several', names: orgs.map((o) => o?.campaign.name ?? '') };
    }
    campaignId = ids[0];
  }
  if (campaignId === undefined) return { kind: 'unregistered' };
  const org = await cachedOrg(db, campaignId);
  if (!org) return { kind: 'unregistered' };
  const person = org.people.find((p) => p.openId === openId);
  if (!person) return { kind: 'unregistered', org };
  return { kind: 'ok', org, actor: actorOf(org, person) };
}
