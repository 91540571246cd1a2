// What a command is: its words (zh + en), the roles that may use it, a zod schema of its arguments, and handle().
// Commands never import Hono or the Lark SDK: the router hands them a context and sends what they return.
import type { z } from 'zod';
import type { Role } from '../db/schema.js';
import type { KeySpec } from '../src/core/args.js';
import type { Card } from '../src/lark/cards.js';
import type { Actor } from '../src/org.js';

// The context lives in src/context.ts (one for commands and jobs); re-exported here for the commands.
export type { ChatRef, Ctx, Lang } from '../src/context.js';
import type { Ctx, Lang } from '../src/context.js';

/** A reply: a text, a card, or a file with a text or a card in front of it (汇编 answers with a card and its .docx). */
export type Reply = { text: string } | { card: Card } | { file: { name: string; bytes: Buffer }; text?: string; card?: Card };

export interface Refusal {
  refused: string;
}

export interface CommandDef<A> {
  /** canonical English name, e.g. 'task add' */
  name: string;
  words: { zh: string[]; en: string[] };
  summary: { zh: string; en: string };
  /** the right form, shown in help and when arguments are wrong */
  usage: { zh: string; en: string };
  examples: string[];
  /** any of these roles may use it; 'anyone' is any registered person */
  roles: readonly Role[] | 'anyone';
  /** named argument keys, e.g. { lead: ['lead', '牵头', '主责'] } */
  keys?: KeySpec;
  /** validates { text, ...named } into the handler's arguments; messages are shown to the user */
  args: z.ZodType<A>;
  /**
   * When the arguments cannot be read: a suggestion from the campaign's own data, shown with the problem (a task named
   * by its title instead of its id: 是不是指 T1「一户一册登记」？). Never acted on: the sender writes it again.
   */
  hint?(ctx: Ctx, text: string): Promise<string | undefined>;
  /** object-level rule after the role check (e.g. only the lead unit writes off its task) */
  allow?(ctx: Ctx, args: A): Promise<true | Refusal> | true | Refusal;
  handle(ctx: Ctx, args: A): Promise<Reply>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandDef<any>;

export function defineCommand<A>(c: CommandDef<A>): CommandDef<A> {
  return c;
}

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  commander: { zh: '组长/指挥长', en: 'commander' },
  deputy: { zh: '副组长/副指挥长', en: 'deputy' },
  office: { zh: '办公室', en: 'office' },
  group_lead: { zh: '工作组组长', en: 'group lead' },
  liaison: { zh: '联络员', en: 'liaison' },
  member: { zh: '成员', en: 'member' },
};

/** May this actor use this command at all (before its object-level rule)? */
export function mayUse(c: AnyCommand, actor: Actor): boolean {
  return c.roles === 'anyone' || actor.is(...c.roles);
}

export function roleList(roles: readonly Role[], lang: Lang): string {
  return roles.map((r) => ROLE_NAMES[r][lang]).join(lang === 'zh' ? '、' : ', ');
}
