// Who a meeting concerns: its attendee units by name, the chats its notices go to, and the people its calendar event invites.
import { chatOf, leadsGroup, leadUnitsOf, liaisonsOf, matchUnit, type Org, type Person, type Unit } from '../org.js';
import type { Meeting } from './store.js';

export interface UnitMiss {
  name: string;
  candidates: Unit[];
}

/** Matches each name to a unit (name, alias or unambiguous prefix); every miss is reported with its candidates. */
export function resolveUnits(org: Org, names: string[]): { ok: true; units: Unit[] } | { ok: false; misses: UnitMiss[] } {
  const units: Unit[] = [];
  const misses: UnitMiss[] = [];
  for (const name of names) {
    const m = matchUnit(org, name);
    if (m.ok) {
      if (!units.includes(m.value)) units.push(m.value);
    } else misses.push({ name, candidates: m.candidates });
  }
  return misses.length ? { ok: false, misses } : { ok: true, units };
}

/** "没有找到单位「区公安」，可能是：区公安局" — or the full list of units when nothing is close. */
export function describeMiss(org: Org, miss: UnitMiss, lang: 'zh' | 'en'): string {
  const list = (miss.candidates.length ? miss.candidates : org.units).map((u) => u.name).join(lang === 'zh' ? '、' : ', ');
  if (miss.candidates.length) return lang === 'zh' ? `单位「${miss.name}」不明确，可能是：${list}` : `Unit "${miss.name}" is ambiguous: ${list}`;
  return lang === 'zh' ? `没有找到单位「${miss.name}」。成员单位有：${list}` : `No unit "${miss.name}". Units: ${list}`;
}

/**
 * The chats a meeting's reminders and minutes go to: the group's chat for a group's meeting; otherwise a few group
 * chats that together reach every attendee unit (groups led by an attendee first, then the first group of each unit
 * still missing), so a meeting of three units is not posted into every group; and always the office chat.
 */
export function attendeeChats(org: Org, m: Pick<Meeting, 'groupId' | 'attendeeUnitIds'>): string[] {
  const out: string[] = [];
  const add = (c: string | undefined) => c && !out.includes(c) && out.push(c);
  if (m.groupId) add(chatOf(org, 'group', m.groupId));
  else {
    const missing = new Set(m.attendeeUnitIds);
    const reach = (groupId: number, unitIds: number[]) => {
      const c = chatOf(org, 'group', groupId);
      if (!c) return;
      add(c);
      for (const u of unitIds) missing.delete(u);
    };
    for (const g of org.groups) if (leadUnitsOf(g).some((u) => missing.has(u))) reach(g.id, [...leadUnitsOf(g), ...g.unitIds]);
    for (const u of [...missing]) {
      const g = org.groups.find((x) => (leadsGroup(x, u) || x.unitIds.includes(u)) && chatOf(org, 'group', x.id));
      if (g) reach(g.id, [...leadUnitsOf(g), ...g.unitIds]);
    }
  }
  add(chatOf(org, 'office'));
  return out;
}

/** The people a meeting invites: the liaisons (联络员) of its attendee units. */
export function attendeePeople(org: Org, m: Pick<Meeting, 'attendeeUnitIds'>): Person[] {
  const out: Person[] = [];
  for (const u of m.attendeeUnitIds) for (const p of liaisonsOf(org, u)) if (!out.includes(p)) out.push(p);
  return out;
}

export const unitNames = (org: Org, ids: number[], lang: 'zh' | 'en') =>
  ids.map((id) => org.unit(id)?.name).filter(Boolean).join(lang === 'zh' ? '、' : ', ');
