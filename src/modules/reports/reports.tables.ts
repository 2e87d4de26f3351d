import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../platform/db/tenant-table.js';
import { appAccess, NO_DELETE, READ_WRITE } from '../../platform/db/access.js';
import { tenants, users } from '../identity/tables.js';

export const SCHEDULE_FREQUENCIES = ['daily', 'weekly', 'monthly', 'quarterly'] as const;
export type ScheduleFrequency = (typeof SCHEDULE_FREQUENCIES)[number];

/** pending → generating → completed | failed */
export const RUN_STATUSES = ['pending', 'generating', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * A report generated on a calendar: at `hour` in the tenant's time zone, every day, on a weekday
 * (ISO 1 = Monday), on a day of the month (clamped to short months) or on that day of each
 * quarter's first month. `next_run_at` is the next slot; workers claim a due schedule by moving it
 * forward with a compare-and-set, so each slot runs once.
 */
export const reportSchedules = pgTable(
  'report_schedules',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    reportType: text('report_type').notNull(),
    format: text('format').notNull(),
    frequency: text('frequency', { enum: SCHEDULE_FREQUENCIES }).notNull(),
    weekday: integer('weekday'),
    dayOfMonth: integer('day_of_month'),
    hour: integer('hour').notNull(),
    parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull().default({}),
    recipientUserIds: uuid('recipient_user_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    recipientEmails: text('recipient_emails')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    isActive: boolean('is_active').notNull().default(true),
    nextRunAt: timestamp('next_run_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastRunAt: timestamp('last_run_at', { withTimezone: true, mode: 'date' }),
    /** Whose data scope the report covers: the schedule's owner. */
    createdBy: uuid('created_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    index('report_schedules_tenant_created_by_idx').on(t.tenantId, t.createdBy),
    // Workers look for due schedules across tenants.
    index('report_schedules_due_idx')
      .on(t.nextRunAt)
      .where(sql`${t.isActive}`),
    check(
      'report_schedules_frequency_check',
      sql`${t.frequency} in ('daily', 'weekly', 'monthly', 'quarterly')`,
    ),
    check('report_schedules_hour_check', sql`${t.hour} between 0 and 23`),
    check('report_schedules_weekday_check', sql`${t.weekday} is null or ${t.weekday} between 1 and 7`),
    check('report_schedules_day_check', sql`${t.dayOfMonth} is null or ${t.dayOfMonth} between 1 and 31`),
  ],
);
appAccess(reportSchedules, READ_WRITE);

/** One generated (or failed) report: the history. A scheduled one names its schedule and slot. */
export const reportRuns = pgTable(
  'report_runs',
  {
    ...tenantColumns(),
    /** The schedule that produced it (no foreign key: deleting a schedule keeps its history, unlinked). */
    scheduleId: uuid('schedule_id'),
    /** The slot a scheduled run was generated for; unique per schedule, so a slot never runs twice. */
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }),
    reportType: text('report_type').notNull(),
    format: text('format').notNull(),
    parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('pending'),
    /** Whose request (or schedule) it is: the data scope it was generated in. */
    requestedBy: uuid('requested_by').notNull(),
    error: text('error'),
    fileKey: text('file_key'),
    fileName: text('file_name'),
    fileSize: integer('file_size'),
    contentType: text('content_type'),
    rowCount: integer('row_count'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    /** How a scheduled report reached its recipients: `attachment` or `link`; null until sent. */
    delivery: text('delivery'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.requestedBy], foreignColumns: [users.tenantId, users.id] }),
    uniqueIndex('report_runs_schedule_slot_key').on(t.tenantId, t.scheduleId, t.dueAt),
    index('report_runs_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('report_runs_tenant_requested_by_idx').on(t.tenantId, t.requestedBy),
    check('report_runs_status_check', sql`${t.status} in ('pending', 'generating', 'completed', 'failed')`),
  ],
);
appAccess(reportRuns, NO_DELETE);

export type ReportScheduleRow = typeof reportSchedules.$inferSelect;
export type ReportRunRow = typeof reportRuns.$inferSelect;
