import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, APPEND_ONLY, NO_DELETE } from '../../../platform/db/access.js';
import { tenantColumns, tenantPolicy, tenantScoped } from '../../../platform/db/tenant-table.js';
import { customers, HEALTH_RISKS } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';
import { deployments } from './deployments.tables.js';

export const RISK_LEVELS = HEALTH_RISKS;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const SCORE_TRENDS = ['improving', 'stable', 'declining'] as const;
export type ScoreTrend = (typeof SCORE_TRENDS)[number];

const score = (name: string) => smallint(name).notNull();
const scoreRange = (column: { name: string }) => sql.raw(`"${column.name}" between 0 and 100`);

/**
 * A health score as it was calculated: never changed afterwards, so the history is the table.
 * `factors` explains each component with the counts it used, `weights` the weights the overall
 * score was computed with. A score is the customer's (`deployment_id` null) or one deployment's.
 */
export const healthScores = pgTable(
  'health_scores',
  {
    ...tenantColumns(),
    customerId: uuid('customer_id').notNull(),
    deploymentId: uuid('deployment_id'),
    overallScore: score('overall_score'),
    adoptionScore: score('adoption_score'),
    supportScore: score('support_score'),
    engagementScore: score('engagement_score'),
    financialScore: score('financial_score'),
    riskLevel: text('risk_level', { enum: RISK_LEVELS }).notNull(),
    trend: text('trend', { enum: SCORE_TRENDS }).notNull(),
    factors: jsonb('factors').notNull(),
    weights: jsonb('weights').notNull(),
    calculatedAt: timestamp('calculated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Who asked for it; null when the daily job or `calculate-all` computed it. */
    calculatedBy: uuid('calculated_by'),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({
      name: 'health_scores_tenant_deployment_fk',
      columns: [t.tenantId, t.deploymentId],
      foreignColumns: [deployments.tenantId, deployments.id],
    }),
    foreignKey({
      name: 'health_scores_tenant_calculated_by_fk',
      columns: [t.tenantId, t.calculatedBy],
      foreignColumns: [users.tenantId, users.id],
    }),
    check(
      'health_scores_range_check',
      sql`${scoreRange(t.overallScore)} and ${scoreRange(t.adoptionScore)} and ${scoreRange(t.supportScore)} and ${scoreRange(t.engagementScore)} and ${scoreRange(t.financialScore)}`,
    ),
    check('health_scores_risk_check', sql`${t.riskLevel} in ('low', 'medium', 'high', 'critical')`),
    check('health_scores_trend_check', sql`${t.trend} in ('improving', 'stable', 'declining')`),
    // History and trend ("the latest score at least 30 days old") read one customer's scores by time.
    index('health_scores_tenant_customer_time_idx')
      .on(t.tenantId, t.customerId, t.calculatedAt)
      .where(sql`${t.deploymentId} is null`),
    index('health_scores_tenant_deployment_time_idx')
      .on(t.tenantId, t.deploymentId, t.calculatedAt)
      .where(sql`${t.deploymentId} is not null`),
    index('health_scores_tenant_time_idx').on(t.tenantId, t.calculatedAt),
  ],
);
appAccess(healthScores, APPEND_ONLY);

/**
 * The days a tenant's daily success task (health scores, expiry and inactivity checks) has run, in
 * the tenant's calendar: the task runs once the tenant's local time passes its hour and no row for
 * the day exists, so a missed slot (the process was down) is caught up, and never twice a day.
 */
export const successDailyRuns = pgTable(
  'success_daily_runs',
  {
    tenantId: uuid('tenant_id').notNull(),
    task: text('task').notNull(),
    localDate: date('local_date', { mode: 'string' }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.task, t.localDate] }), tenantPolicy(t.tenantId)],
);
appAccess(successDailyRuns, APPEND_ONLY);

const count = (name: string) => integer(name).notNull().default(0);

/**
 * The book's health at the end of a tenant-local day, per account manager (`owner_id`, null for
 * customers without one): the served, scored customers, the sum of their current scores and their
 * risk counts. Scoring writes the day's rows (a full run all of them, one customer's score its
 * account manager's); the trends read these instead of every stored score, so a year of daily
 * scoring of 100,000 customers is a few hundred rows per account manager to read, not 36 million.
 */
export const healthSnapshots = pgTable(
  'health_snapshots',
  {
    tenantId: uuid('tenant_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    ownerId: uuid('owner_id'),
    customers: count('customers'),
    scoreSum: count('score_sum'),
    low: count('low'),
    medium: count('medium'),
    high: count('high'),
    critical: count('critical'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    tenantPolicy(t.tenantId),
    foreignKey({
      name: 'health_snapshots_tenant_owner_fk',
      columns: [t.tenantId, t.ownerId],
      foreignColumns: [users.tenantId, users.id],
    }),
    unique('health_snapshots_tenant_day_owner_key').on(t.tenantId, t.day, t.ownerId).nullsNotDistinct(),
  ],
);
appAccess(healthSnapshots, NO_DELETE);
