import { sql } from 'drizzle-orm';
import { check, foreignKey, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { appAccess, APPEND_ONLY } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped } from '../../../platform/db/tenant-table.js';
import { importRuns } from '../../../platform/bulk/imports.tables.js';
import { conversions } from './conversions.tables.js';
import { leads } from './leads.tables.js';

/** What an external sales import did with one row of its file. */
export const EXTERNAL_SALE_ROW_STATUSES = ['created', 'updated', 'unchanged', 'unmatched'] as const;
export type ExternalSaleRowStatus = (typeof EXTERNAL_SALE_ROW_STATUSES)[number];

/** Why a valid row found no lead to convert (it is not an error of the file). */
export const UNMATCHED_REASONS = ['lead_uuid_unknown', 'no_lead_with_phone', 'lead_not_convertible'] as const;
export type UnmatchedReason = (typeof UNMATCHED_REASONS)[number];

/**
 * One written row of an external sales import run: the conversion it created, updated or left
 * unchanged, or why it matched no lead. Written in the chunk's transaction, so a dry run or a
 * rolled-back chunk leaves none; a resumed run never writes a chunk twice.
 */
export const externalSaleImportRows = pgTable(
  'external_sale_import_rows',
  {
    ...tenantColumns(),
    importRunId: uuid('import_run_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    externalSystem: text('external_system').notNull(),
    externalSaleId: text('external_sale_id').notNull(),
    status: text('status', { enum: EXTERNAL_SALE_ROW_STATUSES }).notNull(),
    reason: text('reason', { enum: UNMATCHED_REASONS }),
    leadId: uuid('lead_id'),
    conversionId: uuid('conversion_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      name: 'external_sale_import_rows_run_fk',
      columns: [t.tenantId, t.importRunId],
      foreignColumns: [importRuns.tenantId, importRuns.id],
    }),
    foreignKey({
      name: 'external_sale_import_rows_lead_fk',
      columns: [t.tenantId, t.leadId],
      foreignColumns: [leads.tenantId, leads.id],
    }),
    foreignKey({
      name: 'external_sale_import_rows_conversion_fk',
      columns: [t.tenantId, t.conversionId],
      foreignColumns: [conversions.tenantId, conversions.id],
    }),
    uniqueIndex('external_sale_import_rows_run_row_key').on(t.tenantId, t.importRunId, t.rowNumber),
    check(
      'external_sale_import_rows_status_check',
      sql`${t.status} in ('created', 'updated', 'unchanged', 'unmatched')`,
    ),
    check(
      'external_sale_import_rows_reason_check',
      sql`(${t.status} = 'unmatched') = (${t.reason} is not null)`,
    ),
  ],
);
appAccess(externalSaleImportRows, APPEND_ONLY);
