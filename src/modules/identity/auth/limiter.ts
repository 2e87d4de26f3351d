import { AppError } from '../../../platform/http/errors.js';

/**
 * A fixed-window counter per key, in process memory: the per-account login limit, on top of the
 * global per-IP one of @fastify/rate-limit (which runs only one limiter per request). Across
 * several API instances each counts on its own; the account lockout is the shared defence.
 */
export function createKeyedLimiter(options: { max: number; windowMs: number; maxKeys?: number }) {
  const windows = new Map<string, { start: number; count: number }>();
  const maxKeys = options.maxKeys ?? 100_000;
  return {
    /** Counts one attempt; 429 RATE_LIMITED when the key is over its limit. */
    hit(key: string, now = Date.now()): void {
      let entry = windows.get(key);
      if (!entry || now - entry.start >= options.windowMs) {
        if (!entry && windows.size >= maxKeys) {
          for (const [k, e] of windows) if (now - e.start >= options.windowMs) windows.delete(k);
          if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        }
        entry = { start: now, count: 0 };
        windows.set(key, entry);
      }
      entry.count++;
      if (entry.count > options.max) {
        const retry = Math.max(1, Math.ceil((entry.start + options.windowMs - now) / 1000));
        throw new AppError(
          429,
          'RATE_LIMITED',
          `Too many login attempts for this account; retry in ${retry} s.`,
          {
            retryAfterSeconds: retry,
          },
        );
      }
    },
    clear(): void {
      windows.clear();
    },
  };
}
