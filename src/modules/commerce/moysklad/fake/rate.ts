/**
 * The fake's rate limit: per user, at most `limit` units in any window of `intervalMs` (a sliding
 * log), and at most `maxParallel` requests in flight. It also keeps the log of every accepted
 * request so a test can check the busiest window afterwards.
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
  /** 429 with code 1049 (units per window exceeded). */
  rejectedRate: number;
  /** 429 with code 1073 (too many parallel requests). */
  rejectedParallel: number;
  /** The most units accepted within any window of `intervalMs`. */
  maxUnitsPerWindow: number;
  maxInFlight: number;
}

export type Admission =
  | { ok: true; headers: Record<string, string>; release: () => void }
  | { ok: false; code: 1049 | 1073; headers: Record<string, string> };

class UserBucket {
  readonly window: { at: number; units: number }[] = [];
  inFlight = 0;
}

export class FakeRateLimiter {
  private readonly users = new Map<string, UserBucket>();
  private history: { at: number; units: number }[] = [];
  private stats = { requests: 0, accepted: 0, rejectedRate: 0, rejectedParallel: 0, maxInFlight: 0 };

  constructor(public options: RateLimitOptions) {}

  weightOf(path: string): number {
    return /^\/report\/stock\/(all|bystore)\/?$/.test(path)
      ? this.options.stockReportWeight
      : this.options.defaultWeight;
  }

  admit(user: string, weight: number, now = Date.now()): Admission {
    const bucket = this.bucket(user);
    const { limit, maxParallel } = this.options;
    this.prune(bucket, now);
    this.stats.requests++;
    const used = bucket.window.reduce((sum, e) => sum + e.units, 0);
    if (bucket.inFlight >= maxParallel) {
      this.stats.rejectedParallel++;
      return { ok: false, code: 1073, headers: { ...this.headers(used, 0), 'X-Lognex-Auth': '429005' } };
    }
    if (used + weight > limit) {
      this.stats.rejectedRate++;
      const wait = this.waitFor(bucket, weight, now);
      return {
        ok: false,
        code: 1049,
        headers: { ...this.headers(used, wait), 'X-Lognex-Retry-After': String(wait) },
      };
    }
    const entry = { at: now, units: weight };
    bucket.window.push(entry);
    this.history.push(entry);
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

  /** Headers for a response that did not pass the limiter (401, 415…): the current state. */
  peek(user: string, now = Date.now()): Record<string, string> {
    const bucket = this.bucket(user);
    this.prune(bucket, now);
    return this.headers(
      bucket.window.reduce((sum, e) => sum + e.units, 0),
      0,
    );
  }

  snapshot(): RateStats {
    const { intervalMs } = this.options;
    let max = 0;
    let sum = 0;
    let start = 0;
    for (let end = 0; end < this.history.length; end++) {
      sum += this.history[end]!.units;
      while (this.history[end]!.at - this.history[start]!.at >= intervalMs)
        sum -= this.history[start++]!.units;
      max = Math.max(max, sum);
    }
    return { ...this.stats, maxUnitsPerWindow: max };
  }

  reset(): void {
    this.history = [];
    this.stats = { requests: 0, accepted: 0, rejectedRate: 0, rejectedParallel: 0, maxInFlight: 0 };
  }

  private headers(used: number, resetMs: number): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.options.limit),
      'X-RateLimit-Remaining': String(Math.max(0, this.options.limit - used)),
      'X-Lognex-Retry-TimeInterval': String(this.options.intervalMs),
      'X-Lognex-Reset': String(resetMs),
    };
  }

  /** Ms until enough of the window expires for `weight` more units. */
  private waitFor(bucket: UserBucket, weight: number, now: number): number {
    let used = bucket.window.reduce((sum, e) => sum + e.units, 0);
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
