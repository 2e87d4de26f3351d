import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { brands } from '../../catalog/tables.js';
import { teams, tenants, users } from '../../identity/tables.js';
import { surveys } from './surveys.tables.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';

export const GOAL_METRICS = [
  'visits_completed',
  'surveys_completed',
  'photos',
  'shelf_share',
  'leads_captured',
  'conversions',
  'revenue',
  'manual',
] as const;
export type GoalMetric = (typeof GOAL_METRICS)[number];

export const ASSIGNEE_TYPES = ['user', 'team'] as const;
export type AssigneeType = (typeof ASSIGNEE_TYPES)[number];

/** A target for a metric over a period; progress is computed from the data of its assignees. */
export const goals = pgTable(
  'goals',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    description: text('description'),
    metric: text('metric', { enum: GOAL_METRICS }).notNull(),
    target: numeric('target', { precision: 18, scale: 2 }).notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    brandId: uuid('brand_id'),
    surveyId: uuid('survey_id'),
    isActive: boolean('is_active').notNull().default(true),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.brandId], foreignColumns: [brands.tenantId, brands.id] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    index('goals_tenant_period_idx').on(t.tenantId, t.periodStart, t.periodEnd),
    index('goals_tenant_created_by_idx').on(t.tenantId, t.createdBy),
    check(
      'goals_metric_check',
      sql`${t.metric} in ('visits_completed', 'surveys_completed', 'photos', 'shelf_share', 'leads_captured', 'conversions', 'revenue', 'manual')`,
    ),
    check('goals_target_check', sql`${t.target} > 0`),
    check('goals_period_check', sql`${t.periodEnd} >= ${t.periodStart}`),
    // The share of which brand would be unknown otherwise.
    check('goals_shelf_share_brand_check', sql`${t.metric} <> 'shelf_share' or ${t.brandId} is not null`),
  ],
);
appAccess(goals, READ_WRITE);

/**
 * Who works towards a goal: a user or a team, with its own target (null: the goal's). `reported_*`
 * hold the progress reported for `manual` goals.
 */
export const goalAssignments = pgTable(
  'goal_assignments',
  {
    ...tenantColumns(),
    goalId: uuid('goal_id').notNull(),
    assigneeType: text('assignee_type', { enum: ASSIGNEE_TYPES }).notNull(),
    userId: uuid('user_id'),
    teamId: uuid('team_id'),
    target: numeric('target', { precision: 18, scale: 2 }),
    reportedValue: numeric('reported_value', { precision: 18, scale: 2 }),
    reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'date' }),
    reportedBy: uuid('reported_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.goalId], foreignColumns: [goals.tenantId, goals.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
    // Deleting a team must not be blocked by old goals; its assignments go with it.
    foreignKey({ columns: [t.tenantId, t.teamId], foreignColumns: [teams.tenantId, teams.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.reportedBy], foreignColumns: [users.tenantId, users.id] }),
    uniqueIndex('goal_assignments_tenant_goal_user_key').on(t.tenantId, t.goalId, t.userId),
    uniqueIndex('goal_assignments_tenant_goal_team_key').on(t.tenantId, t.goalId, t.teamId),
    index('goal_assignments_tenant_user_idx').on(t.tenantId, t.userId),
    index('goal_assignments_tenant_team_idx').on(t.tenantId, t.teamId),
    check(
      'goal_assignments_assignee_check',
      sql`(${t.assigneeType} = 'user' and ${t.userId} is not null and ${t.teamId} is null) or (${t.assigneeType} = 'team' and ${t.teamId} is not null and ${t.userId} is null)`,
    ),
    check('goal_assignments_target_check', sql`${t.target} is null or ${t.target} > 0`),
    check('goal_assignments_reported_check', sql`${t.reportedValue} is null or ${t.reportedValue} >= 0`),
  ],
);
appAccess(goalAssignments, READ_WRITE);
