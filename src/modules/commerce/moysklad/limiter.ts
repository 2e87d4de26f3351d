import { createHash } from 'node:crypto';
import type { ProviderConnection } from '../integrations/provider.js';

/**
 * Keeps one MoySklad account (one user or solution) under its limits, shared by every concurrent
 * call that uses the same credentials: at most `maxParallel` requests in flight, and at most
 * `limit` units sent within any `intervalMs` window (45 units per 3 s; a stock report weighs 5).
 *
 * The window is tracked locally as a log of what this process sent, and corrected from the
 * response headers: when `X-RateLimit-Remaining` says more was used than the log holds (another
 * client on the same user, or heavier request weights), the difference is logged as used now.
 * A 429 with `X-Lognex-Retry-After` stops everyone until then; a 429 without it (the parallel
 * limit) lowers the parallelism for a while.
 */

export interface LimiterOptions {
  maxParallel: number;
  /** Extra ms a sent unit is held beyond the window, for the trip to the server. */
  marginMs: number;
}

const DEFAULTS: LimiterOptions = { maxParallel: 4, marginMs: 150 };
/** Parallelism lowered after a parallel-limit 429 comes back up after this long. */
const RESTORE_PARALLEL_MS = 15_000;

export class RateLimiter {
  private limit = 45;
  private intervalMs = 3000;
  private readonly log: { at: number; units: number }[] = [];
  private active = 0;
  private parallel: number;
  private readonly waiting: (() => void)[] = [];
  private blockedUntil = 0;
  private gate: Promise<void> = Promise.resolve();
  private restoreTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: LimiterOptions = DEFAULTS) {
    this.parallel = options.maxParallel;
  }

  /** Waits for a slot and for room in the window; returns the release of the slot. */
  async acquire(weight: number, signal?: AbortSignal): Promise<() => void> {
    await this.slot(signal);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.active--;
      this.wakeNext();
    };
    // One caller at a time decides on the window, so waiting callers are served in order.
    const previous = this.gate;
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    try {
      await previous;
      await this.waitForRoom(weight, signal);
      return release;
    } catch (error) {
      release();
      throw error;
    } finally {
      open();
    }
  }

  /** Reads the rate headers of a response (any status). */
  observe(headers: Headers): void {
    const limit = Number(headers.get('x-ratelimit-limit'));
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const interval = Number(headers.get('x-lognex-retry-timeinterval'));
    if (Number.isFinite(interval) && interval > 0) this.intervalMs = interval;
    if (!Number.isFinite(limit) || limit <= 0 || !headers.has('x-ratelimit-remaining')) return;
    this.limit = limit;
    const now = Date.now();
    this.prune(now);
    const serverUsed = limit - remaining;
    const used = this.used();
    if (serverUsed > used) this.log.push({ at: now, units: serverUsed - used });
  }

  /** A 429: with Retry-After everyone waits that long; without it the parallel limit was hit. */
  rejected(retryAfterMs: number | null): number {
    const jitter = Math.random() * 100;
    if (retryAfterMs !== null) {
      this.blockedUntil = Math.max(this.blockedUntil, Date.now() + retryAfterMs + jitter);
      return retryAfterMs + jitter;
    }
    this.parallel = Math.max(1, this.parallel - 1);
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    this.restoreTimer = setTimeout(() => {
      this.parallel = this.options.maxParallel;
      this.restoreTimer = null;
      this.wakeNext();
    }, RESTORE_PARALLEL_MS);
    this.restoreTimer.unref();
    return 200 + Math.random() * 300;
  }

  /** Takes a slot now, or queues; a release hands its slot to the first in the queue. */
  private async slot(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.parallel && this.waiting.length === 0) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      this.waiting.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wakeNext(): void {
    while (this.waiting.length > 0 && this.active < this.parallel) {
      this.active++;
      this.waiting.shift()!();
    }
  }

  private async waitForRoom(weight: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      this.prune(now);
      // Keep one unit of headroom for other clients of the account when the limit allows.
      const capacity = this.limit > 10 ? this.limit - 1 : this.limit;
      const units = Math.min(weight, capacity);
      const wait = Math.max(this.blockedUntil - now, this.untilRoom(units, capacity, now));
      if (wait <= 0) {
        this.log.push({ at: now, units });
        return;
      }
      await sleep(wait + 5, signal);
    }
  }

  private untilRoom(units: number, capacity: number, now: number): number {
    let used = this.used();
    if (used + units <= capacity) return 0;
    for (const entry of this.log) {
      used -= entry.units;
      if (used + units <= capacity) return entry.at + this.window() - now;
    }
    return this.window();
  }

  private used(): number {
    let sum = 0;
    for (const entry of this.log) sum += entry.units;
    return sum;
  }

  private window(): number {
    return this.intervalMs + this.options.marginMs;
  }

  private prune(now: number): void {
    const from = now - this.window();
    while (this.log.length > 0 && this.log[0]!.at <= from) this.log.shift();
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const limiters = new Map<string, RateLimiter>();

/** The limiter of a connection: one per base URL and credentials, shared across calls. */
export function limiterFor(conn: ProviderConnection): RateLimiter {
  const key = connectionKey(conn);
  let limiter = limiters.get(key);
  if (!limiter) {
    const requested = Number(conn.options.maxParallel);
    const maxParallel =
      Number.isInteger(requested) && requested >= 1 ? Math.min(5, requested) : DEFAULTS.maxParallel;
    limiters.set(key, (limiter = new RateLimiter({ ...DEFAULTS, maxParallel })));
  }
  return limiter;
}

/** One MoySklad user or solution at one base URL (the token is hashed, never kept as a key). */
export function connectionKey(conn: ProviderConnection): string {
  const identity = conn.auth.type === 'basic' ? `basic:${conn.auth.login}` : `token:${conn.auth.token}`;
  return createHash('sha256').update(`${conn.baseUrl}\n${identity}`).digest('hex');
}
