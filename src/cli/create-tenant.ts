import type { Config } from '../config.js';
import { hashPassword, IDENTITY_PERMISSIONS, provisionTenant, slugify } from '../modules/identity/index.js';
import { modules } from '../modules/index.js';
import type { PermissionDefinition } from '../platform/module.js';
import { ask, policyOrExit } from './create-superadmin.js';
import { CliError, migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';

/** Every module's permissions (identity's at least), for the new tenant's built-in roles. */
function catalogue(): PermissionDefinition[] {
  const all = [...IDENTITY_PERMISSIONS, ...modules.flatMap((m) => m.permissions ?? [])];
  return [...new Map(all.map((p) => [p.name, p])).values()];
}

/**
 * `salesops create-tenant --name N [--slug S] --admin-email E --admin-password P [--admin-name N]`
 * (prompts for what is missing on a terminal).
 */
export async function createTenantCommand(
  config: Config,
  flags: { name?: string; slug?: string; adminEmail?: string; adminPassword?: string; adminName?: string },
): Promise<void> {
  const a = await ask(
    [
      { key: 'name', flag: 'name', label: 'Tenant name' },
      { key: 'slug', flag: 'slug', label: 'Slug', optional: true },
      { key: 'adminEmail', flag: 'admin-email', label: 'Admin e-mail' },
      { key: 'adminPassword', flag: 'admin-password', label: 'Admin password', secret: true },
      { key: 'adminName', flag: 'admin-name', label: 'Admin name', optional: true },
    ],
    flags,
  );
  const slug = a.slug ?? slugify(a.name!);
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug))
    throw new CliError('The slug must be 2–63 lower-case letters, digits or dashes (--slug).');
  if (!/^[^\s@]+@[^\s@]+$/.test(a.adminEmail!)) throw new CliError('The admin e-mail address is not valid.');
  policyOrExit(a.adminPassword!, a.adminEmail!);
  const [firstName = 'Admin', ...rest] = (a.adminName ?? 'Admin').split(/\s+/);
  const passwordHash = await hashPassword(a.adminPassword!);
  const db = await openConfiguredDatabase(config);
  try {
    await migrateWithProgress(db, createProgress());
    const result = await db.withSystem(async (tx) => {
      const slugTaken = await tx.sql.query('select 1 from tenants where slug = $1', [slug]);
      if (slugTaken.rows.length > 0) throw new CliError(`The slug ${slug} is taken.`);
      const emailTaken = await tx.sql.query('select 1 from users where lower(email) = lower($1)', [
        a.adminEmail,
      ]);
      if (emailTaken.rows.length > 0)
        throw new CliError(`A user with the e-mail ${a.adminEmail} exists already.`);
      return provisionTenant(
        tx,
        catalogue(),
        { name: a.name!, slug },
        {
          email: a.adminEmail!,
          passwordHash,
          firstName,
          lastName: rest.join(' '),
        },
      );
    });
    process.stdout.write(
      `Tenant created: ${a.name} (slug ${slug}, id ${result.tenantId})\nAdmin: ${a.adminEmail} (id ${result.adminId})\n`,
    );
  } finally {
    await db.close();
  }
}
