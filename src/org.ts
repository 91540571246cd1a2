// The organisation of one campaign, loaded for a command: units, groups, people, bound chats, and name matching
// (a unit is named by its name, an alias, or an unambiguous prefix: 区住建委 for 区住房建设委).
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { campaigns, chats, groups, people, reportingRules, units, type Role } from '../db/schema.js';
import { fold } from './core/text.js';
import { monotonicMs } from './core/clock.js';

export type Campaign = typeof campaigns.$inferSelect;
export type Unit = typeof units.$inferSelect;
export type Group = typeof groups.$inferSelect;
export type Person = typeof people.$inferSelect;
export type ChatBinding = typeof chats.$inferSelect;
export type Rule = typeof reportingRules.$inferSelect;

export interface Org {
  campaign: Campaign;
  units: Unit[];
  groups: Group[];
  people: Person[];
  chats: ChatBinding[];
  rules: Rule[];
  unit(id: number | null | undefined): Unit | undefined;
  group(id: number | null | undefined): Group | undefined;
}

// Loading an organisation costs a few queries (about 1.5 ms for 200 units); every message needs one. A short-lived
// cache per database keeps that off the hot path. Writes in this process invalidate it at once; a plan applied by
// another process (the CLI) is seen within ORG_TTL_MS.
const ORG_TTL_MS = 10_000;
const orgCache = new WeakMap<object, Map<number, { org: Org; at: number }>>();

export async function cachedOrg(db: Db, campaignId: number): Promise<Org | undefined> {
  let byId = orgCache.get(db);
  if (!byId) orgCache.set(db, (byId = new Map()));
  const hit = byId.get(campaignId);
  if (hit && monotonicMs() - hit.at < ORG_TTL_MS) return hit.org;
  const org = await loadOrg(db, campaignId);
  if (org) byId.set(campaignId, { org, at: monotonicMs() });
  return org;
}

/** Forget cached organisations of this database (after a plan apply, a bind, the bot added to or removed from a chat). */
export function invalidateOrg(db: Db): void {
  orgCache.delete(db);
}

export async function loadOrg(db: Db, campaignId: number): Promise<Org | undefined> {
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  if (!campaign) return undefined;
  const [u, g, p, c, r] = await Promise.all([
    db.select().from(units).where(and(eq(units.campaignId, campaignId), eq(units.active, true))),
    db.select().from(groups).where(and(eq(groups.campaignId, campaignId), eq(groups.active, true))),
    db.select().from(people).where(and(eq(people.campaignId, campaignId), eq(people.active, true))),
    db.select().from(chats).where(eq(chats.campaignId, campaignId)),
    db.select().from(reportingRules).where(and(eq(reportingRules.campaignId, campaignId), eq(reportingRules.active, true))),
  ]);
  const unitMap = new Map(u.map((x) => [x.id, x]));
  const groupMap = new Map(g.map((x) => [x.id, x]));
  return {
    campaign,
    units: u,
    groups: g,
    people: p,
    chats: c,
    rules: r,
    unit: (id) => (id == null ? undefined : unitMap.get(id)),
    group: (id) => (id == null ? undefined : groupMap.get(id)),
  };
}

export type Match<T> = { ok: true; value: T } | { ok: false; reason: 'unknown' | 'ambiguous'; candidates: T[] };

function matchNamed<T>(items: T[], names: (t: T) => string[], query: string): Match<T> {
  const q = fold(query);
  if (!q) return { ok: false, reason: 'unknown', candidates: [] };
  const exact = items.filter((t) => names(t).some((n) => fold(n) === q));
  if (exact.length === 1) return { ok: true, value: exact[0]! };
  if (exact.length > 1) return { ok: false, reason: 'ambiguous', candidates: exact };
  const prefix = items.filter((t) => names(t).some((n) => fold(n).startsWith(q)));
  if (prefix.length === 1) return { ok: true, value: prefix[0]! };
  if (prefix.length > 1) return { ok: false, reason: 'ambiguous', candidates: prefix };
  // People also write the short form inside a longer phrase: 新河街 for 新河街道办事处 is a prefix, but
  // 住建委 inside 区住房建设委 is not; aliases cover those.
  return { ok: false, reason: 'unknown', candidates: [] };
}

