import { and, count, eq, getTableColumns, ilike, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { phoneSearchDigits } from '../../../lib/phone.js';
import { prepared } from '../../../platform/db/prepared.js';
import type { Tx } from '../../../platform/db/types.js';
import { orgUnits, teamMembers } from '../tables/org.tables.js';
import { roles, userRoles } from '../tables/roles.tables.js';
import { sessions } from '../tables/sessions.tables.js';
import { users } from '../tables/users.tables.js';
import {
  defineResource,
  likeEscape,
  type CallContext,
  type PageQuery,
} from '../../../platform/resource/index.js';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

export interface UserFilters {
  role?: string;
  team?: string;
  orgUnit?: string;
  status?: 'active' | 'inactive';
  q?: string;
}

/** What a report or a member list shows of a user. */
export const userSummaryColumns = {
  id: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  status: users.status,
};

/** Users are "owned" by themselves: the data scope of GET /users is the caller's reporting line. */
export const userResource = defineResource({
  table: users,
  name: 'User',
  tenantId: users.tenantId,
  id: users.id,
  owner: users.id,
  sorts: {
    created_at: users.createdAt,
    email: users.email,
    first_name: users.firstName,
    last_name: users.lastName,
    last_login_at: users.lastLoginAt,
    status: users.status,
    employee_code: users.employeeCode,
  },
});

function filterConditions(tenantId: string, f: UserFilters): SQL[] {
  const conditions: SQL[] = [eq(users.tenantId, tenantId)];
  if (f.status) conditions.push(eq(users.status, f.status));
  if (f.role)
    conditions.push(sql`exists (select 1 from ${userRoles} ur join ${roles} r
      on r.tenant_id = ur.tenant_id and r.id = ur.role_id
      where ur.tenant_id = ${users.tenantId} and ur.user_id = ${users.id} and r.key = ${f.role})`);
  if (f.team)
    conditions.push(sql`exists (select 1 from ${teamMembers} tm
      where tm.tenant_id = ${users.tenantId} and tm.user_id = ${users.id} and tm.team_id = ${f.team})`);
  if (f.orgUnit)
    conditions.push(sql`${users.orgUnitId} in (select ou.id from ${orgUnits} ou
      join ${orgUnits} root on root.tenant_id = ou.tenant_id and root.id = ${f.orgUnit}
      where ou.tenant_id = ${tenantId} and ou.path like root.path || '%')`);
  if (f.q) {
    const pattern = `%${likeEscape(f.q)}%`;
    // Phones are stored in E.164: a term that reads as a number matches by its digits, so
    // `90 123-45` finds +998901234567 whatever the spacing typed.
    const digits = phoneSearchDigits(f.q);
    conditions.push(
      or(
        ilike(users.email, pattern),
        ilike(users.username, pattern),
        ilike(users.firstName, pattern),
        ilike(users.lastName, pattern),
        sql`(${users.firstName} || ' ' || ${users.lastName}) ilike ${pattern}`,
        digits ? sql`${users.phone} like ${`%${digits}%`}` : undefined,
      )!,
    );
  }
  return conditions;
}

/**
 * A user's role keys and team ids, as columns of the user's own row (one round trip). The outer
 * columns are written out qualified: Drizzle renders single-table columns unqualified, which the
 * correlated subqueries would read as their own.
 */
const memberships = {
  roleKeys: sql<string[]>`coalesce((select array_agg(r.key order by r.key) from ${userRoles} ur
    join ${roles} r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
    where ur.tenant_id = users.tenant_id and ur.user_id = users.id), '{}')`,
  teamIds: sql<string[]>`coalesce((select array_agg(tm.team_id order by tm.team_id) from ${teamMembers} tm
    where tm.tenant_id = users.tenant_id and tm.user_id = users.id), '{}')`,
};

export type UserWithMemberships = UserRow & { roleKeys: string[]; teamIds: string[] };

export function listUsers(tx: Tx, ctx: CallContext, page: PageQuery, filters: UserFilters) {
  return userResource.list<{ roleKeys: string[]; teamIds: string[] }>(tx, ctx, page, {
    where: filterConditions(ctx.tenantId, filters),
    fields: memberships,
  });
}

/** One user with roles and teams, within `scope`; the read path of GET /users/{id}. */
export async function findUserWithMemberships(
  tx: Tx,
  tenantId: string,
  id: string,
  scope?: SQL,
): Promise<UserWithMemberships | undefined> {
  if (!scope) {
    // The tenant-wide read (admins, managers with tenant scope) is the hot one: prepared once.
    const [row] = await prepared(tx.db, 'users.byIdWithMemberships', (db) =>
      db
        .select({ ...getTableColumns(users), ...memberships })
        .from(users)
        .where(and(eq(users.tenantId, sql.placeholder('tenantId')), eq(users.id, sql.placeholder('id'))))
        .prepare('users_by_id_with_memberships'),
    ).execute({ tenantId, id });
    return row;
  }
  const [row] = await tx.db
    .select({ ...getTableColumns(users), ...memberships })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id), scope));
  return row;
}

