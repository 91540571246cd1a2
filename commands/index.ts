// Every chat command, in the order help lists them.
import bind from './bind.js';
import type { AnyCommand } from './define.js';
import help from './help.js';

export const commands: readonly AnyCommand[] = [help, bind];
