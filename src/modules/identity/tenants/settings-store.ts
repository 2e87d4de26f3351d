import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { checkSettings } from '../directory/tenants.service.js';
import type { TenantSettingsPatch } from '../directory/tenants.schemas.js';
import { tenants, type TenantSettings } from '../tables/tenants.tables.js';
import { effectiveSettings } from './settings.js';

/**
 * Changes some of a tenant's settings in the caller's transaction, with the checks `PUT /tenants`
 * applies (errors point at `path`/<setting>), for modules that offer their own settings route.
 * Answers the effective settings before and after, for the caller's audit row.
 */
export async function updateTenantSettings(
  tx: Tx,
  tenantId: string,
  patch: TenantSettingsPatch,
  path = '/body/settings',
): Promise<{ before: TenantSettings; after: TenantSettings }> {
  checkSettings(patch, path);
  const [current] = await tx.db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .for('update');
  const [row] = await tx.db
    .update(tenants)
    .set({ settings: sql`${tenants.settings} || ${JSON.stringify(patch)}::jsonb`, updatedAt: new Date() })
    .where(eq(tenants.id, tenantId))
    .returning({ settings: tenants.settings });
  return { before: effectiveSettings(current?.settings), after: effectiveSettings(row?.settings) };
}
