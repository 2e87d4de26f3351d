import { isUuid } from '../../lib/ids.js';
import type { TenantContext } from './types.js';

/** The non-superuser role every tenant transaction switches to, so row-level security applies. */
export const APP_ROLE = 'salesops_app';

/**
 * The one statement that opens a tenant transaction: role and tenant set together,
 * transaction-local. Values are inlined so drivers can send it with BEGIN in a single round trip;
 * the tenant is a UUID, checked here, so inlining is safe. The acting user is not a setting: what
 * needs it (audit rows, scopes) takes it as a parameter, so a connection bound to a tenant serves
 * every user of that tenant.
 */
export function tenantPreamble(ctx: TenantContext, scope: 'transaction' | 'session' = 'transaction'): string {
  if (!isUuid(ctx.tenantId)) throw new Error('withTenant needs a tenant UUID');
  return settingsStatement(APP_ROLE, ctx.tenantId, scope);
}

/** What a connection bound to a tenant outside transactions is for (see `tenantSession`). */
export type SessionMode = 'read' | 'write';

/**
 * A connection bound to a tenant for statements outside transactions: the tenant settings at
 * session level, and every implicit transaction read-only for `read` (a write there fails instead
 * of committing) or read-write for `write` (`writeTenant`, whose one write commits on its own).
 * Transactions on such a connection say `begin read write`.
 */
export const tenantSession = (ctx: TenantContext, mode: SessionMode): string =>
  `${tenantPreamble(ctx, 'session')}, set_config('default_transaction_read_only','${mode === 'read' ? 'on' : 'off'}',false)`;

/**
 * Back to the owner with no tenant: what a system transaction (`transaction`) or a raw statement
 * (`session`) runs first on a connection that a tenant session left bound to a tenant.
 */
export const ownerPreamble = (scope: 'transaction' | 'session'): string =>
  scope === 'transaction'
    ? settingsStatement('none', '', scope)
    : `${settingsStatement('none', '', scope)}, set_config('default_transaction_read_only','off',false)`;

function settingsStatement(role: string, tenantId: string, scope: 'transaction' | 'session') {
  const local = scope === 'transaction';
  return `select set_config('role','${role}',${local}), set_config('app.tenant_id','${tenantId}',${local})`;
}
