// The few Cloudflare Workers runtime types the Workers entry needs, declared here because @cloudflare/workers-types
// is not a dependency; they match the runtime's shapes for the members we use.
export interface D1Result {
  success: boolean;
  meta: { changes?: number; [k: string]: unknown };
  results?: unknown[];
}

export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  run(): Promise<D1Result>;
  all(): Promise<D1Result>;
  first(col?: string): Promise<unknown>;
  raw(): Promise<unknown[][]>;
}

export interface D1Database {
  prepare(query: string): D1PreparedStatement;
  batch(statements: D1PreparedStatement[]): Promise<D1Result[]>;
  exec(query: string): Promise<unknown>;
}

export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}

export interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
  noRetry(): void;
}
