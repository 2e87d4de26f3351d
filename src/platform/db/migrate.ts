import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './types.js';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

/**
 * Brings the schema up to date: the committed drizzle-kit migrations (tables, plus the hand-written
 * role, grant and policy files among them), then whatever else registered an installer (pg-boss).
 */
export async function migrateDatabase(
  db: Database,
  installers: ((db: Database) => Promise<void>)[] = [],
): Promise<void> {
  await requireOwnerBypassesRls(db);
  await db.migrate(MIGRATIONS_DIR);
  for (const install of installers) await install(db);
}

/**
 * Tenant tables force row-level security, which applies policies to their owner too; the owner's
 * system transactions (jobs, super-admin work) therefore need a role that bypasses RLS. Say so
 * before migrating rather than failing later with empty results.
 */
async function requireOwnerBypassesRls(db: Database): Promise<void> {
  const { rows } = await db.query<{ name: string; bypasses: boolean }>(
    'select rolname as name, rolsuper or rolbypassrls as bypasses from pg_roles where rolname = current_user',
  );
  const role = rows[0];
  if (role && !role.bypasses)
    throw new Error(
      `The database role "${role.name}" owns SalesOps' tables and must bypass row-level security: ` +
        `run ALTER ROLE "${role.name}" BYPASSRLS (or connect as a superuser).`,
    );
}
