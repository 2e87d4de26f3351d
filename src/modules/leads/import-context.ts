import type { ImportContext } from '../../platform/bulk/index.js';
import type { Tx } from '../../platform/db/types.js';
import type { Principal } from '../../platform/http/auth.js';
import type { AuditSource } from '../../platform/resource/index.js';
import { principalOfUser } from '../identity/index.js';

/** Audit facts of an import's writes: the importing user, no request. */
export const importAuditSource = (ctx: ImportContext): AuditSource => ({
  actorUserId: ctx.userId,
  actorTenantId: ctx.tenantId,
  impersonated: false,
  ip: null,
  userAgent: null,
  requestId: null,
});

/**
 * Whom an import acts as: the importing user with their current roles and data scope, so a row
 * is held to what that user could do through the API. Undefined when the user is no longer active.
 * An import without a user (the operator's command line) acts tenant-wide: whoever holds the
 * database holds every permission; `userId` is then the row's own agent.
 */
export async function importPrincipal(
  tx: Tx,
  ctx: ImportContext,
): Promise<((agentId: string) => Principal) | undefined> {
  if (ctx.userId) {
    const principal = await principalOfUser(tx, ctx.tenantId, ctx.userId);
    return principal && (() => principal);
  }
  return (agentId) => ({
    userId: agentId,
    tenantId: ctx.tenantId,
    homeTenantId: ctx.tenantId,
    roles: [],
    permissions: new Set(),
    isSuperAdmin: false,
    scope: 'tenant',
    impersonating: false,
  });
}
