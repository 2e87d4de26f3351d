/**
 * The fake's rate limit: per user, at most `limit` units in any window of `intervalMs` (a sliding
 * log), and at most `maxParallel` requests in flight. It also keeps the log of every request that
 * reached it, so a test can check the busiest window afterwards: of the units accepted, and of
 * the units sent (refused requests included), which is what a well-behaved client keeps under the
 * limit.
 */

export interface RateLimitOptions {
  /** Units per window (MoySklad: 45). */
  limit: number;
  /** Window length in ms (MoySklad: 3000). */
  intervalMs: number;
  /** Units of a stock report (`/report/stock/all`, `/report/stock/bystore`); others weigh `defaultWeight`. */
  stockReportWeight: number;
  defaultWeight: number;
  /** Requests in flight per user (MoySklad: 5). */
  maxParallel: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  limit: 45,
  intervalMs: 3000,
  stockReportWeight: 5,
  defaultWeight: 1,
  maxParallel: 5,
};

export interface RateStats {
  /** Requests that reached the limiter (authenticated). */
  requests: number;
  accepted: number;
  /** 429 with code 1049 because the window was full (units per window exceeded). */
  rejectedRate: number;
  /** 429 with code 1073 (too many parallel requests). */
  rejectedParallel: number;
  /** 429 with code 1049 served by a storm while the window had room. */
  rejectedStorm: number;
  /** 5xx answered, injected (`injectFailure`) or by a storm. */
  serverErrors: number;
  /** The most units accepted within any window of `intervalMs`. */
  maxUnitsPerWindow: number;
  /** The most units sent within any window of `intervalMs`, refused requests included. */
  maxSentUnitsPerWindow: number;
  maxInFlight: number;
}

export type Admission =
  | { ok: true; headers: Record<string, string>; release: () => void }
  | { ok: false; code: 1049 | 1073; headers: Record<string, string> };

type Entry = { at: number; units: number };

class UserBucket {
  readonly window: Entry[] = [];
  inFlight = 0;
}

const unitsOf = (entries: readonly Entry[]) => entries.reduce((sum, e) => sum + e.units, 0);

/** The most units within any `intervalMs` of a log ordered by time. */
function busiestWindow(log: readonly Entry[], intervalMs: number): number {
  let max = 0;
  let sum = 0;
  let start = 0;
  for (let end = 0; end < log.length; end++) {
    sum += log[end]!.units;
    while (log[end]!.at - log[start]!.at >= intervalMs) sum -= log[start++]!.units;
    max = Math.max(max, sum);
  }
  return max;
}

const zeroCounts = () => ({
  requests: 0,
  accepted: 0,
  rejectedRate: 0,
  rejectedParallel: 0,
  rejectedStorm: 0,
  serverErrors: 0,
  maxInFlight: 0,
});

export class FakeRateLimiter {
  private readonly users = new Map<string, UserBucket>();
  private accepted: Entry[] = [];
  private sent: Entry[] = [];
  private stats = zeroCounts();

  constructor(public options: RateLimitOptions) {}

  weightOf(path: string): number {
    return /^\/report\/stock\/(all|bystore)\/?$/.test(path)
      ? this.options.stockReportWeight
      : this.options.defaultWeight;
  }

  admit(user: string, weight: number, now = Date.now()): Admission {
    const bucket = this.arrive(user, weight, now);
    const { limit, maxParallel } = this.options;
    const used = unitsOf(bucket.window);
    if (bucket.inFlight >= maxParallel) {
      this.stats.rejectedParallel++;
      return { ok: false, code: 1073, headers: { ...this.headers(used, 0), 'X-Lognex-Auth': '429005' } };
    }
    if (used + weight > limit) {
      this.stats.rejectedRate++;
      return { ok: false, code: 1049, headers: this.retryHeaders(used, this.waitFor(bucket, weight, now)) };
    }
    const entry = { at: now, units: weight };
    bucket.window.push(entry);
    this.accepted.push(entry);
    this.stats.accepted++;
    bucket.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, bucket.inFlight);
    let released = false;
    return {
      ok: true,
      headers: this.headers(used + weight, 0),
      release: () => {
        if (!released) bucket.inFlight--;
        released = true;
      },
    };
  }

  /** A storm's 429: the bucket looks drained for `retryAfterMs`; the request uses no units. */
  refuse(user: string, weight: number, retryAfterMs: number, now = Date.now()): Record<string, string> {
    this.arrive(user, weight, now);
    this.stats.rejectedStorm++;
    return this.retryHeaders(this.options.limit, retryAfterMs);
  }

  noteServerError(): void {
    this.stats.serverErrors++;
  }

  /** Headers for a response that did not pass the limiter (401, 415…): the current state. */
  peek(user: string, now = Date.now()): Record<string, string> {
    const bucket = this.bucket(user);
    this.prune(bucket, now);
    return this.headers(unitsOf(bucket.window), 0);
  }

  snapshot(): RateStats {
    const { intervalMs } = this.options;
    return {
      ...this.stats,
      maxUnitsPerWindow: busiestWindow(this.accepted, intervalMs),
      maxSentUnitsPerWindow: busiestWindow(this.sent, intervalMs),
    };
  }

  reset(): void {
    this.accepted = [];
    this.sent = [];
    this.stats = zeroCounts();
  }

  /** Counts a request reaching the limiter and logs its units as sent. */
  private arrive(user: string, weight: number, now: number): UserBucket {
    const bucket = this.bucket(user);
    this.prune(bucket, now);
    this.stats.requests++;
    this.sent.push({ at: now, units: weight });
    return bucket;
  }

  private headers(used: number, resetMs: number): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.options.limit),
      'X-RateLimit-Remaining': String(Math.max(0, this.options.limit - used)),
      'X-Lognex-Retry-TimeInterval': String(this.options.intervalMs),
      'X-Lognex-Reset': String(resetMs),
    };
  }

  private retryHeaders(used: number, waitMs: number): Record<string, string> {
    return { ...this.headers(used, waitMs), 'X-Lognex-Retry-After': String(waitMs) };
  }

  /** Ms until enough of the window expires for `weight` more units. */
  private waitFor(bucket: UserBucket, weight: number, now: number): number {
    let used = unitsOf(bucket.window);
    for (const e of bucket.window) {
      used -= e.units;
      if (used + weight <= this.options.limit) return Math.max(1, e.at + this.options.intervalMs - now);
    }
    return this.options.intervalMs;
  }

  private prune(bucket: UserBucket, now: number): void {
    const from = now - this.options.intervalMs;
    while (bucket.window.length > 0 && bucket.window[0]!.at <= from) bucket.window.shift();
  }

  private bucket(user: string): UserBucket {
    let bucket = this.users.get(user);
    if (!bucket) this.users.set(user, (bucket = new UserBucket()));
    return bucket;
  }
}
