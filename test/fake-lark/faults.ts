// Reproducible fault injection for message sends (seeded PRNG plus a deterministic failNext queue).
import type { FaultConfig, FaultKind, RouteReply } from './types.js';

/** mulberry32: tiny, fast and good enough to make fault patterns reproducible from a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULT_SEED = 1;

export class FaultInjector {
  private queue: FaultKind[] = [];
  private rng: () => number = mulberry32(DEFAULT_SEED);
  private seededWith = DEFAULT_SEED;

  reseed(seed: number | undefined): void {
    this.seededWith = seed ?? DEFAULT_SEED;
    this.rng = mulberry32(this.seededWith);
  }

  failNext(n: number, kind: FaultKind): void {
    for (let i = 0; i < n; i++) this.queue.push(kind);
  }

  clear(): void {
    this.queue = [];
    this.reseed(undefined);
  }

  /** Decide the fate of one message send; null means "let it through". */
  decide(f: FaultConfig): FaultKind | null {
    // Tests may mutate fake.faults.seed directly instead of calling setFaults.
    if ((f.seed ?? DEFAULT_SEED) !== this.seededWith) this.reseed(f.seed);
    const queued = this.queue.shift();
    if (queued) return queued;
    if (f.down) return 'down';
    const rl = f.rateLimit ?? 0;
    const crl = f.chatRateLimit ?? 0;
    const se = f.serverError ?? 0;
    if (rl + crl + se <= 0) return null;
    const r = this.rng();
    if (r < rl) return 'rateLimit';
    if (r < rl + crl) return 'chatRateLimit';
    if (r < rl + crl + se) return 'serverError';
    return null;
  }

  /** The HTTP answer for an injected fault ('down' is handled by the caller: it has no answer). */
  reply(kind: Exclude<FaultKind, 'down'>, f: FaultConfig): RouteReply {
    switch (kind) {
      case 'rateLimit': {
        const reset = String(f.resetSeconds ?? 1);
        return {
          status: 429,
          body: { code: 99991400, msg: 'request trigger frequency limit' },
          headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': reset },
        };
      }
      case 'chatRateLimit':
        return { status: 400, body: { code: 230020, msg: 'This chat is being rate limited' } };
      case 'serverError': {
        const statuses = [500, 502, 503] as const;
        const status = statuses[Math.floor(this.rng() * statuses.length)] ?? 500;
        const msg = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[status];
        return { status, body: { code: status, msg } };
      }
    }
  }
}
