import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/types.js';
import type { Principal } from '../../platform/http/auth.js';
import { loadAccess } from './auth/auth.repository.js';
import { tenants } from './tables/tenants.tables.js';
import { users } from './tables/users.tables.js';
import { effectiveSettings } from './tenants/settings.js';

/**
 * The tenant's name, time zone (its setting, UTC by default) and phone region (the region of
 * numbers written without a country code, for `src/lib/phone.ts`); undefined for an unknown tenant.
 */
export async function tenantFacts(tx: Tx, tenantId: string) {
  const [row] = await tx.db
    .select({ name: tenants.name, settings: tenants.settings, status: tenants.status })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!row) return undefined;
  const settings = effectiveSettings(row.settings);
  return {
    name: row.name,
    timeZone: settings.time_zone,
    phoneRegion: settings.default_phone_region,
    active: row.status === 'active',
  };
}

/**
 * The principal of an active user with their current roles, permissions and data scope, for work
 * done on their behalf without a request (a scheduled report runs in its owner's scope). Undefined
 * when the user no longer exists or is not active.
 */
export async function principalOfUser(
  tx: Tx,
  tenantId: string,
  userId: string,
): Promise<Principal | undefined> {
  const [user] = await tx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId), eq(users.status, 'active')));
  if (!user) return undefined;
  const access = await loadAccess(tx, tenantId, userId);
  return {
    userId,
    tenantId,
    homeTenantId: tenantId,
    roles: access.roles,
    permissions: new Set(access.permissions),
    isSuperAdmin: false,
    scope: access.scope,
    impersonating: false,
  };
}
