// The environment, validated with zod (DESIGN.md section 2, Environment). Anything wrong is reported by name at start.
import { z } from 'zod';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = z.preprocess(blankToUndefined, z.string().optional());

export const configSchema = z.object({
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
});

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
