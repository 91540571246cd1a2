// The job runner: every minute (node-cron on Node, a Cron Trigger on Workers) it finds the occasions that fell due since
// the last tick, in each campaign's timezone, and runs each once. Exactly once is the ledger's job: the occasion marker,
// one row per chat, and the outbox rows are written in one atomic write keyed by (job, campaign, period, chat), so a
// second run, a restart or a second process sends nothing more. At start it looks back and catches up missed occasions
// that are still inside their window; stale ones are skipped with a log line.
import { and, desc, eq, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { DbHandle } from '../db/client.js';
import { campaigns, jobRuns } from '../db/schema.js';
import { stopwatch, type Clock } from '../src/core/clock.js';
import { contextFor } from '../src/context.js';
import { calendarLine, uncoveredYear } from '../src/core/calendar-notice.js';
import type { Messenger } from '../src/lark/messenger.js';
import type { Log } from '../src/log.js';
import { loadOrg } from '../src/org.js';
import { queueStatements } from '../src/outbox.js';
import { jobSetting, type JobCtx, type JobDef, type Occasion } from './define.js';

export interface RunnerDeps {
  dbh: DbHandle;
  clock: Clock;
  log: Log;
  messenger: Messenger;
  /** told when occasions queued posts, so they can be delivered now (the core decides how) */
  queued?(): void;
  jobs: readonly JobDef[];
  /** how far back the first tick looks for missed occasions */
  catchUpMs?: number;
}

export interface OccasionResult {
  job: string;
  campaign: string;
  period: string;
  /** off: the campaign's plan turned the job off (`jobs: { <name>: { off: true } }`) */
  outcome: 'sent' | 'already' | 'stale' | 'nothing' | 'off';
  posts: number;
}

const MARKER = '';

/** A job run asked for once the runner was stopped (the server is stopping). */
export class RunnerStopped extends Error {
  constructor() {
    super('the server is stopping: run the job again once it is back');
  }
}

export class JobRunner {
  private last: Date | undefined;
  private warnedYears = new Set<string>();
  private task: { stop(): void } | undefined;
  private running: Promise<OccasionResult[]> | undefined;
  private stopped = false;

  constructor(readonly deps: RunnerDeps) {}

  job(name: string): JobDef | undefined {
    return this.deps.jobs.find((j) => j.name === name);
  }

  /** Runs the occasions in (last tick, now]; the first tick after start looks back catchUpMs for missed ones. */
  async tick(now: Date = this.deps.clock.now()): Promise<OccasionResult[]> {
    // Ticks never overlap, nor an admin run: a slow run makes the next tick wait, not race (and its failure is its own).
    while (this.running) await this.running.catch(() => undefined);
    if (this.stopped) return [];
    const from = this.last ?? new Date(now.getTime() - (this.deps.catchUpMs ?? 3 * 86_400_000));
    const catchingUp = this.last === undefined;
    this.running = this.runWindow(from, now, catchingUp).finally(() => {
      this.running = undefined;
    });
    const res = await this.running;
    this.last = now;
    return res;
  }

  /**
   * `job run NAME [--at]`: the job's latest occasion at or before `at` (looking back 40 days), run through the ledger.
   * It takes its turn with the ticks (never beside one), and a stop waits for it as for a tick: the runtime closes the
   * database right after. Once stopped it runs nothing and throws RunnerStopped.
   */
  async runNow(name: string, at: Date): Promise<OccasionResult[]> {
    const job = this.job(name);
    if (!job) throw new Error(`no job "${name}"; jobs: ${this.deps.jobs.map((j) => j.name).join(', ')}`);
    while (this.running) await this.running.catch(() => undefined);
    if (this.stopped) throw new RunnerStopped();
    this.running = this.runLatest(job, at).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runLatest(job: JobDef, at: Date): Promise<OccasionResult[]> {
    const { name } = job;
    const out: OccasionResult[] = [];
    for (const ctx of await this.contexts(at)) {
      if (jobSetting(ctx.campaign, name).off) {
        out.push({ job: name, campaign: ctx.campaign.name, period: '', outcome: 'off', posts: 0 });
        continue;
      }
      const to = DateTime.fromJSDate(at, { zone: ctx.zone });
      const occ = await job.occasions(ctx, to.minus({ days: 40 }), to);
      const latest = occ.sort((a, b) => a.at.toMillis() - b.at.toMillis()).at(-1);
      if (!latest) {
        out.push({ job: name, campaign: ctx.campaign.name, period: '', outcome: 'nothing', posts: 0 });
        continue;
      }
      out.push(await this.runOccasion(job, ctx, latest, at));
    }
    if (out.some((r) => r.posts > 0)) this.deps.queued?.();
    return out;
  }

  start(schedule: (expr: string, fn: () => void) => { stop(): void }): void {
    this.task = schedule('* * * * *', () => {
      void this.tick().catch((err: unknown) => this.deps.log.error('job tick failed', { error: String(err) }));
    });
  }

  /** No more ticks; resolves when the tick under way (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.task?.stop();
    while (this.running) await this.running.catch(() => undefined);
  }

  /** The jobs with their schedules, last runs and the calendar's coverage, for `job list` and GET /admin/jobs. */
  async list(now: Date = this.deps.clock.now()) {
    const { db } = this.deps.dbh;
    const rows = await db
      .select({ job: jobRuns.job, last: sql<string>`max(${jobRuns.ranAt})`, count: sql<number>`count(*)` })
      .from(jobRuns)
      .where(eq(jobRuns.chatId, MARKER))
      .groupBy(jobRuns.job);
    const ctxs = await this.contexts(now);
    // Each campaign has its own calendar (the plan's `calendar:` dates); name the ones that lack a year's schedule.
    const lines = ctxs.map((ctx) => ({ name: ctx.campaign.name, line: calendarLine(ctx.calendar, DateTime.fromJSDate(now, { zone: ctx.zone }).year) }));
    const year = DateTime.fromJSDate(now).year;
    return {
      calendar: lines.every((l) => l.line.startsWith('official'))
        ? `official holiday schedule known for ${year} and ${year + 1}`
        : lines.map((l) => `${l.name}: ${l.line}`).join('; '),
      jobs: await Promise.all(this.deps.jobs.map(async (j) => {
        const r = rows.find((x) => x.job === j.name);
        const changes = ctxs.flatMap((ctx) => {
          const st = jobSetting(ctx.campaign, j.name);
          return st.off ? [`${ctx.campaign.name}: off`] : st.time ? [`${ctx.campaign.name}: at ${st.time}`] : [];
        });
        const next = (
          await Promise.all(
            ctxs.filter((ctx) => !jobSetting(ctx.campaign, j.name).off).map(async (ctx) => {
              const from = DateTime.fromJSDate(now, { zone: ctx.zone });
              return (await j.occasions(ctx, from, from.plus({ days: 35 }))).sort((a, b) => a.at.toMillis() - b.at.toMillis())[0]?.at;
            }),
          )
        )
          .filter((x): x is DateTime => Boolean(x))
          .sort((a, b) => a.toMillis() - b.toMillis())[0];
        return { name: j.name, schedule: j.schedule, changes, summary: j.summary, lastRun: r?.last ?? null, runs: Number(r?.count ?? 0), next: next?.toISO() ?? null };
      })),
    };
  }

  private async contexts(now: Date): Promise<JobCtx[]> {
    const { dbh, log } = this.deps;
    const all = await dbh.db.select({ id: campaigns.id }).from(campaigns);
    const out: JobCtx[] = [];
    for (const { id } of all) {
      const org = await loadOrg(dbh.db, id);
      if (!org) continue;
      const ctx = contextFor({ ...this.deps, log: log.child({ campaign: id }) }, org);
      const missing = uncoveredYear(ctx.calendar, DateTime.fromJSDate(now, { zone: ctx.zone }).year);
      if (missing !== undefined && ctx.calendar.kind !== 'none' && !this.warnedYears.has(`${id}:${missing}`)) {
        this.warnedYears.add(`${id}:${missing}`);
        log.warn('holiday calendar has no official schedule for this year: Monday–Friday with the fixed-date holidays until the plan adds calendar: dates', { year: missing, campaign: org.campaign.name });
      }
      out.push(ctx);
    }
    return out;
  }

  private async runWindow(from: Date, to: Date, catchingUp: boolean): Promise<OccasionResult[]> {
    const results: OccasionResult[] = [];
    campaigns: for (const ctx of await this.contexts(to)) {
      const f = DateTime.fromJSDate(from, { zone: ctx.zone });
      const t = DateTime.fromJSDate(to, { zone: ctx.zone });
      for (const job of this.deps.jobs) {
        // The runner shares the event loop with the webhook: between jobs it lets waiting requests be answered.
        await yieldTurn();
        // A stop ends the tick between two jobs (each occasion is written whole); the next start catches up.
        if (this.stopped) break campaigns;
        // A job the plan turned off posts nothing for this campaign; its upkeep (the calendar) still runs.
        const occasions = jobSetting(ctx.campaign, job.name).off ? [] : await job.occasions(ctx, f, t);
        for (const occ of occasions) {
          if (occ.until.toMillis() <= to.getTime()) {
            if (catchingUp && !(await this.ran(job.name, ctx.campaign.id, occ.period))) {
              this.deps.log.info('missed job occasion skipped: its window has passed', { job: job.name, campaign: ctx.campaign.id, period: occ.period, at: occ.at.toISO() });
              results.push({ job: job.name, campaign: ctx.campaign.name, period: occ.period, outcome: 'stale', posts: 0 });
            }
            continue;
          }
          results.push(await this.runOccasion(job, ctx, occ, to));
        }
        if (job.maintain) {
          await job.maintain(ctx, to).catch((err: unknown) => ctx.log.warn('job upkeep failed; next tick tries again', { job: job.name, error: String(err) }));
        }
      }
    }
    if (results.some((r) => r.posts > 0)) this.deps.queued?.();
    return results;
  }

  private async ran(job: string, campaignId: number, period: string): Promise<boolean> {
    const hit = await this.deps.dbh.db
      .select({ j: jobRuns.job })
      .from(jobRuns)
      .where(and(eq(jobRuns.job, job), eq(jobRuns.campaignId, campaignId), eq(jobRuns.period, period), eq(jobRuns.chatId, MARKER)))
      .limit(1);
    return hit.length > 0;
  }

  private async runOccasion(job: JobDef, ctx: JobCtx, occ: Occasion, now: Date): Promise<OccasionResult> {
    const base = { job: job.name, campaign: ctx.campaign.name, period: occ.period };
    if (await this.ran(job.name, ctx.campaign.id, occ.period)) return { ...base, outcome: 'already', posts: 0 };
    const elapsed = stopwatch();
    const removed = new Set(ctx.org.chats.filter((c) => !c.active).map((c) => c.chatId));
    const posts = (await job.posts(ctx, occ, now)).filter((p) => p.chatId && !removed.has(p.chatId));
    const effects = job.effects ? await job.effects(ctx, occ, now) : [];
    const { dbh } = this.deps;
    const ranAt = now.toISOString();
    const values = (chatId: string) => ({ job: job.name, campaignId: ctx.campaign.id, period: occ.period, chatId, ranAt });
    const row = (chatId: string) => dbh.db.insert(jobRuns).values(values(chatId)).onConflictDoNothing();
    const seen = new Set<string>();
    // The occasion marker is the claim. It is inserted without ON CONFLICT: when another process (or an overlapping
    // `job run`) has written it since the check above, the insert fails and the whole atomic write rolls back — its
    // effects and outbox rows with it — so only one writer ever queues an occasion.
    const statements = [dbh.db.insert(jobRuns).values(values(MARKER)), ...effects];
    for (const p of posts) {
      if (seen.has(p.chatId)) continue;
      seen.add(p.chatId);
      statements.push(row(p.chatId));
      statements.push(
        ...queueStatements(
          dbh,
          p.private
            ? { dedupeKey: `job:${job.name}:${ctx.campaign.id}:${occ.period}:${p.chatId}`, campaignId: ctx.campaign.id, kind: 'send', target: p.chatId, targetType: 'open_id', msgType: 'interactive', content: p.card }
            : { dedupeKey: `job:${job.name}:${ctx.campaign.id}:${occ.period}:${p.chatId}`, campaignId: ctx.campaign.id, kind: 'send', target: p.chatId, chatId: p.chatId, msgType: 'interactive', content: p.card },
          now,
        ),
      );
    }
    try {
      await dbh.atomic(statements);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      this.deps.log.info('job occasion taken by another run', { job: job.name, campaign: ctx.campaign.id, period: occ.period });
      return { ...base, outcome: 'already', posts: 0 };
    }
    this.deps.log.info('job run', { job: job.name, campaign: ctx.campaign.id, period: occ.period, posts: seen.size, ms: elapsed(), outcome: seen.size ? 'sent' : 'nothing' });
    return { ...base, outcome: seen.size ? 'sent' : 'nothing', posts: seen.size };
  }

  /** Last ledger rows, newest first (for tests and operators). */
  async ledger(limit = 50) {
    return this.deps.dbh.db.select().from(jobRuns).orderBy(desc(jobRuns.ranAt)).limit(limit);
  }
}

/** A unique or primary key violation, from better-sqlite3 (error code) or D1 (message), possibly wrapped by drizzle. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
    if (/UNIQUE constraint failed/.test(String((e as { message?: unknown }).message ?? ''))) return true;
  }
  return false;
}

/**
 * Gives the event loop a turn: waiting I/O (requests to answer) runs first. setImmediate costs microseconds where a
 * timer costs at least a millisecond, which the sandbox's clock, ticking the runner minute by minute, would feel.
 */
const yieldTurn = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
