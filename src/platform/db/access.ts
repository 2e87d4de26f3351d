import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { APP_ROLE } from './preamble.js';

/**
 * What the application role may do with a table. Nothing is granted by default (the first access
 * migration revoked PostgreSQL's default privileges): a table is closed to every request until its
 * definition declares its access next to it, and `npm run db:generate` turns the declaration into
 * a migration (`scripts/db-access.ts`).
 */
export type AppPrivilege = 'select' | 'insert' | 'update' | 'delete';

export const READ_WRITE: readonly AppPrivilege[] = ['select', 'insert', 'update', 'delete'];
/** Rows are added and changed, never removed by the application (removal is a retention job's). */
export const NO_DELETE: readonly AppPrivilege[] = ['select', 'insert', 'update'];
/** Append-only: the audit log and the mail outbox. */
export const APPEND_ONLY: readonly AppPrivilege[] = ['select', 'insert'];

const declared = new WeakMap<PgTable, readonly AppPrivilege[]>();

/**
 * Declares what the application role may do with `table`, right after the table's definition:
 * `appAccess(visits, READ_WRITE)`. A table without a declaration gets no grants at all.
 */
export function appAccess<T extends PgTable>(table: T, privileges: readonly AppPrivilege[]): T {
  declared.set(table, [...new Set(privileges)].sort());
  return table;
}

/** One table as the access migration and the catalog test see it. */
export interface TableAccess {
  schema: string;
  name: string;
  privileges: readonly AppPrivilege[];
  /** Row-level security is on and forced (the table has a policy: tenant tables always do). */
  forceRls: boolean;
}

export function accessOf(table: PgTable): TableAccess {
  const config = getTableConfig(table);
  return {
    schema: config.schema ?? 'public',
    name: config.name,
    privileges: declared.get(table) ?? [],
    forceRls: config.policies.length > 0 || config.enableRLS,
  };
}

const quoted = (access: TableAccess) => `"${access.schema}"."${access.name}"`;

/**
 * The SQL that makes the database match a declaration: revoke everything, grant what is declared,
 * and force row-level security so even the table's owner cannot read across tenants by accident
 * (the migrating role bypasses RLS only as a superuser or with BYPASSRLS, which `withSystem` needs).
 * Idempotent, so it is safe to run again.
 */
export function accessStatements(access: TableAccess): string[] {
  const statements = [`REVOKE ALL ON TABLE ${quoted(access)} FROM ${APP_ROLE};`];
  if (access.privileges.length) {
    const list = access.privileges.map((p) => p.toUpperCase()).join(', ');
    statements.push(`GRANT ${list} ON TABLE ${quoted(access)} TO ${APP_ROLE};`);
  }
  if (access.forceRls) statements.push(`ALTER TABLE ${quoted(access)} FORCE ROW LEVEL SECURITY;`);
  return statements;
}
