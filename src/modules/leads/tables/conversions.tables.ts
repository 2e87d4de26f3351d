import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, APPEND_ONLY, NO_DELETE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { importRuns } from '../../../platform/bulk/imports.tables.js';
import { outlets, products } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';
import { attributionSources, campaigns } from './campaigns.tables.js';
import { leads } from './leads.tables.js';

/** How a conversion was recorded: by hand through the API, or from an external sales import. */
export const CONVERSION_ORIGINS = ['manual', 'import'] as const;
export type ConversionOrigin = (typeof CONVERSION_ORIGINS)[number];

/**
 * A sale a lead turned into. Agent, outlet, campaign and source are copied from the lead when the
 * conversion is recorded (and product when the conversion names none), so bonus rules, KPIs and the
 * ledger read one row per sale without joining back. `external_sale_id` is the sale's id in the
 * system it came from (`external_system`), unique per system: a re-imported sale updates its row.
 */
export const conversions = pgTable(
  'conversions',
  {
    ...tenantColumns(),
    leadId: uuid('lead_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    outletId: uuid('outlet_id'),
    campaignId: uuid('campaign_id'),
    sourceId: uuid('source_id'),
    productId: uuid('product_id'),
    amount: numeric('amount', { precision: 18, scale: 2 }).notNull(),
    cost: numeric('cost', { precision: 18, scale: 2 }).notNull().default('0'),
    currency: text('currency').notNull(),
    convertedAt: timestamp('converted_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The lead's capture time, copied: lead-to-sale time is `converted_at − lead_captured_at`. */
    leadCapturedAt: timestamp('lead_captured_at', { withTimezone: true, mode: 'date' }).notNull(),
    origin: text('origin', { enum: CONVERSION_ORIGINS }).notNull().default('manual'),
    externalSystem: text('external_system'),
    externalSaleId: text('external_sale_id'),
    importRunId: uuid('import_run_id'),
    notes: text('notes'),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.leadId], foreignColumns: [leads.tenantId, leads.id] }),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.outletId], foreignColumns: [outlets.tenantId, outlets.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({
      name: 'conversions_tenant_campaign_fk',
      columns: [t.tenantId, t.campaignId],
      foreignColumns: [campaigns.tenantId, campaigns.id],
    }),
    foreignKey({
      name: 'conversions_tenant_source_fk',
      columns: [t.tenantId, t.sourceId],
      foreignColumns: [attributionSources.tenantId, attributionSources.id],
    }),
    foreignKey({
      name: 'conversions_tenant_import_run_fk',
      columns: [t.tenantId, t.importRunId],
      foreignColumns: [importRuns.tenantId, importRuns.id],
    }),
    uniqueIndex('conversions_tenant_external_sale_key')
      .on(t.tenantId, t.externalSystem, t.externalSaleId)
      .where(sql`${t.externalSaleId} is not null`),
    index('conversions_tenant_lead_idx').on(t.tenantId, t.leadId),
    index('conversions_tenant_converted_idx').on(t.tenantId, t.convertedAt),
    // Covers the columns a bonus run reads (INCLUDE, added in migration 0066): an index-only scan.
    index('conversions_tenant_agent_converted_idx').on(t.tenantId, t.agentId, t.convertedAt),
    index('conversions_tenant_outlet_converted_idx').on(t.tenantId, t.outletId, t.convertedAt),
    index('conversions_tenant_campaign_idx').on(t.tenantId, t.campaignId),
    check('conversions_amount_check', sql`${t.amount} >= 0`),
    check('conversions_cost_check', sql`${t.cost} >= 0`),
    check('conversions_currency_check', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('conversions_origin_check', sql`${t.origin} in ('manual', 'import')`),
    check('conversions_external_check', sql`(${t.externalSaleId} is null) = (${t.externalSystem} is null)`),
  ],
);
appAccess(conversions, NO_DELETE);

/**
 * What kind of financial event a ledger entry records. `component` says which total it counts
 * towards: revenue, cost, bonus (net profit = revenue − cost − bonus) or payout (cash paid out
 * against accrued bonus; not part of net profit).
 */
export const LEDGER_ENTRY_TYPES = [
  'conversion_revenue',
  'conversion_cost',
  'bonus_accrual',
  'payout',
  'adjustment',
] as const;
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number];
export const LEDGER_COMPONENTS = ['revenue', 'cost', 'bonus', 'payout'] as const;
export type LedgerComponent = (typeof LEDGER_COMPONENTS)[number];

/**
 * The append-only financial ledger: one entry per financial event, never edited or deleted (the app
 * role may only insert and read). A correction is a new entry carrying the difference, so the sum
 * of a conversion's entries is always its current amount. `occurred_at` is the business time the
 * entry counts on (the sale's time for conversion entries and per-sale bonuses); `created_at` is
 * when it was written.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    ...tenantColumns(),
    entryType: text('entry_type', { enum: LEDGER_ENTRY_TYPES }).notNull(),
    component: text('component', { enum: LEDGER_COMPONENTS }).notNull(),
    /** Signed: a correction that lowers a total is negative. */
    amount: numeric('amount', { precision: 18, scale: 2 }).notNull(),
    currency: text('currency').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    agentId: uuid('agent_id'),
    outletId: uuid('outlet_id'),
    campaignId: uuid('campaign_id'),
    leadId: uuid('lead_id'),
    conversionId: uuid('conversion_id'),
    /** The bonus run an accrual or payout belongs to (no foreign key: the bonus tables refer here). */
    bonusRunId: uuid('bonus_run_id'),
    bonusItemId: uuid('bonus_item_id'),
    reason: text('reason'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.outletId], foreignColumns: [outlets.tenantId, outlets.id] }),
    foreignKey({ columns: [t.tenantId, t.leadId], foreignColumns: [leads.tenantId, leads.id] }),
    foreignKey({
      name: 'ledger_entries_tenant_campaign_fk',
      columns: [t.tenantId, t.campaignId],
      foreignColumns: [campaigns.tenantId, campaigns.id],
    }),
    foreignKey({
      name: 'ledger_entries_tenant_conversion_fk',
      columns: [t.tenantId, t.conversionId],
      foreignColumns: [conversions.tenantId, conversions.id],
    }),
    index('ledger_entries_tenant_occurred_idx').on(t.tenantId, t.occurredAt),
    index('ledger_entries_tenant_agent_occurred_idx').on(t.tenantId, t.agentId, t.occurredAt),
    index('ledger_entries_tenant_outlet_occurred_idx').on(t.tenantId, t.outletId, t.occurredAt),
    index('ledger_entries_tenant_campaign_idx').on(t.tenantId, t.campaignId),
    index('ledger_entries_tenant_conversion_idx').on(t.tenantId, t.conversionId),
    index('ledger_entries_tenant_bonus_run_idx').on(t.tenantId, t.bonusRunId),
    check(
      'ledger_entries_type_check',
      sql`${t.entryType} in ('conversion_revenue', 'conversion_cost', 'bonus_accrual', 'payout', 'adjustment')`,
    ),
    check('ledger_entries_component_check', sql`${t.component} in ('revenue', 'cost', 'bonus', 'payout')`),
    check('ledger_entries_currency_check', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    // An adjustment always says why; the other types name the record they come from.
    check(
      'ledger_entries_adjustment_reason_check',
      sql`${t.entryType} <> 'adjustment' or ${t.reason} is not null`,
    ),
  ],
);
appAccess(ledgerEntries, APPEND_ONLY);
