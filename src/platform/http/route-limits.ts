import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

/**
 * Fixed-window counters by key, for limits that @fastify/rate-limit cannot express: it runs one
 * limiter per request, keyed before the body is read, while sign-in and reset routes need several
 * (per client IP and per account or address in the body). In memory per process, or in Redis so
 * every instance shares one budget.
 */
export interface KeyedCounter {
  /** Counts one hit on `key`; returns the count in the current window and the time left in it. */
  hit(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /** The count in the current window of `key` without counting (0 when no window is open). */
  peek(key: string): Promise<{ count: number; ttlMs: number }>;
}

export function memoryCounter(maxKeys = 100_000): KeyedCounter {
  const windows = new Map<string, { start: number; count: number; windowMs: number }>();
  return {
    async hit(key, windowMs) {
      const now = Date.now();
      let entry = windows.get(key);
      if (!entry || now - entry.start >= entry.windowMs) {
        if (!entry && windows.size >= maxKeys) {
          for (const [k, e] of windows) if (now - e.start >= e.windowMs) windows.delete(k);
          if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        }
        entry = { start: now, count: 0, windowMs };
        windows.set(key, entry);
      }
      entry.count++;
      return { count: entry.count, ttlMs: entry.start + entry.windowMs - now };
    },
    async peek(key) {
      const now = Date.now();
      const entry = windows.get(key);
      if (!entry || now - entry.start >= entry.windowMs) return { count: 0, ttlMs: 0 };
      return { count: entry.count, ttlMs: entry.start + entry.windowMs - now };
    },
  };
}

const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

const PEEK_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return {count, ttl}`;

export function redisCounter(redis: Redis, prefix = 'salesops:limit:'): KeyedCounter {
  return {
    async hit(key, windowMs) {
      const [count, ttlMs] = (await redis.eval(HIT_SCRIPT, 1, prefix + key, windowMs)) as [number, number];
      return { count, ttlMs };
    },
    async peek(key) {
      const [count, ttlMs] = (await redis.eval(PEEK_SCRIPT, 1, prefix + key)) as [number, number];
      return { count, ttlMs };
    },
  };
}

export interface RouteLimit {
  /** Names the counter (`login.ip`); one route may have several. */
  name: string;
  max: number;
  windowMs: number;
  /** What is counted; undefined skips this limit for the request (e.g. no e-mail in the body). */
  key: (request: FastifyRequest) => string | undefined;
}

/**
 * A preHandler hook (the body is parsed and validated by then) enforcing each limit: over any of
 * them, 429 RATE_LIMITED with Retry-After. Keys are hashed, so no address is stored in Redis.
 */
export function routeLimits(counter: KeyedCounter, limits: readonly RouteLimit[]) {
  return async (request: FastifyRequest): Promise<void> => {
    for (const limit of limits) {
      const key = counterKey(limit, request);
      if (key === undefined) continue;
      const { count, ttlMs } = await counter.hit(key, limit.windowMs);
      if (count > limit.max) throw rateLimited(ttlMs);
    }
  };
}

/**
 * A limit on failed attempts only (e.g. wrong passwords per client IP): `check` is a preHandler
 * that refuses with 429 once `max` failures fell in the window, without counting the request;
 * the handler calls `record` when the attempt failed. Successful attempts cost nothing, so a busy
 * office behind one address is not throttled for signing in. Requests running concurrently may
 * each pass `check` before any records, so the budget can be exceeded by as many as run at once.
 */
export function failureLimit(counter: KeyedCounter, limit: RouteLimit) {
  return {
    check: async (request: FastifyRequest): Promise<void> => {
      const key = counterKey(limit, request);
      if (key === undefined) return;
      const { count, ttlMs } = await counter.peek(key);
      if (count >= limit.max) throw rateLimited(ttlMs);
    },
    record: async (request: FastifyRequest): Promise<void> => {
      const key = counterKey(limit, request);
      if (key !== undefined) await counter.hit(key, limit.windowMs);
    },
  };
}

function counterKey(limit: RouteLimit, request: FastifyRequest): string | undefined {
  const raw = limit.key(request);
  if (raw === undefined) return undefined;
  return `${limit.name}:${createHash('sha256').update(raw).digest('base64url').slice(0, 32)}`;
}

function rateLimited(ttlMs: number): AppError {
  const retry = Math.max(1, Math.ceil(ttlMs / 1000));
  return new AppError(429, 'RATE_LIMITED', `Too many requests; retry in ${retry} s.`, {
    retryAfterSeconds: retry,
  });
}
