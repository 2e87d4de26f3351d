import { isUuid } from '../../lib/ids.js';
import type { TenantContext } from './types.js';

/** The non-superuser role every tenant transaction switches to, so row-level security applies. */
export const APP_ROLE = 'salesops_app';

/**
 * The one statement that opens a tenant transaction: role and tenant (and the acting user, for
 * triggers and audit) set together, transaction-local. Values are inlined so drivers can send it with
 * BEGIN in a single round trip; they are UUIDs, checked here, so inlining is safe.
 */
export function tenantPreamble(ctx: TenantContext): string {
  if (!isUuid(ctx.tenantId)) throw new Error('withTenant needs a tenant UUID');
  if (ctx.userId && !isUuid(ctx.userId)) throw new Error('withTenant needs a user UUID');
  return (
    `select set_config('role','${APP_ROLE}',true), set_config('app.tenant_id','${ctx.tenantId}',true), ` +
    `set_config('app.user_id','${ctx.userId ?? ''}',true)`
  );
}
