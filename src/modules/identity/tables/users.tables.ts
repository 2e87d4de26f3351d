import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { tenants } from './tenants.tables.js';
import { appAccess, NO_DELETE } from '../../../platform/db/access.js';

export const USER_STATUSES = ['active', 'inactive'] as const;

/**
 * People who sign in: agents, managers, admins (and, in the platform tenant, super admins). The
 * agent fields of the field systems live here. E-mail is unique across all tenants, so a login by
 * e-mail needs no tenant; a username is unique within its tenant (case-insensitively), and a
 * username two tenants share signs in with the tenant named (see the identity README).
 */
export const users = pgTable(
  'users',
  {
    ...tenantColumns(),
    email: text('email').notNull(),
    username: text('username'),
    passwordHash: text('password_hash').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull().default(''),
    /** E.164 (`+998901234567`), normalised by `src/lib/phone.ts`. */
    phone: text('phone'),
    status: text('status', { enum: USER_STATUSES }).notNull().default('active'),
    employeeCode: text('employee_code'),
    managerId: uuid('manager_id'),
    // Both keyed by (tenant_id, …) in migration 0021_tenant_reference_keys, ON DELETE SET NULL of
    // the column alone: org_units' definition imports this table, outlets are catalog's.
    orgUnitId: uuid('org_unit_id'),
    primaryOutletId: uuid('primary_outlet_id'),
    hiredAt: date('hired_at', { mode: 'string' }),
    terminatedAt: date('terminated_at', { mode: 'string' }),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true, mode: 'date' }),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
    /** IANA time zone overriding the tenant's (notification digests, local days); null: the tenant's. */
    timeZone: text('time_zone'),
    /** Local hour (0–23) of the user's daily alert digest; null: the tenant's `notification_digest_hour`. */
    digestHour: smallint('digest_hour'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.managerId], foreignColumns: [t.tenantId, t.id] }),
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    check('users_digest_hour_check', sql`${t.digestHour} between 0 and 23`),
    // Username first: a login by username looks it up across tenants on this index's prefix.
    uniqueIndex('users_tenant_username_key').on(sql`lower(${t.username})`, t.tenantId),
    uniqueIndex('users_employee_code_key').on(t.tenantId, t.employeeCode),
    index('users_tenant_org_unit_idx').on(t.tenantId, t.orgUnitId),
    index('users_tenant_manager_idx').on(t.tenantId, t.managerId),
  ],
);
appAccess(users, NO_DELETE);
