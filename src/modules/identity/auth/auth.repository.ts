import { and, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { SUPER_ADMIN_ROLE, scopeForLevel } from '../permissions.js';
import { roles, userRoles } from '../tables/roles.tables.js';
import { passwordResetTokens, refreshTokens, sessions } from '../tables/sessions.tables.js';
import { PLATFORM_TENANT_ID, tenants, type TenantSettings } from '../tables/tenants.tables.js';
import { users } from '../tables/users.tables.js';
import type { DataScope } from '../../../platform/http/auth.js';

export type UserRow = typeof users.$inferSelect;

export async function slugTaken(tx: Tx, slug: string): Promise<boolean> {
  const rows = await tx.db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return rows.length > 0;
}

export async function findUser(tx: Tx, tenantId: string, userId: string): Promise<UserRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
  return row;
}

export async function tenantOf(
  tx: Tx,
  tenantId: string,
): Promise<{ status: 'active' | 'suspended'; settings: Partial<TenantSettings> } | undefined> {
  const [row] = await tx.db
    .select({ status: tenants.status, settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row;
}

export interface Access {
  roles: string[];
  permissions: string[];
  scope: DataScope;
  isSuperAdmin: boolean;
}

/** The user's current roles, the union of their permissions and the data scope of the highest level. */
export async function loadAccess(tx: Tx, tenantId: string, userId: string): Promise<Access> {
  const rows = await tx.db
    .select({ key: roles.key, level: roles.level, permissions: roles.permissions })
    .from(userRoles)
    .innerJoin(roles, and(eq(roles.tenantId, userRoles.tenantId), eq(roles.id, userRoles.roleId)))
    .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.userId, userId)));
  const keys = rows.map((r) => r.key).sort();
  const isSuperAdmin = tenantId === PLATFORM_TENANT_ID && keys.includes(SUPER_ADMIN_ROLE);
  if (isSuperAdmin) return { roles: [SUPER_ADMIN_ROLE], permissions: [], scope: 'tenant', isSuperAdmin };
  const level = rows.reduce((max, r) => Math.max(max, r.level), 0);
  return {
    roles: keys,
    permissions: [...new Set(rows.flatMap((r) => r.permissions))].sort(),
    scope: scopeForLevel(level, keys),
    isSuperAdmin: false,
  };
}

/**
 * Counts a wrong password and locks the account when the count reaches `threshold`. Undefined when
 * the account is already locked (by a concurrent attempt too: the row is re-checked under its
 * lock), so attempts during a lock neither count nor lock it again; `newlyLocked` is true for the
 * one attempt that locked it.
 */
export async function recordFailedLogin(
  tx: Tx,
  user: UserRow,
  threshold: number,
  lockMinutes: number,
): Promise<{ count: number; lockedUntil: Date | null } | undefined> {
  // A lock whose time has passed starts a fresh count.
  const lockExpired = sql`(${users.lockedUntil} is not null and ${users.lockedUntil} <= now())`;
  const [row] = await tx.db
    .update(users)
    .set({
      failedLoginCount: sql`case when ${lockExpired} then 1 else ${users.failedLoginCount} + 1 end`,
      lockedUntil: sql`case when (case when ${lockExpired} then 1 else ${users.failedLoginCount} + 1 end) >= ${threshold}
        then now() + make_interval(mins => ${lockMinutes}::int) else null end`,
    })
    .where(
      and(
        eq(users.tenantId, user.tenantId),
        eq(users.id, user.id),
        or(isNull(users.lockedUntil), sql`${users.lockedUntil} <= now()`),
      ),
    )
    .returning({ count: users.failedLoginCount, lockedUntil: users.lockedUntil });
  return row;
}

export async function recordSuccessfulLogin(tx: Tx, user: UserRow): Promise<void> {
  await tx.db
    .update(users)
    .set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: sql`now()` })
    .where(and(eq(users.tenantId, user.tenantId), eq(users.id, user.id)));
}

