import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Principal } from '../http/auth.js';

/**
 * The data-scope predicate for records owned by a user (visits, leads, forecasts, goals…): it turns
 * the caller into SQL over the record's owner-user column. Raw SQL over the identity tables
 * (`users`, `teams`, `team_members`, `org_units`) so the platform needs no module import.
 *
 *   own       owner = the caller
 *   team      owner = the caller, or a member of a team the caller leads
 *   org_unit  owner = the caller, or a user assigned to / in a team under the caller's org unit subtree
 *   tenant    no restriction (RLS still limits everything to the tenant)
 *
 * Whoever leads a team also sees its members' records, whatever their role's scope: an area
 * manager leading a team outside their org unit still sees that team.
 *
 * Resources declared with `defineResource({ owner })` get it applied by construction; call it
 * directly only in analytics-style queries. Returns undefined for tenant scope (`and()` ignores it).
 */
export function scopePredicate(principal: Principal, ownerColumn: AnyPgColumn | SQL): SQL | undefined {
  const me = principal.userId;
  switch (principal.scope) {
    case 'tenant':
      return undefined;
    case 'team':
      return sql`(${ownerColumn} = ${me} or ${ownerColumn} in (${teamMembersLedBy(me)}))`;
    case 'org_unit':
      return sql`(${ownerColumn} = ${me} or ${ownerColumn} in (${usersUnderOrgUnitOf(me)})
        or ${ownerColumn} in (${teamMembersLedBy(me)}))`;
    default:
      return sql`(${ownerColumn} = ${me} or ${ownerColumn} in (${teamMembersLedBy(me)}))`;
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
