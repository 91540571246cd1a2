// One message's way through the pipeline (grammY's Composer, Koa's middleware): a chain of small steps over a Turn,
// each deciding to answer and stop, or to call the next. What the turn says back is queued by the inbox/outbox
// transaction in bot.ts; nothing here writes it.
import type { AnyCommand, Reply } from '../../commands/define.js';
import type { Ctx, Lang } from '../context.js';
import type { ChatMessage } from '../lark/events.js';
import type { Actor, Org } from '../org.js';
import type { Outgoing } from '../outbox.js';
import type { Matched } from '../router.js';

export interface Turn {
  msg: ChatMessage;
  /** false while the bot's own open_id is unknown: a group mention cannot be told apart yet (it waits in the inbox) */
  botKnown: boolean;
  /** the command the message's text names, if any (src/pipeline/steps.ts commandOf) */
  named?: Matched;
  /** the language to answer in until a command says otherwise */
  lang: Lang;
  outcome: string;
  org?: Org;
  actor?: Actor;
  matched?: Matched;
  ctx?: Ctx;
  args?: unknown;
  /** what to say back; the reply step turns it into outbox rows */
  reply?: Reply;
  /** the outbox rows this turn queues */
  out: Outgoing[];
}

export type Next = () => Promise<void>;
export type Step = (turn: Turn, next: Next) => Promise<void>;

/** The steps as one: each runs when the one before calls next(). */
export function compose(steps: readonly Step[]): (turn: Turn) => Promise<void> {
  return (turn) => {
    const run = async (i: number): Promise<void> => {
      const step = steps[i];
      if (step) await step(turn, () => run(i + 1));
    };
    return run(0);
  };
}

export type { AnyCommand };
