import { date, foreignKey, index, integer, numeric, pgTable, unique, uuid } from 'drizzle-orm/pg-core';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { tenantPolicy } from '../../../platform/db/tenant-table.js';
import { customers, products, warehouses } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';

/**
 * The sales figures of posted shipments and sales returns per local day of the tenant's time zone
 * and (product, customer, warehouse, responsible manager): what the dashboard and the sales report
 * would otherwise sum from `commerce_document_positions` row by row. Returns are netted in (their
 * sign is −1), so every measure is "shipments − returns" as the analytics define it.
 *
 * Kept by statement triggers on the positions (migration `0063_commerce_sales_daily_triggers.sql`)
 * in the writing transaction, whoever writes: the document writer, the ERP sync, the scale seed or
 * a bulk statement. Each statement adds its delta (`x = x + delta` under the row lock) and deletes
 * the rows its delta left without positions, so a row exists exactly while positions of its key do
 * (a group with sales summing to zero still shows, as it does from positions) and the keys never
 * hold on to a deleted customer. `commerce_sales_daily_rebuild(tenant)` recomputes a tenant's rows
 * from the positions: run by the migration for existing data and whenever the tenant's time zone
 * changes (a trigger on `tenants`), since the local day depends on it.
 */
export const commerceSalesDaily = pgTable(
  'commerce_sales_daily',
  {
    tenantId: uuid('tenant_id').notNull(),
    /** The local calendar day of the positions' moment in the tenant's time zone. */
    day: date('day', { mode: 'string' }).notNull(),
    productId: uuid('product_id').notNull(),
    customerId: uuid('customer_id'),
    warehouseId: uuid('warehouse_id'),
    ownerId: uuid('owner_id'),
    /** Σ sign × sum (the line after discount). */
    revenue: numeric('revenue', { precision: 20, scale: 2 }).notNull(),
    /** Σ sign × quantity × unit_cost, unrounded: the analytics round to cents once, at the end. */
    cost: numeric('cost', { precision: 24, scale: 5 }).notNull(),
    /** Σ sign × quantity. */
    quantity: numeric('quantity', { precision: 20, scale: 3 }).notNull(),
    /** How many active positions make up the row (returns count too); never 0 once a statement ends. */
    positions: integer('positions').notNull(),
  },
  (t) => [
    unique('commerce_sales_daily_key')
      .on(t.tenantId, t.day, t.productId, t.customerId, t.warehouseId, t.ownerId)
      .nullsNotDistinct(),
    tenantPolicy(t.tenantId),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({
      columns: [t.tenantId, t.warehouseId],
      foreignColumns: [warehouses.tenantId, warehouses.id],
    }),
    foreignKey({ columns: [t.tenantId, t.ownerId], foreignColumns: [users.tenantId, users.id] }),
    // Scoped readers (an agent, a team) read their owners' rows of the period.
    index('commerce_sales_daily_tenant_owner_day_idx').on(t.tenantId, t.ownerId, t.day),
  ],
);
appAccess(commerceSalesDaily, READ_WRITE);
