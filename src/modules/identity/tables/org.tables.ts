import {
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  integer,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantPolicy, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { users } from './users.tables.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';

/**
 * The org tree (region → area → territory, any depth). `path` is the materialised path of ids
 * (`/root-id/child-id/`), so "everything under a unit" is one prefix match on an index.
 */
export const orgUnits = pgTable(
  'org_units',
  {
    ...tenantColumns(),
    parentId: uuid('parent_id'),
    name: text('name').notNull(),
    code: text('code'),
    type: text('type').notNull().default('unit'),
    path: text('path').notNull(),
    depth: integer('depth').notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id] }),
    uniqueIndex('org_units_tenant_code_key').on(t.tenantId, t.code),
    index('org_units_tenant_path_idx').on(t.tenantId, t.path),
  ],
);
appAccess(orgUnits, READ_WRITE);

export const teams = pgTable(
  'teams',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    description: text('description'),
    orgUnitId: uuid('org_unit_id'),
    leaderId: uuid('leader_id'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.orgUnitId], foreignColumns: [orgUnits.tenantId, orgUnits.id] }),
    foreignKey({ columns: [t.tenantId, t.leaderId], foreignColumns: [users.tenantId, users.id] }),
    uniqueIndex('teams_tenant_name_key').on(t.tenantId, t.name),
    index('teams_tenant_leader_idx').on(t.tenantId, t.leaderId),
  ],
);
appAccess(teams, READ_WRITE);

export const teamMembers = pgTable(
  'team_members',
  {
    tenantId: uuid('tenant_id').notNull(),
    teamId: uuid('team_id').notNull(),
    userId: uuid('user_id').notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.teamId, t.userId] }),
    foreignKey({ columns: [t.tenantId, t.teamId], foreignColumns: [teams.tenantId, teams.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete(
      'cascade',
    ),
    index('team_members_tenant_user_idx').on(t.tenantId, t.userId),
    tenantPolicy(t.tenantId),
  ],
);
appAccess(teamMembers, READ_WRITE);
