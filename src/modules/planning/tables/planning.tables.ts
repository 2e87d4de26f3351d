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
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { customers, products } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';

/**
 * Actual sales per customer, product and month (the first day of the month), with the rep who
 * sold. One row per (customer, product, month): imports upsert by that key.
 */
export const salesHistory = pgTable(
  'sales_history',
  {
    ...tenantColumns(),
    customerId: uuid('customer_id').notNull(),
    productId: uuid('product_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 3 }).notNull(),
    revenue: numeric('revenue', { precision: 18, scale: 2 }).notNull(),
    cost: numeric('cost', { precision: 18, scale: 2 }).notNull().default('0'),
    repId: uuid('rep_id'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ columns: [t.tenantId, t.repId], foreignColumns: [users.tenantId, users.id] }),
    check('sales_history_month_check', sql`extract(day from ${t.month}) = 1`),
    check('sales_history_quantity_check', sql`${t.quantity} >= 0`),
    uniqueIndex('sales_history_tenant_customer_product_month_uq').on(
      t.tenantId,
      t.customerId,
      t.productId,
      t.month,
    ),
    index('sales_history_tenant_month_idx').on(t.tenantId, t.month),
    index('sales_history_tenant_product_month_idx').on(t.tenantId, t.productId, t.month),
    index('sales_history_tenant_rep_month_idx').on(t.tenantId, t.repId, t.month),
  ],
);
appAccess(salesHistory, READ_WRITE);

/**
 * Which products each customer buys, at which customer price, and the rep responsible for the pair:
 * the rows a rep forecasts in each cycle. One row per (customer, product).
 */
export const productCustomerMatrix = pgTable(
  'product_customer_matrix',
  {
    ...tenantColumns(),
    customerId: uuid('customer_id').notNull(),
    productId: uuid('product_id').notNull(),
    price: numeric('price', { precision: 18, scale: 2 }).notNull(),
    currency: text('currency').notNull(),
    repId: uuid('rep_id'),
    isActive: boolean('is_active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ columns: [t.tenantId, t.repId], foreignColumns: [users.tenantId, users.id] }),
    check('product_customer_matrix_price_check', sql`${t.price} >= 0`),
    check('product_customer_matrix_currency_check', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    uniqueIndex('product_customer_matrix_tenant_customer_product_uq').on(
      t.tenantId,
      t.customerId,
      t.productId,
    ),
    index('product_customer_matrix_tenant_rep_idx').on(t.tenantId, t.repId),
    index('product_customer_matrix_tenant_product_idx').on(t.tenantId, t.productId),
  ],
);
appAccess(productCustomerMatrix, READ_WRITE);

export const SOP_CYCLE_STATUSES = ['draft', 'open', 'closed'] as const;
export type SopCycleStatus = (typeof SOP_CYCLE_STATUSES)[number];

/**
 * An S&OP cycle: draft → open → closed. At most one open cycle per tenant, enforced by a partial
 * unique index (so two concurrent opens cannot both succeed).
 */
export const sopCycles = pgTable(
  'sop_cycles',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    anchorMonth: date('anchor_month', { mode: 'string' }).notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    status: text('status', { enum: SOP_CYCLE_STATUSES }).notNull().default('draft'),
    openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }),
    openedBy: uuid('opened_by'),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    closedBy: uuid('closed_by'),
    /** When the deadline reminder went out (the daily job sends it once per cycle). */
    remindedAt: timestamp('reminded_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.openedBy], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.closedBy], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    check('sop_cycles_status_check', sql`${t.status} in ('draft', 'open', 'closed')`),
    check('sop_cycles_anchor_month_check', sql`extract(day from ${t.anchorMonth}) = 1`),
    check('sop_cycles_dates_check', sql`${t.endDate} >= ${t.startDate}`),
    check('sop_cycles_name_check', sql`length(${t.name}) between 1 and 200`),
    uniqueIndex('sop_cycles_one_open_uq')
      .on(t.tenantId)
      .where(sql`${t.status} = 'open'`),
    index('sop_cycles_tenant_status_idx').on(t.tenantId, t.status),
  ],
);
appAccess(sopCycles, READ_WRITE);

export const FORECAST_STATUSES = ['draft', 'submitted', 'approved', 'rejected'] as const;
export type ForecastStatus = (typeof FORECAST_STATUSES)[number];

/**
 * A rep's forecast of one customer × product in one cycle: draft → submitted → approved | rejected.
 * One per (cycle, customer, product, rep) among the non-rejected (partial unique index).
 */
export const forecasts = pgTable(
  'forecasts',
  {
    ...tenantColumns(),
    cycleId: uuid('cycle_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    productId: uuid('product_id').notNull(),
    repId: uuid('rep_id').notNull(),
    status: text('status', { enum: FORECAST_STATUSES }).notNull().default('draft'),
    comment: text('comment'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    approvedAt: timestamp('approved_at', { withTimezone: true, mode: 'date' }),
    rejectedAt: timestamp('rejected_at', { withTimezone: true, mode: 'date' }),
    decidedBy: uuid('decided_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.cycleId], foreignColumns: [sopCycles.tenantId, sopCycles.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ columns: [t.tenantId, t.repId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.decidedBy], foreignColumns: [users.tenantId, users.id] }),
    check('forecasts_status_check', sql`${t.status} in ('draft', 'submitted', 'approved', 'rejected')`),
    uniqueIndex('forecasts_one_live_uq')
      .on(t.tenantId, t.cycleId, t.customerId, t.productId, t.repId)
      .where(sql`${t.status} <> 'rejected'`),
    index('forecasts_tenant_cycle_rep_idx').on(t.tenantId, t.cycleId, t.repId),
  ],
);
appAccess(forecasts, READ_WRITE);

/**
 * A forecast's month (the first day): quantity, the price used (the matrix price unless
 * overridden) and revenue = round(quantity × price, 2).
 */
export const forecastLines = pgTable(
  'forecast_lines',
  {
    ...tenantColumns(),
    forecastId: uuid('forecast_id').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 3 }).notNull(),
    priceOverride: numeric('price_override', { precision: 18, scale: 2 }),
    price: numeric('price', { precision: 18, scale: 2 }).notNull(),
    revenue: numeric('revenue', { precision: 18, scale: 2 }).notNull(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.forecastId],
      foreignColumns: [forecasts.tenantId, forecasts.id],
    }).onDelete('cascade'),
    check('forecast_lines_month_check', sql`extract(day from ${t.month}) = 1`),
    check('forecast_lines_quantity_check', sql`${t.quantity} >= 0`),
    check(
      'forecast_lines_price_check',
      sql`${t.price} >= 0 and (${t.priceOverride} is null or ${t.priceOverride} >= 0)`,
    ),
    uniqueIndex('forecast_lines_tenant_forecast_month_uq').on(t.tenantId, t.forecastId, t.month),
  ],
);
appAccess(forecastLines, READ_WRITE);
