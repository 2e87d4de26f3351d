import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { money, quantity } from './columns.js';
import { customers, productVariants, products, warehouses } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';

/** Sales documents first, then purchase documents; MoySklad's names in the comments. */
export const DOCUMENT_KINDS = [
  'customer_order', // customerorder
  'shipment', // demand
  'invoice_out', // invoiceout
  'sales_return', // salesreturn
  'purchase_order', // purchaseorder
  'supply', // supply
  'invoice_in', // invoicein
  'purchase_return', // purchasereturn
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const kindList = DOCUMENT_KINDS.map((k) => `'${k}'`).join(', ');

/**
 * A sales or purchase document. `source` is `local` for documents written through the API (tenants
 * without an ERP) or the provider (`moysklad`) that owns it; a synced document is read-only here.
 * `applicable` is MoySklad's "posted": only posted shipments, supplies and returns move stock.
 * `owner_id` is the responsible manager: the data scope of documents and analytics.
 */
export const commerceDocuments = pgTable(
  'commerce_documents',
  {
    ...tenantColumns(),
    kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
    number: text('number').notNull(),
    moment: timestamp('moment', { withTimezone: true, mode: 'date' }).notNull(),
    applicable: boolean('applicable').notNull().default(true),
    state: text('state'),
    customerId: uuid('customer_id'),
    warehouseId: uuid('warehouse_id'),
    ownerId: uuid('owner_id'),
    currency: text('currency').notNull(),
    /** Σ position sums, VAT included as the positions carry it. */
    sum: money('sum').notNull().default('0'),
    vatSum: money('vat_sum').notNull().default('0'),
    /** Σ quantity × unit cost of the positions: what gross profit subtracts. */
    costSum: money('cost_sum').notNull().default('0'),
    description: text('description'),
    source: text('source').notNull().default('local'),
    integrationId: uuid('integration_id'),
    /** The document this one follows (a shipment's customer order, a return's shipment). */
    baseDocumentId: uuid('base_document_id'),
    /** When the ERP deleted it (or moved it to its trash): kept for history, out of every figure. */
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
    externalUpdatedAt: timestamp('external_updated_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({
      columns: [t.tenantId, t.warehouseId],
      foreignColumns: [warehouses.tenantId, warehouses.id],
    }),
    foreignKey({ columns: [t.tenantId, t.ownerId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    check('commerce_documents_kind_check', sql.raw(`kind in (${kindList})`)),
    check('commerce_documents_currency_check', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    // Numbers are unique among the documents made here. A synced document is known by its external
    // id and carries the ERP's number as it is: two accounts both number from 00001, and an ERP may
    // repeat a number or swap two within one page of changes.
    uniqueIndex('commerce_documents_tenant_kind_local_number_key')
      .on(t.tenantId, t.kind, t.number)
      .where(sql`${t.source} = 'local'`),
    index('commerce_documents_tenant_kind_number_idx').on(t.tenantId, t.kind, t.number),
    index('commerce_documents_tenant_kind_moment_idx').on(t.tenantId, t.kind, t.moment),
    index('commerce_documents_tenant_customer_moment_idx').on(t.tenantId, t.customerId, t.moment),
    index('commerce_documents_tenant_owner_moment_idx').on(t.tenantId, t.ownerId, t.moment),
  ],
);
appAccess(commerceDocuments, READ_WRITE);

/**
 * A document's lines. The header's kind, moment, customer, warehouse, owner and posted/deleted state
 * are copied onto each position (and kept equal by the writers) so the analytics over a million
 * positions read one table through one index instead of joining the headers.
 */
export const commerceDocumentPositions = pgTable(
  'commerce_document_positions',
  {
    ...tenantColumns(),
    documentId: uuid('document_id').notNull(),
    lineNo: integer('line_no').notNull(),
    productId: uuid('product_id').notNull(),
    variantId: uuid('variant_id'),
    quantity: quantity('quantity').notNull(),
    /** Unit price before discount. */
    price: money('price').notNull(),
    /** Percent, 0–100. */
    discount: numeric('discount', { precision: 5, scale: 2 }).notNull().default('0'),
    /** VAT rate in percent; null when VAT does not apply. */
    vatRate: numeric('vat_rate', { precision: 5, scale: 2 }),
    /** round(quantity × price × (1 − discount ÷ 100), 2). */
    sum: money('sum').notNull(),
    vatSum: money('vat_sum').notNull().default('0'),
    /** Unit cost (cost price) at the document's moment. */
    unitCost: money('unit_cost').notNull().default('0'),
    reserve: quantity('reserve').notNull().default('0'),
    // Copies of the header (see above).
    kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
    moment: timestamp('moment', { withTimezone: true, mode: 'date' }).notNull(),
    customerId: uuid('customer_id'),
    warehouseId: uuid('warehouse_id'),
    ownerId: uuid('owner_id'),
    /** Posted and not deleted: the position counts in stock and analytics. */
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.documentId],
      foreignColumns: [commerceDocuments.tenantId, commerceDocuments.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({
      columns: [t.tenantId, t.variantId],
      foreignColumns: [productVariants.tenantId, productVariants.id],
    }),
    check('commerce_document_positions_quantity_check', sql`${t.quantity} > 0`),
    check('commerce_document_positions_price_check', sql`${t.price} >= 0`),
    check('commerce_document_positions_discount_check', sql`${t.discount} between 0 and 100`),
    uniqueIndex('commerce_document_positions_tenant_document_line_key').on(
      t.tenantId,
      t.documentId,
      t.lineNo,
    ),
    index('commerce_document_positions_tenant_kind_moment_idx')
      .on(t.tenantId, t.kind, t.moment)
      .where(sql`${t.active}`),
    index('commerce_document_positions_tenant_product_moment_idx').on(t.tenantId, t.productId, t.moment),
  ],
);
appAccess(commerceDocumentPositions, READ_WRITE);