/** Whether `id` is a user of the tenant, in or out of anyone's scope (a reference check). */
export async function userExists(tx: Tx, tenantId: string, id: string): Promise<boolean> {
  const [row] = await tx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  return row !== undefined;
}

/** Whether another user of the tenant has this username, compared case-insensitively. */
export async function usernameTaken(tx: Tx, tenantId: string, username: string, exceptId?: string) {
  const [row] = await tx.db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        sql`lower(${users.username}) = ${username.toLowerCase()}`,
        exceptId ? ne(users.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return row !== undefined;
}

export async function insertUser(tx: Tx, values: NewUserRow): Promise<UserRow> {
  const [row] = await tx.db.insert(users).values(values).returning();
  return row!;
}

export async function updateUser(
  tx: Tx,
  tenantId: string,
  id: string,
  values: Partial<NewUserRow>,
): Promise<UserRow> {
  const [row] = await tx.db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .returning();
  return row!;
}

/** Revokes the user's live sessions; returns their ids. */
export async function revokeUserSessions(
  tx: Tx,
  tenantId: string,
  userId: string,
  reason: string,
): Promise<string[]> {
  const rows = await tx.db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

/** The tenant's roles matched by key or id. */
export async function rolesByKeyOrId(tx: Tx, tenantId: string, refs: string[]) {
  const ids = refs.filter((r) => /^[0-9a-f-]{36}$/i.test(r));
  return tx.db
    .select({ id: roles.id, key: roles.key })
    .from(roles)
    .where(
      and(
        eq(roles.tenantId, tenantId),
        ids.length > 0 ? or(inArray(roles.key, refs), inArray(roles.id, ids)) : inArray(roles.key, refs),
      ),
    );
}

export async function replaceUserRoles(tx: Tx, tenantId: string, userId: string, roleIds: string[]) {
  await tx.db.delete(userRoles).where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.userId, userId)));
  if (roleIds.length > 0)
    await tx.db.insert(userRoles).values(roleIds.map((roleId) => ({ tenantId, userId, roleId })));
}

/**
 * Locks the tenant's admin role row (so two concurrent demotions serialise) and counts the active
 * users holding it.
 */
export async function lockAndCountActiveAdmins(tx: Tx, tenantId: string): Promise<number> {
  await tx.db
    .select({ id: roles.id })
    .from(roles)
    .where(and(eq(roles.tenantId, tenantId), eq(roles.key, 'admin')))
    .for('update');
  const [row] = await tx.db
    .select({ n: count() })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.status, 'active'),
        sql`exists (select 1 from ${userRoles} ur join ${roles} r
          on r.tenant_id = ur.tenant_id and r.id = ur.role_id
          where ur.tenant_id = ${users.tenantId} and ur.user_id = ${users.id} and r.key = 'admin')`,
      ),
    );
  return Number(row?.n ?? 0);
}

export async function orgUnitExists(tx: Tx, tenantId: string, id: string): Promise<boolean> {
  const [row] = await tx.db
    .select({ id: orgUnits.id })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, id)));
  return row !== undefined;
}
