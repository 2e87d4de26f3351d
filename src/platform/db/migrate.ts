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
  await analyzeUnanalysed(db);
}

/**
 * Tables holding rows the planner has no statistics for (never analysed: `reltuples` is -1), such
 * as after a bulk load or a restore, are analysed now: without statistics a plan can walk the wrong
 * index and discard thousands of rows to find one. Tables with statistics are left to autovacuum
 * (on PGlite, the embedded maintenance), and empty ones cost nothing.
 */
export async function analyzeUnanalysed(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
        and c.reltuples < 0 and pg_relation_size(c.oid) > 0`,
  );
  for (const { name } of rows) await db.exec(`analyze ${name}`);
  return rows.map((r) => r.name);
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
