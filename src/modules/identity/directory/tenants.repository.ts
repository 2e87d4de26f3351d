import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { sessions } from '../tables/sessions.tables.js';
import { tenants, PLATFORM_TENANT_ID, type TenantSettings } from '../tables/tenants.tables.js';
import { effectiveSettings } from '../tenants/settings.js';
import { defineResource, type ResourceCaller } from '../../../platform/resource/index.js';

export type TenantRow = typeof tenants.$inferSelect;

/** The tenant's effective settings (defaults over what it stored). */
export async function tenantSettings(tx: Tx, tenantId: string): Promise<TenantSettings> {
  const [row] = await tx.db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return effectiveSettings(row?.settings);
}

/**
 * Tenants as a resource: a tenant's own caller reaches only its row (the id is the tenant), a
 * super administrator every one (`tenantId: null`, in the super-admin door). The platform tenant
 * of the super administrators is never one of them.
 */
export const tenantResource = defineResource({
  table: tenants,
  name: 'Tenant',
  tenantId: tenants.id,
  id: tenants.id,
  sorts: { created_at: tenants.createdAt, name: tenants.name, slug: tenants.slug },
});

/** Not the platform tenant (the super administrators' home), which is no customer tenant. */
export const customerTenants = () => ne(tenants.id, PLATFORM_TENANT_ID);

/** The customer tenant `id` as `who` may see it (locked for a write when asked); 404 otherwise. */
export const findTenant = (tx: Tx, who: ResourceCaller, id: string, lock = false) =>
  tenantResource.find(tx, who, id, { lock, where: [customerTenants()] });

export async function updateTenant(tx: Tx, id: string, values: Partial<typeof tenants.$inferInsert>) {
  const [row] = await tx.db
    .update(tenants)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(tenants.id, id))
    .returning();
  return row!;
}

export async function revokeTenantSessions(tx: Tx, tenantId: string, reason: string) {
  await tx.db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(sessions.tenantId, tenantId), isNull(sessions.revokedAt)));
}
