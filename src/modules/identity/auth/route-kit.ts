import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requirePrincipal } from '../../../platform/http/auth.js';
import type { routeLimits } from '../../../platform/http/route-limits.js';
import { ownTenantOf, type Client } from './auth.service.js';

/** What the auth and account routes share. */
export type Body<T> = FastifyRequest<{ Body: T }>;
export const tags = ['auth'];
export const NoContent = Type.Null({ description: 'No content' });

export const clientOf = (request: FastifyRequest): Client => ({
  ip: request.ip ?? null,
  userAgent: (request.headers['user-agent'] as string | undefined)?.slice(0, 500) ?? null,
});

/** The caller's own user row: their tenant, or the platform tenant for a super admin. */
export function self(request: FastifyRequest) {
  const principal = requirePrincipal(request);
  return { tenantId: ownTenantOf(principal), userId: principal.userId, sessionId: principal.sessionId };
}

/** Per-route limits by client IP and by the account, address or token in the body. */
export type Limited = (
  name: string,
  pair: { perIp: number; perAccount: number },
  accountOf: (body: Record<string, unknown>) => unknown,
) => ReturnType<typeof routeLimits>;
