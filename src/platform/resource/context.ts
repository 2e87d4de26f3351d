import type { FastifyRequest } from 'fastify';
import type { TenantDatabase, Tx } from '../db/types.js';
import { requirePrincipal, requireTenant, type Principal } from '../http/auth.js';

/** Request facts every audit row carries (who, from where, which request). */
export interface AuditSource {
  actorUserId: string | null;
  actorTenantId: string | null;
  impersonated: boolean;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export function auditSourceOf(request: FastifyRequest): AuditSource {
  const principal = request.principal;
  return {
    actorUserId: principal?.userId ?? null,
    actorTenantId: principal?.homeTenantId ?? null,
    impersonated: principal?.impersonating ?? false,
    ip: request.ip ?? null,
    userAgent: (request.headers['user-agent'] as string | undefined)?.slice(0, 500) ?? null,
    requestId: request.id,
  };
}

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

/** Runs `fn` in the caller's tenant transaction (RLS bound to the principal's tenant). */
export function inTenant<T>(
  deps: { db: TenantDatabase },
  ctx: CallContext,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return deps.db.withTenant({ tenantId: ctx.tenantId }, fn);
}

/** The per-service shorthand: `const tenantTx = tenantTxOf(deps)`, then `tenantTx(ctx, (tx) => …)`. */
export const tenantTxOf =
  (deps: { db: TenantDatabase }) =>
  <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    inTenant(deps, ctx, fn);

/**
 * The read shorthand: `const tenantRead = tenantReadOf(deps)`, then `tenantRead(ctx, (tx) => …)`
 * for a read of one statement (see `TenantDatabase.readTenant`: no transaction, writes refused).
 */
export const tenantReadOf =
  (deps: { db: TenantDatabase }) =>
  <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    deps.db.readTenant({ tenantId: ctx.tenantId }, fn);

/**
 * The single-write shorthand: `const tenantWrite = tenantWriteOf(deps)`, then `tenantWrite(ctx, (tx)
 * => …)` for reads followed by one guarded write statement (see `TenantDatabase.writeTenant`).
 */
export const tenantWriteOf =
  (deps: { db: TenantDatabase }) =>
  <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    deps.db.writeTenant({ tenantId: ctx.tenantId }, fn);

export const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

/** `sort=-created_at` → { field: 'created_at', desc: true }. */
export function parseSort(sort: string): { field: string; desc: boolean } {
  return sort.startsWith('-') ? { field: sort.slice(1), desc: true } : { field: sort, desc: false };
}

/** Escapes LIKE wildcards in user input. */
export const likeEscape = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);
