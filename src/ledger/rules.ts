// Who may do what to a ledger item (DESIGN.md, chat commands): the commands check these, and the cards show only the
// buttons the viewer may use (the clicker is checked again when the button runs its command).
import type { Role } from '../../db/schema.js';
import type { Actor, Org } from '../org.js';
import type { Task } from './tasks.js';

type Say = (zh: string, en: string) => string;

/** Extend, cancel and reopen: the office and the leaders. */
export const MANAGERS: readonly Role[] = ['office', 'commander', 'deputy'];
/** Add: the managers and group leads. */
export const ADDERS: readonly Role[] = ['office', 'commander', 'deputy', 'group_lead'];

export const mayManage = (actor: Actor) => actor.is(...MANAGERS);

/** 销账: the office, or a person of the lead unit (主责部门). */
export const mayWriteOff = (actor: Actor, task: Task) => actor.is('office') || actor.person.unitId === task.leadUnitId;

/** 申请延期: a person of the lead unit (主责部门) asks the office; the managers extend directly. */
export const mayAskExtension = (actor: Actor, task: Task) => actor.person.unitId === task.leadUnitId;

/** 审批: the office and the leaders decide the requests (申请延期, 销账审核). */
export const DECIDERS: readonly Role[] = MANAGERS;

/** 进展: the office, or a person of the lead or a cooperating unit. */
export const mayNote = (actor: Actor, task: Task) =>
  actor.is('office') || actor.person.unitId === task.leadUnitId || task.cooperatingUnitIds.includes(actor.person.unitId);

/** A group lead adds only into a group they lead; the managers add anywhere. */
export const mayAddInGroup = (actor: Actor, groupId: number | null | undefined) =>
  actor.is(...MANAGERS) || groupId == null || actor.leads(groupId);

function whoAmI(org: Org, actor: Actor, t: Say): string {
  const unit = org.unit(actor.person.unitId)?.name ?? '';
  const roles = actor.person.roles.length ? actor.person.roles : (['member'] as Role[]);
  const zh = roles.map((r) => ({ commander: '组长/指挥长', deputy: '副组长/副指挥长', office: '办公室', group_lead: '工作组组长', liaison: '联络员', member: '成员' })[r]).join('、');
  const en = roles.map((r) => r.replace('_', ' ')).join(', ');
  return t(`您是${unit}的${zh}`, `you are ${en} of ${unit}`);
}

export function writeOffRefusal(org: Org, actor: Actor, task: Task, t: Say): string {
  const lead = org.unit(task.leadUnitId)?.name ?? '';
  return t(
    `T${task.seq} 只能由办公室或主责（牵头）单位「${lead}」的人员销账；${whoAmI(org, actor, t)}。如需销账请联系办公室。`,
    `T${task.seq} can be written off only by the office or a person of its lead unit "${lead}"; ${whoAmI(org, actor, t)}. Ask the office.`,
  );
}

export function noteRefusal(org: Org, actor: Actor, task: Task, t: Say): string {
  const units = [task.leadUnitId, ...task.cooperatingUnitIds].map((id) => org.unit(id)?.name ?? '').filter(Boolean);
  return t(
    `T${task.seq} 的进展只能由办公室或主责、配合单位（${units.join('、')}）的人员填写；${whoAmI(org, actor, t)}。`,
    `Progress on T${task.seq} is written by the office or a person of its lead or cooperating units (${units.join(', ')}); ${whoAmI(org, actor, t)}.`,
  );
}

export function groupRefusal(org: Org, actor: Actor, groupName: string, t: Say): string {
  const mine = actor.person.leadGroupIds.map((id) => org.group(id)?.name ?? '').filter(Boolean);
  return t(
    `工作组组长只能在自己牵头的工作组（${mine.join('、') || '无'}）新增任务，「${groupName}」不在其中。其他工作组请联系办公室、组长/指挥长或副组长/副指挥长。`,
    `A group lead adds tasks only to their own groups (${mine.join(', ') || 'none'}); "${groupName}" is not one. Ask the office, the commander or a deputy.`,
  );
}

export function askRefusal(org: Org, actor: Actor, task: Task, t: Say): string {
  const lead = org.unit(task.leadUnitId)?.name ?? '';
  return t(
    `T${task.seq} 只能由主责（牵头）单位「${lead}」的人员申请延期；${whoAmI(org, actor, t)}。`,
    `Only a person of T${task.seq}'s lead unit "${lead}" may ask for its extension; ${whoAmI(org, actor, t)}.`,
  );
}
