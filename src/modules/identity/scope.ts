import { and, eq } from 'drizzle-orm';
import type { UsersInScopeResolver } from '../../platform/http/auth.js';
import type { Platform } from '../../platform/module.js';
import { scopePredicate } from '../../platform/resource/scope.js';
import { users } from './tables/users.tables.js';

// The data-scope predicate lives in the platform's resource toolkit, which applies it by construction.
export { scopePredicate };

/**
 * The users a principal's scope covers, for realtime's owner-scoped topics: one query when an event
 * stream opens (so each event is a set lookup). `'all'` for tenant scope and super admins.
 */
export function identityUsersInScope(platform: Pick<Platform, 'db'>): UsersInScopeResolver {
  return async (principal, tenantId) => {
    const predicate = scopePredicate(principal, users.id);
    if (principal.isSuperAdmin || !predicate) return 'all';
    const rows = await platform.db.withTenant({ tenantId }, (tx) =>
      tx.db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.tenantId, tenantId), predicate)),
    );
    return new Set([principal.userId, ...rows.map((row) => row.id)]);
  };
}
