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
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped } from '../db/tenant-table.js';
import { appAccess, READ_WRITE } from '../db/access.js';

export const IMPORT_STATUSES = ['pending', 'validating', 'importing', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const IMPORT_MODES = ['insert', 'upsert-by-code'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * One bulk import of a spreadsheet into an entity (customers, outlets, products, and whatever later
 * modules register). The counters are the progress a client polls; `error_*` explains a run that
 * failed as a whole (unreadable file, missing columns, rows rejected under all-or-nothing).
 */
export const importRuns = pgTable(
  'import_runs',
  {
    ...tenantColumns(),
    entity: text('entity').notNull(),
    mode: text('mode', { enum: IMPORT_MODES }).notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    allOrNothing: boolean('all_or_nothing').notNull().default(false),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('pending'),
    format: text('format', { enum: IMPORT_FORMATS }).notNull(),
    fileName: text('file_name').notNull(),
    fileKey: text('file_key').notNull(),
    fileSize: integer('file_size').notNull(),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsValid: integer('rows_valid').notNull().default(0),
    rowsInvalid: integer('rows_invalid').notNull().default(0),
    rowsWritten: integer('rows_written').notNull().default(0),
    rowsCreated: integer('rows_created').notNull().default(0),
    rowsUpdated: integer('rows_updated').notNull().default(0),
    rowsUnchanged: integer('rows_unchanged').notNull().default(0),
    /**
     * The last file row the write pass has finished with (written, or staged for all-or-nothing):
     * a retried run resumes after it instead of writing a chunk twice.
     */
    writePosition: integer('write_position').notNull().default(0),
    /**
     * The attempt holding a validating/importing run (a random token per attempt, or the token a
     * recovery hands to the job it enqueues): only its writes count, so two workers never run it at once.
     */
    claim: uuid('claim'),
    /**
     * Renewed by the attempt holding the run (with every batch and on a timer); a run whose heartbeat
     * is older than `IMPORT_STALE_MS` has lost its worker and is recovered (recovery.ts). Null: free.
     */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }),
    /** Times the run was recovered after its worker was lost; past the limit it fails instead. */
    recoveries: integer('recoveries').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** The user who started the run (no foreign key: the platform does not know the users table). */
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    ...tenantScoped(t),
    index('import_runs_tenant_created_idx').on(t.tenantId, t.createdAt),
    // The retention job finds the errors of runs finished long ago by this.
    index('import_runs_finished_idx').on(t.finishedAt),
    // The recovery sweep looks for running runs only; the finished ones, nearly all, stay out of it.
    index('import_runs_running_heartbeat_idx')
      .on(t.heartbeatAt)
      .where(sql`${t.status} in ('validating', 'importing')`),
    check(
      'import_runs_status_check',
      sql`${t.status} in ('pending', 'validating', 'importing', 'completed', 'failed')`,
    ),
    check('import_runs_mode_check', sql`${t.mode} in ('insert', 'upsert-by-code')`),
  ],
);
appAccess(importRuns, READ_WRITE);

/** Every rejected row of an import: its 1-based row number in the file, the column and why. */
export const importErrors = pgTable(
  'import_errors',
  {
    ...tenantColumns(),
    importId: uuid('import_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    column: text('column'),
    code: text('code').notNull(),
    message: text('message').notNull(),
    value: text('value'),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.importId],
      foreignColumns: [importRuns.tenantId, importRuns.id],
    }).onDelete('cascade'),
    index('import_errors_tenant_import_row_idx').on(t.tenantId, t.importId, t.rowNumber),
  ],
);
appAccess(importErrors, READ_WRITE);

/**
 * Validated rows of an all-or-nothing run, staged chunk by chunk in short transactions and applied
 * to the entity's table in one transaction at the end (then deleted): the target table never holds
 * part of such a run, and no transaction stays open while the file is read and checked.
 */
export const importStagedRows = pgTable(
  'import_staged_rows',
  {
    ...tenantColumns(),
    importId: uuid('import_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    code: text('code').notNull(),
    /** The row's prepared API body, as the entity's `write` takes it. */
    payload: jsonb('payload').notNull(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.importId],
      foreignColumns: [importRuns.tenantId, importRuns.id],
    }).onDelete('cascade'),
    index('import_staged_rows_tenant_import_row_idx').on(t.tenantId, t.importId, t.rowNumber),
  ],
);
appAccess(importStagedRows, ['select', 'insert', 'delete']);
