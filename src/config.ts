// The environment, validated with zod (DESIGN.md section 2, Environment). Anything wrong is reported by name at start.
import { z } from 'zod';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = z.preprocess(blankToUndefined, z.string().optional());

const fields = z.object({
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  /** the address to listen on; by default every interface with a Lark app, only this machine in sandbox mode */
  HOST: optional,
  DATABASE_PATH: z.preprocess(blankToUndefined, z.string().default('./data/duban.db')),
  LARK_APP_ID: optional,
  LARK_APP_SECRET: optional,
  LARK_VERIFICATION_TOKEN: optional,
  LARK_ENCRYPT_KEY: optional,
  LARK_DOMAIN: z.preprocess(blankToUndefined, z.string().default('feishu')),
  LARK_MODE: z.preprocess(blankToUndefined, z.enum(['webhook', 'ws']).default('webhook')),
  /** at least 32 characters: a short token can be guessed over the network */
  ADMIN_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().min(32, 'must be at least 32 characters (the admin routes change plans and run jobs); make one with: openssl rand -hex 32').optional(),
  ),
  PLAN_FILE: optional,
  /** days handled events and sent messages are kept before the nightly retention job deletes them */
  RETENTION_DAYS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(3650).default(90)),
  /** Lark's documented send limits; configuration so a bench can raise them and report the ratio to its own bound. */
  SEND_PER_SECOND: z.preprocess(blankToUndefined, z.coerce.number().positive().default(50)),
  SEND_PER_MINUTE: z.preprocess(blankToUndefined, z.coerce.number().positive().default(1000)),
  SEND_PER_CHAT_PER_SECOND: z.preprocess(blankToUndefined, z.coerce.number().positive().default(5)),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(['info', 'warn', 'error', 'silent']).default('info')),
  /** `1`: webhook mode runs without LARK_ENCRYPT_KEY, on purpose (unsigned requests are accepted; warned at every start) */
  LARK_ALLOW_UNSIGNED: z.preprocess(blankToUndefined, z.enum(['0', '1']).default('0')),
  /**
   * `1`: with a Lark app, events are handled and replies sent on a thread of their own at a lower priority, and the
   * main thread only answers and stores (src/handler-thread.ts); faster answers under a burst, about 10 MB more memory
   */
  HANDLER_THREAD: z.preprocess(blankToUndefined, z.enum(['0', '1']).default('0')),
  /** `1`: the sandbox may run on a database that holds Lark events, on purpose */
  SANDBOX: z.preprocess(blankToUndefined, z.enum(['0', '1']).default('0')),
  /** the LARK_* variables that are set (not blank), whatever their names: the sandbox runs only when there is none */
  LARK_SET: z.array(z.string()),
});

// The environment as given, plus the names of the LARK_* variables it sets (computed, never read from the environment).
export const configSchema = z.preprocess((env) => {
  const e = (env && typeof env === 'object' ? env : {}) as Record<string, unknown>;
  const set = Object.keys(e).filter((k) => k.startsWith('LARK_') && k !== 'LARK_SET' && typeof e[k] === 'string' && (e[k] as string).trim() !== '');
  return { ...e, LARK_SET: set.sort() };
}, fields);

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Bad environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The Lark app is configured when both the app id and secret are set; otherwise the sandbox messenger is used. */
export const hasLarkApp = (c: Config) => Boolean(c.LARK_APP_ID && c.LARK_APP_SECRET);

export interface StartCheck {
  mode: 'lark' | 'sandbox';
  /** reasons not to start, each saying how to fix it */
  problems: string[];
  /** said at every start */
  warnings: string[];
}

/**
 * What the configuration allows at start (issue 16, findings 1 and 2): the sandbox only with no LARK_* variable at
 * all, both halves of the app or neither, and webhook mode only with an encrypt key (Lark signs only then) unless
 * LARK_ALLOW_UNSIGNED=1 says so on purpose. A careful operator would rather see a refusal than a half-secured bot.
 */
export function checkStart(c: Config): StartCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (Boolean(c.LARK_APP_ID) !== Boolean(c.LARK_APP_SECRET)) {
    const [set, unset] = c.LARK_APP_ID ? ['LARK_APP_ID', 'LARK_APP_SECRET'] : ['LARK_APP_SECRET', 'LARK_APP_ID'];
    problems.push(`${set} is set but ${unset} is empty: set both to connect Lark (developer console → Credentials), or neither (and no other LARK_* variable) for the local sandbox.`);
  } else if (!hasLarkApp(c) && c.LARK_SET.length) {
    problems.push(`${c.LARK_SET.join(', ')} ${c.LARK_SET.length > 1 ? 'are' : 'is'} set without LARK_APP_ID and LARK_APP_SECRET: set the app's id and secret to connect Lark, or unset every LARK_* variable for the local sandbox.`);
  }
  if (hasLarkApp(c) && c.LARK_MODE === 'webhook' && !c.LARK_ENCRYPT_KEY) {
    if (c.LARK_ALLOW_UNSIGNED === '1') {
      warnings.push('LARK_ALLOW_UNSIGNED=1: webhook requests are not signed (no LARK_ENCRYPT_KEY), so anyone who can reach /lark/events and /lark/cards can speak as anyone. Set an Encrypt Key in the developer console (Events and callbacks → Encryption strategy) and LARK_ENCRYPT_KEY.');
    } else {
      problems.push('LARK_ENCRYPT_KEY is not set: without it Lark does not sign webhook requests and anyone could post events as anyone. Set an Encrypt Key in the developer console (Events and callbacks → Encryption strategy) and put it in LARK_ENCRYPT_KEY; or use LARK_MODE=ws; or set LARK_ALLOW_UNSIGNED=1 to accept unsigned requests on purpose.');
    }
  }
  return { mode: hasLarkApp(c) ? 'lark' : 'sandbox', problems, warnings };
}
