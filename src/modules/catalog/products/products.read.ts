/** How products are read: their JSON with prices, barcodes and external refs; list filters; search. */
import { and, asc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database, Tx } from '../../../platform/db/types.js';
import { iso, likeEscape } from '../../identity/index.js';
import { externalRefsOf } from '../core/external-refs.js';
import {
  priceTypes,
  productBarcodes,
  productFolders,
  productPrices,
  products,
} from '../tables/products.tables.js';
import type { Product, ProductListQuery } from './schemas.js';

type ProductRow = typeof products.$inferSelect;

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Products with their prices (with the price type's currency) and barcodes, in the order given. */
export async function present(tx: Tx, tenantId: string, rows: ProductRow[]): Promise<Product[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const prices = await tx.db
    .select({
      productId: productPrices.productId,
      priceTypeId: productPrices.priceTypeId,
      amount: productPrices.amount,
      currency: priceTypes.currency,
    })
    .from(productPrices)
    .innerJoin(
      priceTypes,
      and(eq(priceTypes.tenantId, productPrices.tenantId), eq(priceTypes.id, productPrices.priceTypeId)),
    )
    .where(and(eq(productPrices.tenantId, tenantId), inArray(productPrices.productId, ids)))
    .orderBy(asc(priceTypes.name));
  const codes = await tx.db
    .select({ productId: productBarcodes.productId, barcode: productBarcodes.barcode })
    .from(productBarcodes)
    .where(and(eq(productBarcodes.tenantId, tenantId), inArray(productBarcodes.productId, ids)))
    .orderBy(asc(productBarcodes.barcode));
  const refs = await externalRefsOf(tx, tenantId, 'product', ids);
  const pricesOf = groupBy(prices, (p) => p.productId);
  const barcodesOf = groupBy(codes, (b) => b.productId);
  return rows.map((row) => ({
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
    prices: (pricesOf.get(row.id) ?? []).map((p) => ({
      price_type_id: p.priceTypeId,
      amount: p.amount,
      currency: p.currency,
    })),
    barcodes: (barcodesOf.get(row.id) ?? []).map((b) => b.barcode),
    external_refs: refs.get(row.id) ?? [],
    archived_at: iso(row.archivedAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  }));
}

/**
 * Ids of the products whose name, code, article or a barcode contains `q`, found first and on their
 * own so the page query starts from them instead of walking the name index past every other product.
 * This one query runs as the owner with an explicit tenant filter: under row-level security
 * PostgreSQL never uses an index for a non-leakproof operator such as ILIKE, so the trigram indexes
 * would be ignored and every product of the tenant read. It only yields candidate ids; the rows
 * themselves are then read in the caller's tenant transaction, under RLS.
 */
export async function searchProductIds(db: Database, tenantId: string, q: string): Promise<string[]> {
  const pattern = `%${likeEscape(q)}%`;
  return db.withSystem(async (tx) => {
    const { rows } = await tx.sql.query<{ id: string }>(
      `select p.id from products p where p.tenant_id = $1
          and (p.name ilike $2 or p.code ilike $2 or p.article ilike $2)
       union
       select b.product_id from product_barcodes b where b.tenant_id = $1 and b.barcode ilike $2`,
      [tenantId, pattern],
    );
    return rows.map((row) => row.id);
  });
}

export function listConditions(tenantId: string, query: ProductListQuery, searchIds?: string[]): SQL[] {
  const conditions: SQL[] = [eq(products.tenantId, tenantId)];
  conditions.push(query.archived ? isNotNull(products.archivedAt) : isNull(products.archivedAt));
  if (query.brand) conditions.push(eq(products.brandId, query.brand));
  if (query.folder)
    conditions.push(sql`${products.folderId} in (select f.id from ${productFolders} f
      join ${productFolders} root on root.tenant_id = f.tenant_id and root.id = ${query.folder}
      where f.tenant_id = ${tenantId} and f.path like root.path || '%')`);
  // One array parameter, however many products match.
  if (searchIds) conditions.push(sql`${products.id} = any(${sql.param(searchIds)}::uuid[])`);
  if (query.price_type && (query.min_price !== undefined || query.max_price !== undefined)) {
    const min = query.min_price !== undefined ? sql` and pp.amount >= ${query.min_price}::numeric` : sql``;
    const max = query.max_price !== undefined ? sql` and pp.amount <= ${query.max_price}::numeric` : sql``;
    conditions.push(sql`exists (select 1 from ${productPrices} pp where pp.tenant_id = products.tenant_id
      and pp.product_id = products.id and pp.price_type_id = ${query.price_type}${min}${max})`);
  }
  return conditions;
}
