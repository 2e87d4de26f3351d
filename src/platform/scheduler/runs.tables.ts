import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from '../../lib/ids.js';
import { tenantPolicy } from '../db/tenant-table.js';

export const JOB_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

/**
 * One row per run of a scheduled job (by its cron tick, or started by hand), so the scheduler can
 * show the last run, its duration and its error. Scheduled jobs work across tenants, so the table
 * belongs to the platform: only the owner role (the scheduler) reads and writes it, and a run one
 * tenant started for itself names that tenant. The application role has no grant; the tenant policy
 * is there so that a grant added later could never show one tenant another's runs.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: uuid('id').primaryKey().$defaultFn(uuidv7),
    jobName: text('job_name').notNull(),
    /** Set when the run covered one tenant only (alerts' "run checks now"). */
    tenantId: uuid('tenant_id'),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    status: text('status', { enum: JOB_RUN_STATUSES }).notNull(),
    queuedAt: timestamp('queued_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    durationMs: integer('duration_ms'),
    error: text('error'),
  },
  (t) => [
    index('job_runs_name_queued_idx').on(t.jobName, t.queuedAt),
    check(
      'job_runs_status_check',
      sql`${t.status} in ('queued', 'running', 'succeeded', 'failed', 'skipped')`,
    ),
    check('job_runs_trigger_check', sql`${t.trigger} in ('schedule', 'manual')`),
    tenantPolicy(t.tenantId),
  ],
);

export type JobRunRow = typeof jobRuns.$inferSelect;

/**
 * A scheduled job switched off (or back on) by an administrator. Jobs run across tenants, so the
 * switch is the platform's, like the runs: only the owner role touches it (RLS on, no policy, no
 * grant). A job without a row is enabled.
 */
export const scheduledJobSettings = pgTable('scheduled_job_settings', {
  jobName: text('job_name').primaryKey(),
  enabled: boolean('enabled').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** Who switched it (a user id; no foreign key: the user may belong to any tenant or none). */
  updatedBy: uuid('updated_by'),
}).enableRLS();
