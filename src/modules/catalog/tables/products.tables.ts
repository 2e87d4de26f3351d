import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';

/** Product folders: a tree with a materialised path of ids (`/root-id/…/id/`). */
export const productFolders = pgTable(
  'product_folders',
  {
    ...tenantColumns(),
    parentId: uuid('parent_id'),
    /** Optional, unique per tenant: how spreadsheets and integrations name the folder. */
    code: text('code'),
    name: text('name').notNull(),
    path: text('path').notNull(),
    depth: integer('depth').notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id] }),
    uniqueIndex('product_folders_tenant_code_key').on(t.tenantId, t.code),
    index('product_folders_tenant_path_idx').on(t.tenantId, t.path),
    index('product_folders_tenant_parent_idx').on(t.tenantId, t.parentId),
  ],
);
appAccess(productFolders, READ_WRITE);

/** Brands: own or competitor (shelf share compares them). */
export const brands = pgTable(
  'brands',
  {
    ...tenantColumns(),
    /** Optional, unique per tenant: how spreadsheets and integrations name the brand. */
    code: text('code'),
    name: text('name').notNull(),
    isOwn: boolean('is_own').notNull().default(true),
    logoKey: text('logo_key'),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    uniqueIndex('brands_tenant_name_key').on(t.tenantId, t.name),
    uniqueIndex('brands_tenant_code_key').on(t.tenantId, t.code),
  ],
);
appAccess(brands, READ_WRITE);

/** Files (images or PDFs) attached to a brand, stored through platform storage. */
export const brandInfographics = pgTable(
  'brand_infographics',
  {
    ...tenantColumns(),
    brandId: uuid('brand_id').notNull(),
    fileKey: text('file_key').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    title: text('title'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.brandId], foreignColumns: [brands.tenantId, brands.id] }).onDelete(
      'cascade',
    ),
    index('brand_infographics_tenant_brand_idx').on(t.tenantId, t.brandId),
  ],
);
appAccess(brandInfographics, READ_WRITE);

export const products = pgTable(
  'products',
  {
    ...tenantColumns(),
    code: text('code').notNull(),
    article: text('article'),
    name: text('name').notNull(),
    description: text('description'),
    brandId: uuid('brand_id'),
    folderId: uuid('folder_id'),
    uom: text('uom').notNull().default('pcs'),
    vatRate: numeric('vat_rate', { precision: 5, scale: 2 }),
    weight: numeric('weight', { precision: 14, scale: 3 }),
    volume: numeric('volume', { precision: 14, scale: 3 }),
    isService: boolean('is_service').notNull().default(false),
    minStock: numeric('min_stock', { precision: 14, scale: 3 }),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.brandId], foreignColumns: [brands.tenantId, brands.id] }),
    foreignKey({
      columns: [t.tenantId, t.folderId],
      foreignColumns: [productFolders.tenantId, productFolders.id],
    }),
    uniqueIndex('products_tenant_code_key').on(t.tenantId, t.code),
    index('products_tenant_brand_idx').on(t.tenantId, t.brandId),
    index('products_tenant_folder_idx').on(t.tenantId, t.folderId),
    index('products_tenant_name_idx').on(t.tenantId, t.name, t.id),
  ],
);
appAccess(products, READ_WRITE);

export const productVariants = pgTable(
  'product_variants',
  {
    ...tenantColumns(),
    productId: uuid('product_id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    characteristics: jsonb('characteristics')
      .$type<Record<string, string>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    uniqueIndex('product_variants_tenant_code_key').on(t.tenantId, t.code),
    index('product_variants_tenant_product_idx').on(t.tenantId, t.productId),
  ],
);
appAccess(productVariants, READ_WRITE);

export const priceTypes = pgTable(
  'price_types',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    ...timestamps(),
  },
  (t) => [...tenantScoped(t), uniqueIndex('price_types_tenant_name_key').on(t.tenantId, t.name)],
);
appAccess(priceTypes, READ_WRITE);

export const productPrices = pgTable(
  'product_prices',
  {
    ...tenantColumns(),
    productId: uuid('product_id').notNull(),
    priceTypeId: uuid('price_type_id').notNull(),
    amount: numeric('amount', { precision: 18, scale: 2 }).notNull(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.productId],
      foreignColumns: [products.tenantId, products.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.priceTypeId],
      foreignColumns: [priceTypes.tenantId, priceTypes.id],
    }),
    uniqueIndex('product_prices_tenant_product_type_key').on(t.tenantId, t.productId, t.priceTypeId),
    index('product_prices_tenant_type_amount_idx').on(t.tenantId, t.priceTypeId, t.amount),
  ],
);
appAccess(productPrices, READ_WRITE);

export const productBarcodes = pgTable(
  'product_barcodes',
  {
    ...tenantColumns(),
    productId: uuid('product_id').notNull(),
    barcode: text('barcode').notNull(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.productId],
      foreignColumns: [products.tenantId, products.id],
    }).onDelete('cascade'),
    uniqueIndex('product_barcodes_tenant_barcode_key').on(t.tenantId, t.barcode),
    index('product_barcodes_tenant_product_idx').on(t.tenantId, t.productId),
  ],
);
appAccess(productBarcodes, READ_WRITE);

/**
 * What `GET /products?q=` searches: one row per distinct lower-cased term of a product — each word
 * of its name (split at white space and at punctuation), its code, its article and each barcode.
 * Database triggers keep it in step with `products` and `product_barcodes` in the same transaction,
 * whatever writes them (API, imports, seeds); see the `product_search_terms` migration.
 * A search is a prefix range on `term` with the text_pattern operators (`~>=~`, `~<~`), which are
 * leakproof, so PostgreSQL uses the index under row-level security (it never does for ILIKE).
 */
export const productSearchTerms = pgTable(
  'product_search_terms',
  {
    ...tenantColumns(),
    // Rows are written by the triggers, so the id comes from the database.
    id: uuid('id').notNull().defaultRandom(),
    productId: uuid('product_id').notNull(),
    term: text('term').notNull(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.productId],
      foreignColumns: [products.tenantId, products.id],
    }).onDelete('cascade'),
    index('product_search_terms_tenant_term_idx').on(t.tenantId, t.term.op('text_pattern_ops'), t.productId),
    index('product_search_terms_tenant_product_idx').on(
      t.tenantId,
      t.productId,
      t.term.op('text_pattern_ops'),
    ),
  ],
);
appAccess(productSearchTerms, ['select', 'insert', 'delete']);

/**
 * How many active and archived products each tenant has, for the total of a product list without
 * filters (counting a million products on every first page took a second): rows of changes that add
 * up to the counts. Database triggers on `products` insert one row per statement that changes them,
 * in the same transaction, so concurrent writers never wait on a shared counter row; a tenant's
 * rows are folded into one when they pass a hundred (see the `product_counts` migration).
 */
export const productCounts = pgTable(
  'product_counts',
  {
    ...tenantColumns(),
    // Rows are written by the triggers, so the id comes from the database.
    id: uuid('id').notNull().defaultRandom(),
    active: bigint('active', { mode: 'number' }).notNull(),
    archived: bigint('archived', { mode: 'number' }).notNull(),
  },
  (t) => [...tenantScoped(t)],
);
appAccess(productCounts, ['select', 'insert', 'delete']);
