import { hash32, Rng } from './random.js';

/**
 * A storm of refusals: a share of requests is answered 429 (code 1049, with Retry-After) although
 * the window has room, as when other clients of the same MoySklad user drain its bucket, and a
 * share with a 5xx. The draws come from a seed, so the same requests in the same order get the
 * same answers run after run.
 */
export interface StormOptions {
  /** Share of requests (0–1) answered 429 before the limiter; they use no units. */
  rateLimited: number;
  /** Share of requests (0–1) that pass the limiter and then fail with 500 or 503 in turn. */
  serverErrors?: number;
  /** Seed of the draws (default 1). */
  seed?: string | number;
  /** `X-Lognex-Retry-After` of a storm 429, ms (default a tenth of the window). */
  retryAfterMs?: number;
}

export type StormAnswer = 'rate-limited' | 'server-error' | null;

export class FakeStorm {
  private readonly rng: Rng;
  private served5xx = 0;

  constructor(readonly options: StormOptions) {
    const { rateLimited, serverErrors = 0 } = options;
    const share = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;
    if (!share(rateLimited) || !share(serverErrors) || rateLimited + serverErrors > 1)
      throw new Error('storm shares must lie in 0–1 and add up to at most 1');
    this.rng = new Rng(hash32(`storm|${options.seed ?? 1}`));
  }

  /** How the next request is answered: refused, failed after the limiter, or normally. */
  draw(): StormAnswer {
    const roll = this.rng.next();
    if (roll < this.options.rateLimited) return 'rate-limited';
    if (roll < this.options.rateLimited + (this.options.serverErrors ?? 0)) return 'server-error';
    return null;
  }

  /** The status of the next storm 5xx: 500 and 503 in turn. */
  nextServerErrorStatus(): number {
    return this.served5xx++ % 2 === 0 ? 500 : 503;
  }

  retryAfterMs(intervalMs: number): number {
    return this.options.retryAfterMs ?? Math.max(1, Math.round(intervalMs / 10));
  }
}
