import type { FastifyRequest } from 'fastify';
import {
  defaultPrincipalResolver,
  type Principal,
  type PrincipalResolver,
} from '../../../platform/http/auth.js';
import { forbidden, unauthenticated } from '../../../platform/http/errors.js';
import type { AccessClaims } from '../../../platform/http/tokens.js';
import type { Platform } from '../../../platform/module.js';
import { auditSourceOf, writeAudit } from '../audit.js';
import { PLATFORM_TENANT_ID } from '../tables/tenants.tables.js';
import { sessionRevoked } from './errors.js';
import * as repo from './repository.js';

type Verdict =
  | { ok: true; roles: string[]; permissions: string[]; scope: string }
  | { ok: false; code: 'SESSION_REVOKED' | 'USER_INACTIVE' | 'TENANT_SUSPENDED' };

const MAX_ENTRIES = 50_000;

/**
 * What the resolver learnt about each session, for at most `ttlMs` (30 s): a revoked session, a
 * deactivated user, a suspended tenant or changed roles take effect within that time on every
 * instance, and at once on the instance that made the change (it evicts the session).
 */
export const principalCache = {
  ttlMs: 30_000,
  entries: new Map<string, { at: number; verdict: Verdict }>(),
  get(sid: string): Verdict | undefined {
    const entry = this.entries.get(sid);
    if (!entry) return undefined;
    if (Date.now() - entry.at >= this.ttlMs) {
      this.entries.delete(sid);
      return undefined;
    }
    return entry.verdict;
  },
  set(sid: string, verdict: Verdict): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(sid, { at: Date.now(), verdict });
  },
  evict(sids: readonly string[]): void {
    for (const sid of sids) this.entries.delete(sid);
  },
  clear(): void {
    this.entries.clear();
  },
};

/** Forgets every cached session verdict (tests; after bulk changes made outside the API). */
export function clearPrincipalCache(): void {
  principalCache.clear();
}

async function judge(platform: Platform, claims: AccessClaims, sid: string): Promise<Verdict> {
  const tenantId = claims.tid ?? PLATFORM_TENANT_ID;
  return platform.db.withTenant({ tenantId, userId: claims.sub }, async (tx) => {
    const state = await repo.sessionState(tx, tenantId, sid);
    if (!state || state.userId !== claims.sub || state.revokedAt || state.expiresAt <= new Date())
      return { ok: false, code: 'SESSION_REVOKED' } as const;
    if (state.userStatus !== 'active') return { ok: false, code: 'USER_INACTIVE' } as const;
    if (state.tenantStatus !== 'active') return { ok: false, code: 'TENANT_SUSPENDED' } as const;
    const access = await repo.loadAccess(tx, tenantId, claims.sub);
    if (claims.tid === null && !access.isSuperAdmin) return { ok: false, code: 'SESSION_REVOKED' } as const;
    return { ok: true, roles: access.roles, permissions: access.permissions, scope: access.scope } as const;
  });
}

/**
 * Identity's principal resolver: the token's session must be live, its user active and its tenant
 * active; roles, permissions and scope are the user's current ones (not the token's copy).
 */
export function identityPrincipalResolver(platform: Platform): PrincipalResolver {
  return async (claims: AccessClaims, request: FastifyRequest) => {
    const sid = claims.sid;
    if (!sid) throw sessionRevoked();
    let verdict = principalCache.get(sid);
    if (!verdict) {
      verdict = await judge(platform, claims, sid);
      principalCache.set(sid, verdict);
    }
    if (!verdict.ok) {
      if (verdict.code === 'USER_INACTIVE')
        throw unauthenticated('This account is deactivated.', 'USER_INACTIVE');
      if (verdict.code === 'TENANT_SUSPENDED')
        throw forbidden('This organisation is suspended.', 'TENANT_SUSPENDED');
      throw sessionRevoked();
    }
    const principal = await defaultPrincipalResolver(
      { ...claims, roles: verdict.roles, perms: verdict.permissions, scope: verdict.scope },
      request,
    );
    if (principal.impersonating) await auditImpersonation(platform, principal, request);
    return principal;
  };
}

/** Every request a super admin makes inside a tenant (X-Tenant-ID) leaves a row in that tenant's audit log. */
async function auditImpersonation(platform: Platform, principal: Principal, request: FastifyRequest) {
  const tenantId = principal.tenantId!;
  await platform.db.withTenant({ tenantId, userId: principal.userId }, (tx) =>
    writeAudit(
      tx,
      { ...auditSourceOf(request), actorUserId: principal.userId, actorTenantId: null, impersonated: true },
      {
        tenantId,
        action: 'impersonation.request',
        entityType: 'tenant',
        entityId: tenantId,
        changes: { after: { method: request.method, path: request.url.split('?')[0] } },
      },
    ),
  );
}
