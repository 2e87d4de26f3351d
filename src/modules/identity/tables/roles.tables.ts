import {
  boolean,
  foreignKey,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantPolicy, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { tenants } from './tenants.tables.js';
import { users } from './users.tables.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';

/** Built-in roles (created with every tenant) and the tenant's custom roles. */
export const roles = pgTable(
  'roles',
  {
    ...tenantColumns(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    level: integer('level').notNull(),
    permissions: text('permissions').array().notNull().default([]),
    builtin: boolean('builtin').notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    uniqueIndex('roles_tenant_key_key').on(t.tenantId, t.key),
  ],
);
appAccess(roles, READ_WRITE);

export const userRoles = pgTable(
  'user_roles',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    roleId: uuid('role_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.roleId] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.roleId], foreignColumns: [roles.tenantId, roles.id] }).onDelete(
      'cascade',
    ),
    tenantPolicy(t.tenantId),
  ],
);
appAccess(userRoles, READ_WRITE);
