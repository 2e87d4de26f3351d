import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Principal, UsersInScopeResolver } from '../../platform/http/auth.js';
import type { Platform } from '../../platform/module.js';
import { users } from './tables/users.tables.js';

/**
 * The data-scope helper every module applies to records owned by a user (visits, leads, forecasts,
 * goals…): it turns the caller into a SQL predicate over the record's owner-user column.
 *
 *   own       owner = the caller
 *   team      owner = the caller, or a member of a team the caller leads
 *   org_unit  owner = the caller, or a user assigned to / in a team under the caller's org unit subtree
 *   tenant    no restriction (RLS still limits everything to the tenant)
 *
 * Use it in every list, read, update and analytics query: `where(and(eq(t.tenantId, tid),
 * scopePredicate(principal, t.agentId)))`. A record outside the scope then reads as missing (404).
 * Returns undefined for tenant scope, which `and()` ignores.
 */
export function scopePredicate(principal: Principal, ownerColumn: AnyPgColumn): SQL | undefined {
  const me = principal.userId;
  switch (principal.scope) {
    case 'tenant':
      return undefined;
    case 'team':
      return sql`(${ownerColumn} = ${me} or ${ownerColumn} in (${teamMembersLedBy(me)}))`;
    case 'org_unit':
      return sql`(${ownerColumn} = ${me} or ${ownerColumn} in (${usersUnderOrgUnitOf(me)}))`;
    default:
      return sql`${ownerColumn} = ${me}`;
  }
}

/** Users in the teams `leaderId` leads. */
function teamMembersLedBy(leaderId: string): SQL {
  return sql`select tm.user_id from team_members tm
    join teams t on t.tenant_id = tm.tenant_id and t.id = tm.team_id
    where t.leader_id = ${leaderId}`;
}

/**
 * Users assigned to an org unit in the manager's subtree, or members of teams hanging on one. The
 * subtree is a prefix match on the materialised path of the manager's own unit.
 */
function usersUnderOrgUnitOf(managerId: string): SQL {
  const subtree = sql`select ou.tenant_id, ou.id from org_units ou
    join org_units mine on mine.tenant_id = ou.tenant_id and ou.path like mine.path || '%'
    join users m on m.tenant_id = mine.tenant_id and m.id = ${managerId} and mine.id = m.org_unit_id`;
  return sql`select u.id from users u where (u.tenant_id, u.org_unit_id) in (${subtree})
    union select tm.user_id from team_members tm
    join teams t on t.tenant_id = tm.tenant_id and t.id = tm.team_id
    where (t.tenant_id, t.org_unit_id) in (${subtree})`;
}

/**
 * The users a principal's scope covers, for realtime's owner-scoped topics: one query when an event
 * stream opens (so each event is a set lookup). `'all'` for tenant scope and super admins.
 */
export function identityUsersInScope(platform: Pick<Platform, 'db'>): UsersInScopeResolver {
  return async (principal, tenantId) => {
    const predicate = scopePredicate(principal, users.id);
    if (principal.isSuperAdmin || !predicate) return 'all';
    const rows = await platform.db.withTenant({ tenantId, userId: principal.userId }, (tx) =>
      tx.db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.tenantId, tenantId), predicate)),
    );
    return new Set([principal.userId, ...rows.map((row) => row.id)]);
  };
}
