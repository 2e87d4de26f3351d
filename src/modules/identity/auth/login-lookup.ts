import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { tenants, type TenantSettings } from '../tables/tenants.tables.js';
import { users } from '../tables/users.tables.js';
import type { UserRow } from './auth.repository.js';

/*
 * Finding the account a login or a registration names, before any tenant is known: by e-mail
 * (unique across tenants) or by username (unique within a tenant, optionally with its slug).
 */

export interface LoginCandidate {
  user: UserRow;
  tenantStatus: 'active' | 'suspended';
  tenantSettings: Partial<TenantSettings>;
}

/**
 * What a login names: an e-mail address (it has an `@`, which no username may contain; unique
 * across tenants) or a username (unique within a tenant), optionally with the tenant's slug —
 * given apart (`tenant`) or written `slug/username` (slugs and usernames hold no `/`), the form
 * the docs' Authorize button can send.
 */
export function parseLogin(login: string, tenant?: string): { key: string; email: boolean; slug?: string } {
  let key = login.trim().toLowerCase();
  let slug = tenant?.trim().toLowerCase() || undefined;
  const email = key.includes('@');
  const slash = key.indexOf('/');
  if (!email && slash > 0) {
    slug ??= key.slice(0, slash);
    key = key.slice(slash + 1);
  }
  return { key, email, slug };
}

/**
 * The one user a login names, with its tenant (a `beforeTenantKnown` lookup); undefined when none
 * does — or when a bare username names users of several tenants, which the caller answers like
 * an unknown login (same problem, same argon2 cost), so the answer tells nobody it is shared.
 */
export async function findLoginCandidate(
  tx: Tx,
  login: string,
  tenant?: string,
): Promise<LoginCandidate | undefined> {
  const { key, email, slug } = parseLogin(login, tenant);
  if (key === '') return undefined;
  const rows = await tx.db
    .select({ user: users, tenantStatus: tenants.status, tenantSettings: tenants.settings })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(
      and(
        email ? sql`lower(${users.email}) = ${key}` : sql`lower(${users.username}) = ${key}`,
        slug ? eq(tenants.slug, slug) : undefined,
      ),
    )
    .limit(2);
  return rows.length === 1 ? rows[0] : undefined;
}

/** The user with this e-mail address in any tenant (addresses are unique across tenants). */
export async function findUserByEmail(tx: Tx, email: string): Promise<UserRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row;
}
