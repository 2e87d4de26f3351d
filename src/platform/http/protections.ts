import type { FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { AppError } from './errors.js';

/** CORS, security headers, compression and rate limiting, configured from settings. */
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
  await app.register(helmet, {
    // The docs UI needs inline scripts and styles; the API itself only serves JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
      },
    },
  });
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
  await app.register(rateLimit, {
    global: true,
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
}
