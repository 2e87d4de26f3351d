/** How products are read: the resource, and their JSON with prices, barcodes and external refs. */
import { anyId } from '../../../platform/db/rows.js';
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { defineResource } from '../../../platform/resource/index.js';
import { iso } from '../../identity/index.js';
import { externalRefsColumn } from '../core/external-refs.js';
import { priceTypes, productBarcodes, productPrices, products } from '../tables/products.tables.js';
import type { Product } from './products.schemas.js';

type ProductRow = typeof products.$inferSelect;

export const productResource = defineResource({
  table: products,
  name: 'Product',
  tenantId: products.tenantId,
  id: products.id,
  sorts: {
    name: products.name,
    code: products.code,
    article: products.article,
    created_at: products.createdAt,
    updated_at: products.updatedAt,
  },
});

const productsTable = sql.identifier('products');

/**
 * What a product read selects besides its row — prices (with the price type's currency, by price
 * type name), barcodes and external references — as correlated subqueries, so a page of products
 * is one statement. (`products` is named explicitly: a single-table select renders its columns
 * unqualified, which inside a subquery would mean the subquery's own columns.)
 */
export const productDetails = {
  prices: sql<ProductPriceJson[]>`coalesce((
    select json_agg(json_build_object('price_type_id', pp.price_type_id, 'amount', pp.amount::text,
      'currency', pt.currency) order by pt.name)
    from ${productPrices} pp
    join ${priceTypes} pt on pt.tenant_id = pp.tenant_id and pt.id = pp.price_type_id
    where pp.tenant_id = ${productsTable}.tenant_id and pp.product_id = ${productsTable}.id), '[]'::json)`,
  barcodes: sql<string[]>`coalesce((
    select array_agg(b.barcode order by b.barcode) from ${productBarcodes} b
    where b.tenant_id = ${productsTable}.tenant_id and b.product_id = ${productsTable}.id), '{}'::text[])`,
  externalRefs: externalRefsColumn('product', products),
};
type ProductPriceJson = Product['prices'][number];
export type ProductWithDetails = ProductRow & {
  prices: ProductPriceJson[];
  barcodes: string[];
  externalRefs: Product['external_refs'];
};

export function toProductJson(row: ProductWithDetails): Product {
  return {
    id: row.id,
    code: row.code,
    article: row.article,
    name: row.name,
    description: row.description,
    brand_id: row.brandId,
    folder_id: row.folderId,
    uom: row.uom,
    vat_rate: row.vatRate,
    weight: row.weight,
    volume: row.volume,
    is_service: row.isService,
    min_stock: row.minStock,
    prices: row.prices,
    barcodes: row.barcodes,
    external_refs: row.externalRefs,
    archived_at: iso(row.archivedAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Products (rows just read or written) with their prices, barcodes and references, in the order given. */
export async function present(tx: Tx, tenantId: string, rows: ProductRow[]): Promise<Product[]> {
  if (rows.length === 0) return [];
  const found = await tx.db
    .select({ id: products.id, ...productDetails })
    .from(products)
    .where(
      and(
        eq(products.tenantId, tenantId),
        anyId(
          products.id,
          rows.map((r) => r.id),
        ),
      ),
    );
  const details = new Map(found.map((d) => [d.id, d]));
  return rows.map((row) => toProductJson({ ...row, ...details.get(row.id)! }));
}
