import type { Tx } from '../../../platform/db/types.js';
import type { PermissionDefinition } from '../../../platform/module.js';
import { BUILTIN_ROLES, defaultPermissions } from '../permissions.js';
import { roles, userRoles } from '../tables/roles.tables.js';
import { tenants, type TenantSettings } from '../tables/tenants.tables.js';
import { users } from '../tables/users.tables.js';

export interface NewTenant {
  name: string;
  slug: string;
  settings?: Partial<TenantSettings>;
}

/** The first admin, with the password already hashed: argon2 runs before the transaction. */
export interface NewAdmin {
  email: string;
  firstName: string;
  lastName?: string;
  username?: string | null;
  phone?: string | null;
  passwordHash: string;
}

/**
 * Creates a tenant with its built-in roles (permissions from the catalogue) and its first admin, in
 * the caller's system transaction. The password must already satisfy the policy and be hashed
 * before the transaction, so that argon2 never holds a connection (or repeats on a retry).
 */
export async function provisionTenant(
  tx: Tx,
  catalogue: readonly PermissionDefinition[],
  tenant: NewTenant,
  admin: NewAdmin,
): Promise<{ tenantId: string; adminId: string }> {
  const [created] = await tx.db
    .insert(tenants)
    .values({ name: tenant.name, slug: tenant.slug, settings: tenant.settings ?? {} })
    .returning({ id: tenants.id });
  const tenantId = created!.id;
  const roleRows = await tx.db
    .insert(roles)
    .values(
      BUILTIN_ROLES.map((role) => ({
        tenantId,
        key: role.key,
        name: role.name,
        level: role.level,
        permissions: defaultPermissions(role.key, catalogue),
        builtin: true,
      })),
    )
    .returning({ id: roles.id, key: roles.key });
  const [user] = await tx.db
    .insert(users)
    .values({
      tenantId,
      email: admin.email,
      username: admin.username ?? null,
      phone: admin.phone ?? null,
      firstName: admin.firstName,
      lastName: admin.lastName ?? '',
      passwordHash: admin.passwordHash,
    })
    .returning({ id: users.id });
  const adminRole = roleRows.find((r) => r.key === 'admin')!;
  await tx.db.insert(userRoles).values({ tenantId, userId: user!.id, roleId: adminRole.id });
  return { tenantId, adminId: user!.id };
}
