// What a job is: its name, its schedule in the campaign's time, the occasions it fires on, and what it posts.
// The runner (jobs/runner.ts) owns the exactly-once ledger and the outbox; a job only says what and to whom.
import type { DateTime } from 'luxon';
import type { Card } from '../src/lark/cards.js';
import type { Campaign } from '../src/org.js';

// A job's context is the campaign's (src/context.ts): it speaks the campaign's locale, in its timezone.
export type { JobCtx } from '../src/context.js';
import type { JobCtx } from '../src/context.js';

/** One moment a job fires for a campaign: a reminder for one period, a digest for one week. */
export interface Occasion {
  /** the ledger's period: unique per job and campaign (e.g. '工作进度专报:2026-W48:1d', '2026-11-23') */
  period: string;
  at: DateTime;
  /** after this the occasion is stale: catch-up skips it with a log line */
  until: DateTime;
  /** job-specific data the posts need (e.g. the rule id) */
  data?: Record<string, unknown>;
}

export interface Post {
  /** the chat; for a private post, the person's open_id */
  chatId: string;
  card: Card;
  /** to one person privately (remind_by: dm): chatId is their open_id */
  private?: boolean;
}

export interface JobDef {
  name: string;
  /** the default schedule, in words, for `job list` */
  schedule: string;
  /** what it posts, for `job list` and help */
  summary: string;
  /** the occasions whose `at` falls in (from, to] */
  occasions(ctx: JobCtx, from: DateTime, to: DateTime): Occasion[] | Promise<Occasion[]>;
  /** what to post for one occasion, decided at `now` */
  posts(ctx: JobCtx, occasion: Occasion, now: Date): Promise<Post[]>;
  /** side effects that must happen with the posts (e.g. a problem moving up a level), in the same atomic write */
  effects?(ctx: JobCtx, occasion: Occasion, now: Date): Promise<Array<{ run(): unknown }>>;
  /**
   * Upkeep the job does at every tick besides its occasions, idempotent by itself (e.g. keeping the Lark calendar
   * events of standing meetings' next sittings in step). A failure is logged and tried again at the next tick.
   */
  maintain?(ctx: JobCtx, now: Date): Promise<void>;
}

export function defineJob(j: JobDef): JobDef {
  return j;
}

/** A campaign's change to one job's default schedule, from the plan's `jobs:` section (stored in campaigns.settings). */
export interface JobSetting {
  time?: string;
  off?: boolean;
}

export function jobSetting(campaign: Campaign, name: string): JobSetting {
  const jobs = (campaign.settings as { jobs?: Record<string, JobSetting> } | null)?.jobs;
  return jobs?.[name] ?? {};
}

/** The job's time of day for this campaign: the plan's `jobs.<name>.time`, or the default. */
export const timeOf = (ctx: Pick<JobCtx, 'campaign'>, name: string, fallback: string) => jobSetting(ctx.campaign, name).time ?? fallback;