export async function setPassword(
  tx: Tx,
  tenantId: string,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await tx.db
    .update(users)
    .set({
      passwordHash,
      passwordChangedAt: sql`now()`,
      failedLoginCount: 0,
      lockedUntil: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
}

export async function updateProfile(
  tx: Tx,
  tenantId: string,
  userId: string,
  changes: Partial<Pick<UserRow, 'firstName' | 'lastName' | 'email' | 'phone'>>,
): Promise<UserRow> {
  const [row] = await tx.db
    .update(users)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
    .returning();
  return row!;
}

// --- sessions and refresh tokens -------------------------------------------------------------

export type SessionRow = typeof sessions.$inferSelect;

export async function createSession(
  tx: Tx,
  values: { tenantId: string; userId: string; ip: string | null; userAgent: string | null; expiresAt: Date },
): Promise<string> {
  const [row] = await tx.db.insert(sessions).values(values).returning({ id: sessions.id });
  return row!.id;
}

export async function insertRefreshToken(
  tx: Tx,
  values: { tenantId: string; sessionId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await tx.db.insert(refreshTokens).values(values);
}

/** A refresh token by hash with its session (a `beforeTenantKnown` lookup: the tenant is not known yet). */
export async function findRefreshToken(tx: Tx, tokenHash: string) {
  const [row] = await tx.db
    .select({ token: refreshTokens, session: sessions })
    .from(refreshTokens)
    .innerJoin(
      sessions,
      and(eq(sessions.tenantId, refreshTokens.tenantId), eq(sessions.id, refreshTokens.sessionId)),
    )
    .where(eq(refreshTokens.tokenHash, tokenHash));
  return row;
}

/** Marks a token exchanged; false when another request exchanged it first. */
export async function markRotated(tx: Tx, tenantId: string, tokenId: string): Promise<boolean> {
  const rows = await tx.db
    .update(refreshTokens)
    .set({ rotatedAt: sql`now()` })
    .where(
      and(
        eq(refreshTokens.tenantId, tenantId),
        eq(refreshTokens.id, tokenId),
        isNull(refreshTokens.rotatedAt),
      ),
    )
    .returning({ id: refreshTokens.id });
  return rows.length === 1;
}

export async function touchSession(
  tx: Tx,
  tenantId: string,
  sessionId: string,
  expiresAt: Date,
): Promise<void> {
  await tx.db
    .update(sessions)
    .set({ lastUsedAt: sql`now()`, expiresAt })
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
}

/** Revokes live sessions of a user matching the filter; returns the ids revoked. */
export async function revokeSessions(
  tx: Tx,
  tenantId: string,
  filter: { userId: string; sessionId?: string; exceptSessionId?: string },
  reason: string,
): Promise<string[]> {
  const rows = await tx.db
    .update(sessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        eq(sessions.userId, filter.userId),
        isNull(sessions.revokedAt),
        filter.sessionId ? eq(sessions.id, filter.sessionId) : undefined,
        filter.exceptSessionId ? ne(sessions.id, filter.exceptSessionId) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

export async function listLiveSessions(tx: Tx, tenantId: string, userId: string): Promise<SessionRow[]> {
  return tx.db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .orderBy(sql`${sessions.lastUsedAt} desc`);
}

/** What the principal resolver checks for every request (cached briefly). */
export async function sessionState(tx: Tx, tenantId: string, sessionId: string) {
  const [row] = await tx.db
    .select({
      userId: sessions.userId,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      userStatus: users.status,
      tenantStatus: tenants.status,
    })
    .from(sessions)
    .innerJoin(users, and(eq(users.tenantId, sessions.tenantId), eq(users.id, sessions.userId)))
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
  return row;
}

// --- password reset tokens -------------------------------------------------------------------

export async function insertResetToken(
  tx: Tx,
  values: { tenantId: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await tx.db.insert(passwordResetTokens).values(values);
}

export async function findResetToken(tx: Tx, tokenHash: string) {
  const [row] = await tx.db
    .select({
      token: passwordResetTokens,
      user: users,
      tenantSettings: tenants.settings,
      tenantStatus: tenants.status,
    })
    .from(passwordResetTokens)
    .innerJoin(
      users,
      and(eq(users.tenantId, passwordResetTokens.tenantId), eq(users.id, passwordResetTokens.userId)),
    )
    .innerJoin(tenants, eq(tenants.id, passwordResetTokens.tenantId))
    .where(eq(passwordResetTokens.tokenHash, tokenHash));
  return row;
}

/** Consumes a reset token once; false when it was used or expired meanwhile. */
export async function consumeResetToken(tx: Tx, tenantId: string, tokenId: string): Promise<boolean> {
  const rows = await tx.db
    .update(passwordResetTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(passwordResetTokens.tenantId, tenantId),
        eq(passwordResetTokens.id, tokenId),
        isNull(passwordResetTokens.usedAt),
        gt(passwordResetTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: passwordResetTokens.id });
  return rows.length === 1;
}

// --- users with roles (seed, fixtures, CLI) --------------------------------------------------

export interface NewUser {
  tenantId: string;
  email: string;
  /** Hashed before the transaction, so argon2 never holds a connection. */
  passwordHash: string;
  firstName: string;
  lastName?: string;
  username?: string | null;
  /** Already in E.164. */
  phone?: string | null;
  roleKeys: string[];
  orgUnitId?: string | null;
  managerId?: string | null;
}

/** Inserts a user with an argon2id hash and the given roles of its tenant. */
export async function insertUserWithRoles(tx: Tx, user: NewUser): Promise<string> {
  const [row] = await tx.db
    .insert(users)
    .values({
      tenantId: user.tenantId,
      email: user.email,
      username: user.username ?? null,
      phone: user.phone ?? null,
      firstName: user.firstName,
      lastName: user.lastName ?? '',
      orgUnitId: user.orgUnitId ?? null,
      managerId: user.managerId ?? null,
      passwordHash: user.passwordHash,
    })
    .returning({ id: users.id });
  if (user.roleKeys.length > 0) {
    const roleRows = await tx.db
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.tenantId, user.tenantId), inArray(roles.key, user.roleKeys)));
    if (roleRows.length !== user.roleKeys.length)
      throw new Error(`unknown role among ${user.roleKeys.join(', ')}`);
    await tx.db
      .insert(userRoles)
      .values(roleRows.map((r) => ({ tenantId: user.tenantId, userId: row!.id, roleId: r.id })));
  }
  return row!.id;
}

/** The super_admin role row of the platform tenant, created on first use. */
export async function ensureSuperAdminRole(tx: Tx): Promise<void> {
  await tx.db
    .insert(roles)
    .values({
      tenantId: PLATFORM_TENANT_ID,
      key: SUPER_ADMIN_ROLE,
      name: 'Super administrator',
      level: 100,
      permissions: [],
      builtin: true,
    })
    .onConflictDoNothing();
}

/** Creates a super administrator (a user of the platform tenant with the super_admin role). */
export async function createSuperAdmin(
  tx: Tx,
  admin: { email: string; passwordHash: string; firstName: string; lastName?: string },
): Promise<string> {
  await ensureSuperAdminRole(tx);
  return insertUserWithRoles(tx, { ...admin, tenantId: PLATFORM_TENANT_ID, roleKeys: [SUPER_ADMIN_ROLE] });
}
