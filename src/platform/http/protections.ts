import type { FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { AppError } from './errors.js';
import { memoryCounter, redisCounter, type KeyedCounter } from './route-limits.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Counters for per-route limits (`routeLimits`), shared through Redis when it is configured. */
    limitCounter: KeyedCounter;
  }
}

/**
 * CORS, compression and rate limiting, configured from settings. Register it
 * before authentication: the global limit is an application-level onRequest hook, so it runs before
 * the authentication hook added after it, and requests with bad tokens are counted too.
 */
export async function registerProtections(
  app: FastifyInstance,
  config: Config,
  redis?: Redis,
): Promise<void> {
  const origins = config.corsOrigins;
  await app.register(cors, {
    origin: origins.includes('*') ? true : origins,
    credentials: !origins.includes('*'),
    exposedHeaders: [
      'x-request-id',
      'retry-after',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
    ],
    maxAge: 600,
  });
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
  await app.register(rateLimit, {
    // Not per route (route-level hooks run after every application-level one, authentication
    // included); the hook is added below at application level instead.
    global: false,
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowMs,
    ...(redis ? { redis, nameSpace: 'salesops:ratelimit:' } : {}),
    // Health probes and metrics scrapes must never be throttled.
    allowList: (request) => request.url.startsWith('/health/') || request.url === '/metrics',
    errorResponseBuilder: (_request, context) =>
      new AppError(429, 'RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`, {
        retryAfterSeconds: context.ttl / 1000,
      }),
  });
  app.addHook('onRequest', app.rateLimit());
  app.decorate('limitCounter', redis ? redisCounter(redis) : memoryCounter());
}