export const matchUnit = (org: Org, q: string) => matchNamed(org.units, (u) => [u.name, ...u.aliases], q);
export const matchGroup = (org: Org, q: string) => matchNamed(org.groups, (g) => [g.name], q);

export type Scope = { kind: 'unit'; unit: Unit } | { kind: 'group'; group: Group };

/** "status 维稳保障组" or "status 区公安局": a group or a unit, groups first when both would match. */
export function matchScope(org: Org, q: string): Match<Scope> {
  const g = matchGroup(org, q);
  if (g.ok) return { ok: true, value: { kind: 'group', group: g.value } };
  const u = matchUnit(org, q);
  if (u.ok) return { ok: true, value: { kind: 'unit', unit: u.value } };
  const candidates: Scope[] = [
    ...(g.ok ? [] : g.candidates.map((group) => ({ kind: 'group' as const, group }))),
    ...(u.ok ? [] : u.candidates.map((unit) => ({ kind: 'unit' as const, unit }))),
  ];
  return { ok: false, reason: candidates.length ? 'ambiguous' : 'unknown', candidates };
}

/** A group's lead units (牵头单位): one, or several (seeds/000's 搬迁安置组: 经开区管委会、区住房建设委). */
export function leadUnitsOf(g: Pick<Group, 'leadUnitId' | 'leadUnitIds'>): number[] {
  return g.leadUnitIds.length ? g.leadUnitIds : [g.leadUnitId];
}

/** True when the unit is one of the group's lead units. */
export const leadsGroup = (g: Pick<Group, 'leadUnitId' | 'leadUnitIds'>, unitId: number) => leadUnitsOf(g).includes(unitId);

/** Units a group is made of: its lead units first, then its responsible units. */
export function unitsOfGroup(org: Org, g: Group): Unit[] {
  const leads = leadUnitsOf(g);
  const ids = [...leads, ...g.unitIds.filter((id) => !leads.includes(id))];
  return ids.map((id) => org.unit(id)).filter((u): u is Unit => Boolean(u));
}

/**
 * The liaisons (联络员) of a unit: the people a reminder about its reports or tasks @-mentions. Only people with the
 * liaison role (a plan's `liaison: true` gives it): a commander, deputy or member of the unit is never mentioned in
 * its place (seeds/001: each member unit names one 处级 cadre as liaison). Empty when the unit has none registered;
 * the reminder jobs then tell the office (unitsWithoutLiaison).
 */
export function liaisonsOf(org: Org, unitId: number): Person[] {
  return org.people.filter((p) => p.unitId === unitId && p.roles.includes('liaison'));
}

/** Of these units, the ones nobody can be reminded for: no liaison registered. */
export function unitsWithoutLiaison(org: Org, units: readonly Unit[]): Unit[] {
  return units.filter((u) => liaisonsOf(org, u.id).length === 0);
}

export function officeContacts(org: Org): Person[] {
  return org.people.filter((p) => p.roles.includes('office'));
}

export function chatOf(org: Org, kind: 'office' | 'leaders'): string | undefined;
export function chatOf(org: Org, kind: 'group', groupId: number): string | undefined;
export function chatOf(org: Org, kind: 'office' | 'leaders' | 'group', groupId = 0): string | undefined {
  return org.chats.find((c) => c.kind === kind && c.groupId === groupId && c.active)?.chatId;
}

/** The person who sent a message, with their roles in this campaign. */
export interface Actor {
  person: Person;
  unit: Unit | undefined;
  roles: ReadonlySet<Role>;
  is(...roles: Role[]): boolean;
  leads(groupId: number | null | undefined): boolean;
}

export function actorOf(org: Org, person: Person): Actor {
  const roles = new Set<Role>([...person.roles, 'member']);
  return {
    person,
    unit: org.unit(person.unitId),
    roles,
    is: (...want) => want.some((r) => roles.has(r)),
    leads: (groupId) => groupId != null && roles.has('group_lead') && person.leadGroupIds.includes(groupId),
  };
}

/** The reader of a card a job posts into a chat: nobody in particular, so cards show no role-bound actions. */
export function observer(org: Org): Actor {
  const person: Person = { id: 0, campaignId: org.campaign.id, name: '', openId: '', unitId: 0, roles: [], leadGroupIds: [], active: true };
  return { person, unit: undefined, roles: new Set(), is: () => false, leads: () => false };
}
