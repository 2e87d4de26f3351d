import { sql } from 'drizzle-orm';
import { pgPolicy, pgRole, primaryKey, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { uuidv7 } from '../../lib/ids.js';
import { APP_ROLE } from './preamble.js';

/** The application role, created by the first migration (drizzle-kit only references it). */
export const appRole = pgRole(APP_ROLE).existing();

/** The tenant bound to the current transaction; `nullif` because an unset setting reads as ''. */
export const currentTenantId = sql`nullif(current_setting('app.tenant_id', true), '')::uuid`;

/** Columns every tenant-owned table starts with. */
export const tenantColumns = () => ({
  tenantId: uuid('tenant_id').notNull(),
  id: uuid('id').notNull().$defaultFn(uuidv7),
});

export const timestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .defaultNow()
    .$onUpdateFn(() => new Date()),
});

/**
 * The standard tenant table set-up, in one line of a table's extra config:
 * `(t) => [...tenantScoped(t), index(...)...]`. It adds the `(tenant_id, id)` primary key and the
 * row-level-security policy that limits the application role to the current tenant's rows for
 * reads and writes alike (drizzle-kit also enables RLS on the table).
 */
export function tenantScoped(table: { tenantId: AnyPgColumn; id: AnyPgColumn }) {
  return [primaryKey({ columns: [table.tenantId, table.id] }), tenantPolicy(table.tenantId)] as const;
}

/**
 * The row-level-security policy alone, for tables that cannot take the standard key (a nullable
 * tenant for system rows, like the mail outbox): the application role reads and writes only rows
 * of the current tenant; rows without a tenant are visible to system transactions only.
 */
export function tenantPolicy(tenantId: AnyPgColumn) {
  return pgPolicy('tenant_isolation', {
    as: 'permissive',
    for: 'all',
    to: appRole,
    using: sql`${tenantId} = ${currentTenantId}`,
    withCheck: sql`${tenantId} = ${currentTenantId}`,
  });
}
