import type { FastifyRequest } from 'fastify';
import type { Tx } from '../../../platform/db/types.js';
import { requirePrincipal, requireTenant, type Principal } from '../../../platform/http/auth.js';
import type { Platform } from '../../../platform/module.js';
import { auditSourceOf, type AuditSource } from '../audit.js';

/** What a service call needs from the request: who calls, in which tenant, and the audit facts. */
export interface CallContext {
  principal: Principal;
  tenantId: string;
  audit: AuditSource;
}

export function callContext(request: FastifyRequest): CallContext {
  const { tenantId } = requireTenant(request);
  return { principal: requirePrincipal(request), tenantId, audit: auditSourceOf(request) };
}

/** Runs `fn` in the request's tenant transaction (RLS bound to the principal's tenant). */
export function inTenant<T>(
  platform: Pick<Platform, 'db'>,
  ctx: CallContext,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return platform.db.withTenant({ tenantId: ctx.tenantId, userId: ctx.principal.userId }, fn);
}

export const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

/** `sort=-created_at` → { field: 'created_at', desc: true }. */
export function parseSort(sort: string): { field: string; desc: boolean } {
  return sort.startsWith('-') ? { field: sort.slice(1), desc: true } : { field: sort, desc: false };
}

/** Escapes LIKE wildcards in user input. */
export const likeEscape = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The principal resolver's per-instance cache of session verdicts. Services evict what they change
 * (after the transaction), so the change applies at once on this instance and within the cache's
 * lifetime on the others.
 */
export interface SessionCache {
  evict(sessionIds: readonly string[]): void;
  clear(): void;
}

export const noSessionCache: SessionCache = { evict: () => undefined, clear: () => undefined };
