// The message pipeline as one chain with one error boundary:
//   boundary → reply → dedupe → evidence (佐证材料) → addressed to the bot? → who is speaking → which command → may they → arguments → run
// (the reply step wraps the rest, so whatever a step answers becomes the reply). Receivers and the inbox never see
// these steps; commands never see the receivers.
import type { AnyCommand } from '../../commands/define.js';
import { commands as allCommands } from '../../commands/index.js';
import type { ContextDeps } from '../context.js';
import type { ChatMessage } from '../lark/events.js';
import type { Outgoing } from '../outbox.js';
import { compileWords } from '../router.js';
import { addressed, boundary, commandOf, dedupe, languageOf, mayThey, readArguments, reply, run, speaking, whichCommand, type StepDeps } from './steps.js';
import { evidence } from './evidence.js';
import { compose, type Turn } from './turn.js';

export interface Pipeline {
  readonly commands: readonly AnyCommand[];
  /** runs one message through the chain; the turn holds the outcome and the rows to queue */
  run(msg: ChatMessage, opts: { botKnown: boolean }): Promise<Turn>;
}

export function createPipeline(deps: ContextDeps & { commands?: readonly AnyCommand[] }): Pipeline {
  const commands = deps.commands ?? allCommands;
  const d: StepDeps = { ...deps, commands, patterns: compileWords(commands) };
  const chain = compose([boundary(d), reply(d), dedupe(d), evidence(d), addressed, speaking(d), whichCommand(d), mayThey, readArguments, run]);
  return {
    commands,
    async run(msg, opts) {
      // the command the text names, read once for every step that asks
      const named = msg.text ? commandOf(d, msg.text) : undefined;
      const turn: Turn = { msg, botKnown: opts.botKnown, named, lang: languageOf(named, msg.text), outcome: 'ignored', out: [] as Outgoing[] };
      await chain(turn);
      return turn;
    },
  };
}

export type { Turn };
