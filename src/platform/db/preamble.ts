import { isUuid } from '../../lib/ids.js';
import type { TenantContext } from './types.js';

/** The non-superuser role every tenant transaction switches to, so row-level security applies. */
export const APP_ROLE = 'salesops_app';

/**
 * The one statement that opens a tenant transaction: role and tenant (and the acting user, for
 * triggers and audit) set together, transaction-local. Values are inlined so drivers can send it with
 * BEGIN in a single round trip; they are UUIDs, checked here, so inlining is safe.
 */
export function tenantPreamble(ctx: TenantContext, scope: 'transaction' | 'session' = 'transaction'): string {
  if (!isUuid(ctx.tenantId)) throw new Error('withTenant needs a tenant UUID');
  if (ctx.userId && !isUuid(ctx.userId)) throw new Error('withTenant needs a user UUID');
  return settingsStatement(APP_ROLE, ctx.tenantId, ctx.userId ?? '', scope);
}

/**
 * A connection bound to a tenant for reads outside transactions (`readTenant`): the tenant settings
 * at session level, and every implicit transaction read-only, so a write there fails instead of
 * committing statement by statement. Transactions on it say `begin read write`.
 */
export const tenantReadSession = (ctx: TenantContext): string =>
  `${tenantPreamble(ctx, 'session')}, set_config('default_transaction_read_only','on',false)`;

/**
 * Back to the owner with no tenant: what a system transaction (`transaction`) or a raw statement
 * (`session`) runs first on a connection that a tenant read left bound to a tenant.
 */
export const ownerPreamble = (scope: 'transaction' | 'session'): string =>
  scope === 'transaction'
    ? settingsStatement('none', '', '', scope)
    : `${settingsStatement('none', '', '', scope)}, set_config('default_transaction_read_only','off',false)`;

function settingsStatement(role: string, tenantId: string, userId: string, scope: 'transaction' | 'session') {
  const local = scope === 'transaction';
  return (
    `select set_config('role','${role}',${local}), set_config('app.tenant_id','${tenantId}',${local}), ` +
    `set_config('app.user_id','${userId}',${local})`
  );
}
