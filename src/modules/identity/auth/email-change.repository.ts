import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { prepared } from '../../../platform/db/prepared.js';
import type { Tx } from '../../../platform/db/types.js';
import { emailChangeTokens } from '../tables/sessions.tables.js';
import { tenants } from '../tables/tenants.tables.js';
import { users } from '../tables/users.tables.js';
import type { ProfileUser } from './views.js';

/** Another user of the tenant with this address (case-insensitive)? */
export async function emailUsedByOther(
  tx: Tx,
  tenantId: string,
  userId: string,
  email: string,
): Promise<boolean> {
  const rows = await tx.db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        ne(users.id, userId),
        sql`lower(${users.email}) = ${email.trim().toLowerCase()}`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Ends the user's open e-mail changes (a newer request, a password change or reset). */
export async function cancelEmailChanges(tx: Tx, tenantId: string, userId: string): Promise<void> {
  await tx.db
    .update(emailChangeTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(emailChangeTokens.tenantId, tenantId),
        eq(emailChangeTokens.userId, userId),
        isNull(emailChangeTokens.usedAt),
      ),
    );
}

export async function insertEmailChange(
  tx: Tx,
  values: { tenantId: string; userId: string; newEmail: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await tx.db.insert(emailChangeTokens).values(values);
}

/**
 * The signed-in user (the columns `meView` shows) with the address of their open e-mail change, in
 * one prepared statement (`GET /auth/me` runs on every app start and page load).
 */
export async function userWithPendingEmail(
  tx: Tx,
  tenantId: string,
  userId: string,
): Promise<(ProfileUser & { pendingEmail: string | null }) | undefined> {
  const [row] = await prepared(tx.db, 'identity.userWithPendingEmail', (db) =>
    db
      .select({
        id: users.id,
        tenantId: users.tenantId,
        email: users.email,
        username: users.username,
        firstName: users.firstName,
        lastName: users.lastName,
        phone: users.phone,
        status: users.status,
        lastLoginAt: users.lastLoginAt,
        // Named explicitly: a single-table select renders its columns unqualified, which inside
        // the subquery would mean the tokens' own columns.
        pendingEmail: sql<string | null>`(
          select t.new_email from ${emailChangeTokens} t
          where t.tenant_id = "users".tenant_id and t.user_id = "users".id
            and t.used_at is null and t.expires_at > now()
          order by t.created_at desc limit 1)`,
      } satisfies Record<keyof ProfileUser | 'pendingEmail', unknown>)
      .from(users)
      .where(and(eq(users.tenantId, sql.placeholder('tenantId')), eq(users.id, sql.placeholder('userId'))))
      .prepare('identity_user_with_pending_email'),
  ).execute({ tenantId, userId });
  return row;
}

export async function pendingEmail(tx: Tx, tenantId: string, userId: string): Promise<string | null> {
  const [row] = await tx.db
    .select({ email: emailChangeTokens.newEmail })
    .from(emailChangeTokens)
    .where(
      and(
        eq(emailChangeTokens.tenantId, tenantId),
        eq(emailChangeTokens.userId, userId),
        isNull(emailChangeTokens.usedAt),
        gt(emailChangeTokens.expiresAt, sql`now()`),
      ),
    )
    .orderBy(sql`${emailChangeTokens.createdAt} desc`)
    .limit(1);
  return row?.email ?? null;
}

/** A change by its token hash (a `beforeTenantKnown` lookup: the link is opened signed out). */
export async function findEmailChange(tx: Tx, tokenHash: string) {
  const [row] = await tx.db
    .select({ change: emailChangeTokens, tenantStatus: tenants.status })
    .from(emailChangeTokens)
    .innerJoin(tenants, eq(tenants.id, emailChangeTokens.tenantId))
    .where(eq(emailChangeTokens.tokenHash, tokenHash));
  return row;
}

/** Consumes the token once; false when it was used, cancelled or expired meanwhile. */
export async function consumeEmailChange(tx: Tx, tenantId: string, id: string): Promise<boolean> {
  const rows = await tx.db
    .update(emailChangeTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(emailChangeTokens.tenantId, tenantId),
        eq(emailChangeTokens.id, id),
        isNull(emailChangeTokens.usedAt),
        gt(emailChangeTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: emailChangeTokens.id });
  return rows.length === 1;
}
