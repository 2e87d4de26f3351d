import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, APPEND_ONLY, NO_DELETE, READ_WRITE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { money, quantity } from './columns.js';
import { productVariants, products, warehouses } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';

/**
 * The commerce rules a tenant may change: whether stock may go negative, the default minimum stock,
 * which catalog price types are the buy (cost) and sale prices, and the analytics windows.
 * One row per tenant; a tenant without a row uses the defaults.
 */
export const commerceSettings = pgTable(
  'commerce_settings',
  {
    ...tenantColumns(),
    allowNegativeStock: boolean('allow_negative_stock').notNull().default(false),
    defaultMinStock: quantity('default_min_stock').notNull().default('10'),
    buyPriceTypeId: uuid('buy_price_type_id'),
    salePriceTypeId: uuid('sale_price_type_id'),
    /** Days of sales the days-of-cover figure averages over. */
    coverWindowDays: integer('cover_window_days').notNull().default(30),
    /** A product with stock and no movement in this many days is dead stock. */
    deadStockDays: integer('dead_stock_days').notNull().default(90),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    uniqueIndex('commerce_settings_tenant_key').on(t.tenantId),
    check('commerce_settings_min_stock_check', sql`${t.defaultMinStock} >= 0`),
    check('commerce_settings_cover_window_check', sql`${t.coverWindowDays} between 1 and 366`),
    check('commerce_settings_dead_stock_check', sql`${t.deadStockDays} between 1 and 3660`),
  ],
);
appAccess(commerceSettings, NO_DELETE);

/**
 * Stock per product (or variant) and warehouse: on hand, reserved by customer orders and in transit
 * from purchase orders. Available = stock − reserve. A product without variants has `variant_id`
 * null; the unique key treats nulls as equal so one row exists per (product, variant, warehouse).
 */
export const stockLevels = pgTable(
  'stock_levels',
  {
    ...tenantColumns(),
    productId: uuid('product_id').notNull(),
    variantId: uuid('variant_id'),
    warehouseId: uuid('warehouse_id').notNull(),
    stock: quantity('stock').notNull().default('0'),
    reserve: quantity('reserve').notNull().default('0'),
    inTransit: quantity('in_transit').notNull().default('0'),
    /** Unit cost at which the stock is valued (the ERP's cost price, else the buy price). */
    unitCost: money('unit_cost'),
    /** The last movement of this row: what dead stock is measured from. */
    lastMovementAt: timestamp('last_movement_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({
      columns: [t.tenantId, t.variantId],
      foreignColumns: [productVariants.tenantId, productVariants.id],
    }),
    foreignKey({
      columns: [t.tenantId, t.warehouseId],
      foreignColumns: [warehouses.tenantId, warehouses.id],
    }),
    unique('stock_levels_tenant_product_variant_warehouse_key')
      .on(t.tenantId, t.productId, t.variantId, t.warehouseId)
      .nullsNotDistinct(),
    index('stock_levels_tenant_warehouse_idx').on(t.tenantId, t.warehouseId, t.productId),
    check('stock_levels_reserve_check', sql`${t.reserve} >= 0 and ${t.inTransit} >= 0`),
  ],
);
appAccess(stockLevels, READ_WRITE);

/**
 * Minimum stock of a product in one warehouse, overriding the product's own minimum
 * (`products.min_stock`) and the tenant default there.
 */
export const stockThresholds = pgTable(
  'stock_thresholds',
  {
    ...tenantColumns(),
    productId: uuid('product_id').notNull(),
    warehouseId: uuid('warehouse_id').notNull(),
    minStock: quantity('min_stock').notNull(),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.productId],
      foreignColumns: [products.tenantId, products.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.warehouseId],
      foreignColumns: [warehouses.tenantId, warehouses.id],
    }).onDelete('cascade'),
    uniqueIndex('stock_thresholds_tenant_product_warehouse_key').on(t.tenantId, t.productId, t.warehouseId),
    check('stock_thresholds_min_stock_check', sql`${t.minStock} >= 0`),
  ],
);
appAccess(stockThresholds, READ_WRITE);

export const STOCK_MOVEMENT_KINDS = ['document', 'adjustment', 'sync'] as const;

/**
 * Every change of on-hand stock, signed: what a document moved, a manual adjustment, or the
 * difference an ERP stock report showed against the local figure (`sync`). The rows of a product and
 * warehouse add up to its current stock, so the stock at a past instant is the sum up to it.
 * Append-only: a changed document writes reversing rows.
 */
export const stockMovements = pgTable(
  'stock_movements',
  {
    ...tenantColumns(),
    productId: uuid('product_id').notNull(),
    variantId: uuid('variant_id'),
    warehouseId: uuid('warehouse_id').notNull(),
    moment: timestamp('moment', { withTimezone: true, mode: 'date' }).notNull(),
    quantity: quantity('quantity').notNull(),
    kind: text('kind', { enum: STOCK_MOVEMENT_KINDS }).notNull(),
    documentId: uuid('document_id'),
    reason: text('reason'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({
      columns: [t.tenantId, t.warehouseId],
      foreignColumns: [warehouses.tenantId, warehouses.id],
    }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    check('stock_movements_kind_check', sql`${t.kind} in ('document', 'adjustment', 'sync')`),
    index('stock_movements_tenant_product_warehouse_moment_idx').on(
      t.tenantId,
      t.productId,
      t.warehouseId,
      t.moment,
    ),
    index('stock_movements_tenant_moment_idx').on(t.tenantId, t.moment),
    index('stock_movements_tenant_document_idx').on(t.tenantId, t.documentId),
  ],
);
appAccess(stockMovements, APPEND_ONLY);
