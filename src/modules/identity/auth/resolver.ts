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
import type { Verdict } from './principal-cache.js';
import * as repo from './auth.repository.js';
import { sessionRevocationsOf } from './revocation.js';

async function judge(platform: Platform, claims: AccessClaims, sid: string): Promise<Verdict> {
  const tenantId = claims.tid ?? PLATFORM_TENANT_ID;
  return platform.db.withTenant({ tenantId }, async (tx) => {
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
 * active; roles, permissions and scope are the user's current ones (not the token's copy). Verdicts
 * are cached per instance for 30 s; revocations evict them on every instance as they commit.
 */
export function identityPrincipalResolver(platform: Platform): PrincipalResolver {
  const cache = sessionRevocationsOf(platform).cache;
  return async (claims: AccessClaims, request: FastifyRequest) => {
    const sid = claims.sid;
    if (!sid) throw sessionRevoked();
    let verdict = cache.get(sid);
    if (!verdict) {
      const generation = cache.generation();
      verdict = await judge(platform, claims, sid);
      const owner = {
        userId: claims.sub.toLowerCase(),
        tenantId: (claims.tid ?? PLATFORM_TENANT_ID).toLowerCase(),
      };
      cache.set(sid, owner, verdict, generation);
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
  await platform.db.withTenant({ tenantId }, (tx) =>
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
