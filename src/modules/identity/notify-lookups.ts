import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Tx } from '../../platform/db/types.js';
import { teamMembers, teams } from './tables/org.tables.js';
import { PLATFORM_TENANT_ID, tenants, type TenantSettings } from './tables/tenants.tables.js';
import { users } from './tables/users.tables.js';
import { effectiveSettings } from './tenants/settings.js';

/*
 * What the alerts and notifications layer asks identity: tenant settings, users' time zones, who
 * leads an agent, and whose role and data scope cover a record's owner.
 */

/** The tenant's effective settings (stored values over the defaults). */
export async function tenantSettingsOf(tx: Tx, tenantId: string): Promise<TenantSettings> {
  const [row] = await tx.db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return effectiveSettings(row?.settings);
}

export interface UserMailFacts {
  /** The user's own time zone (null: the tenant's). */
  timeZone: string | null;
  /** The user's own digest hour (null: the tenant's). */
  digestHour: number | null;
  email: string;
  active: boolean;
}

/** id → the user's notification overrides and e-mail, for `ids`. */
export async function userMailFacts(tx: Tx, tenantId: string, ids: readonly string[]) {
  if (!ids.length) return new Map<string, UserMailFacts>();
  const rows = await tx.db
    .select({
      id: users.id,
      timeZone: users.timeZone,
      digestHour: users.digestHour,
      email: users.email,
      status: users.status,
    })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, [...new Set(ids)])));
  return new Map(
    rows.map((r): [string, UserMailFacts] => [
      r.id,
      { timeZone: r.timeZone, digestHour: r.digestHour, email: r.email, active: r.status === 'active' },
    ]),
  );
}

/** Sets (or, with null, clears) a user's time-zone and digest-hour overrides; undefined leaves one as it is. */
export async function setUserNotificationOverrides(
  tx: Tx,
  tenantId: string,
  userId: string,
  overrides: { timeZone?: string | null; digestHour?: number | null },
) {
  if (overrides.timeZone === undefined && overrides.digestHour === undefined) return;
  await tx.db
    .update(users)
    .set({ timeZone: overrides.timeZone, digestHour: overrides.digestHour })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
}

/** The leaders of the teams `userId` belongs to (not the user themself). */
export async function teamLeadersOf(tx: Tx, tenantId: string, userId: string): Promise<string[]> {
  const rows = await tx.db
    .selectDistinct({ leaderId: teams.leaderId })
    .from(teamMembers)
    .innerJoin(teams, and(eq(teams.tenantId, teamMembers.tenantId), eq(teams.id, teamMembers.teamId)))
    .where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.userId, userId)));
  return rows.map((r) => r.leaderId).filter((id): id is string => id !== null && id !== userId);
}

/**
 * The active users holding `permission` whose data scope covers a record owned by `ownerId`
 * (null: a record without an owner, which only tenant-wide scopes cover). The same rules as the
 * scope predicate: tenant (level ≥ 50 or viewer) covers all; anyone covers their own records and
 * those of the teams they lead; org-unit scopes (level ≥ 30) the users under their org unit.
 */
export async function usersCoveringOwner(
  tx: Tx,
  tenantId: string,
  ownerId: string | null,
  permission: string,
): Promise<string[]> {
  return (await usersCoveringOwners(tx, tenantId, [ownerId], permission)).get(ownerId) ?? [];
}

/**
 * `usersCoveringOwner` for many owners in one statement (alerts raised in bulk): each owner of
 * `ownerIds` (null included) maps to the users covering it, sorted; an owner nobody covers maps to [].
 */
export async function usersCoveringOwners(
  tx: Tx,
  tenantId: string,
  ownerIds: readonly (string | null)[],
  permission: string,
): Promise<Map<string | null, string[]>> {
  const owners = [...new Set(ownerIds)];
  const covering = new Map<string | null, string[]>(owners.map((id) => [id, []]));
  if (!owners.length) return covering;
  const { rows } = await tx.sql.query<{ owner_id: string | null; id: string }>(
    `with candidates as (
       select u.id, u.org_unit_id, max(r.level) as level, bool_or(r.key = 'viewer') as viewer
       from users u
       join user_roles ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
       join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
       where u.tenant_id = $1 and u.status = 'active' and $3 = any(r.permissions)
       group by u.id, u.org_unit_id
     ),
     owners as (select distinct o.owner_id from unnest($2::uuid[]) as o(owner_id)),
     -- Each owner's org units: their own and those of the teams they belong to.
     owner_units as (
       select o.id as owner_id, o.org_unit_id from users o
       where o.tenant_id = $1 and o.id in (select owner_id from owners) and o.org_unit_id is not null
       union
       select tm.user_id, t.org_unit_id from team_members tm
       join teams t on t.tenant_id = tm.tenant_id and t.id = tm.team_id
       where tm.tenant_id = $1 and tm.user_id in (select owner_id from owners) and t.org_unit_id is not null
     )
     select o.owner_id, c.id from owners o cross join candidates c
     where c.viewer or c.level >= 50
       or (o.owner_id is not null and (
         c.id = o.owner_id
         or exists (select 1 from team_members tm join teams t on t.tenant_id = tm.tenant_id and t.id = tm.team_id
                    where tm.tenant_id = $1 and tm.user_id = o.owner_id and t.leader_id = c.id)
         or (c.level >= 30 and exists (
               select 1 from org_units mine
               join org_units ou on ou.tenant_id = mine.tenant_id and ou.path like mine.path || '%'
               join owner_units ow on ow.org_unit_id = ou.id
               where mine.tenant_id = $1 and mine.id = c.org_unit_id and ow.owner_id = o.owner_id))))
     order by o.owner_id, c.id`,
    [tenantId, owners, permission],
  );
  for (const row of rows) covering.get(row.owner_id)?.push(row.id);
  return covering;
}

/** The ids of the active customer tenants (for jobs that work tenant by tenant; not the platform tenant). */
export async function activeTenantIds(tx: Tx): Promise<string[]> {
  const rows = await tx.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(eq(tenants.status, 'active'), ne(tenants.id, PLATFORM_TENANT_ID)))
    .orderBy(tenants.id);
  return rows.map((r) => r.id);
}
