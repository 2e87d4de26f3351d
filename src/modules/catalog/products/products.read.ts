/** How products are read: the resource, their JSON with prices, barcodes and external refs; list filters; search. */
import { anyId, selectRows } from '../../../platform/db/rows.js';
import { and, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { defineResource } from '../../../platform/resource/index.js';
import { iso } from '../../identity/index.js';
import { externalRefsColumn } from '../core/external-refs.js';
import {
  priceTypes,
  productBarcodes,
  productFolders,
  productPrices,
  products,
  productSearchTerms,
} from '../tables/products.tables.js';
import type { Product, ProductListQuery } from './products.schemas.js';

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

/** At most this many words of `q` are matched (each one narrows the result). */
const MAX_SEARCH_WORDS = 8;

const wordRange = (column: SQL, word: string) =>
  sql`${column} ~>=~ left(lower(${word}), 100) and ${column} ~<~ (left(lower(${word}), 100) || chr(1114111))`;

/**
 * `q=`: every white-space separated word of `q` must start a term of the product (a word of its
 * name, its code, its article or one of its barcodes), compared lower-cased. Each word is a prefix
 * range on `product_search_terms` with the text_pattern operators, which are leakproof: PostgreSQL
 * uses the `(tenant_id, term)` index under row-level security, so search runs in the caller's
 * tenant transaction like every other read. `chr(1114111)` is the highest code point, so
 * `[word, word || chr(1114111))` holds every term that starts with the word (byte order is code
 * point order in UTF-8).
 *
 * The work is bounded: the matches are collected by walking the longest word's terms in index
 * order (exact words before longer ones), each joined to its product and checked against the other
 * words and every filter, and the walk stops at `SEARCH_MATCH_CAP` matches; the page is then sorted
 * from those. A word matching a tenth of a million products costs `SEARCH_MATCH_CAP` index entries,
 * not a scan of the catalogue in name order.
 */
function searchWalk(tenantId: string, q: string, filters: SQL[]): SQL | undefined {
  const words = q
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, MAX_SEARCH_WORDS)
    // The longest word is usually the rarest: it drives the walk, the others only filter.
    .sort((a, b) => b.length - a.length);
  if (words.length === 0) return undefined;
  const [first, ...others] = words as [string, ...string[]];
  const alsoMatches = others.map(
    (word) => sql`${products.id} in (select o.product_id from ${productSearchTerms} o
      where o.tenant_id = ${tenantId} and ${wordRange(sql`o.term`, word)})`,
  );
  return sql`select s.product_id from ${productSearchTerms} s
    join ${products} on ${products.tenantId} = s.tenant_id and ${products.id} = s.product_id
    where s.tenant_id = ${tenantId} and ${wordRange(sql`s.term`, first)} and ${and(...filters, ...alsoMatches)}
    limit ${SEARCH_MATCH_CAP}`;
}

/**
 * The filter rules the query schema cannot say, for the list and the export alike (both answer 422
 * before reading): a price range needs its price type, and its bounds must not cross.
 */
export function checkProductFilters(
  query: Pick<ProductListQuery, 'price_type' | 'min_price' | 'max_price'>,
): void {
  const errors: FieldError[] = [];
  if ((query.min_price !== undefined || query.max_price !== undefined) && !query.price_type)
    errors.push({ path: '/query/price_type', message: 'required with min_price or max_price' });
  if (
    query.min_price !== undefined &&
    query.max_price !== undefined &&
    Number(query.min_price) > Number(query.max_price)
  )
    errors.push({ path: '/query/max_price', message: 'must not be below min_price' });
  if (errors.length) throw validationFailed(errors);
}

/** Every condition of a product list but the search. */
function filterConditions(tenantId: string, query: ProductListQuery): SQL[] {
  const conditions: SQL[] = [eq(products.tenantId, tenantId)];
  conditions.push(query.archived ? isNotNull(products.archivedAt) : isNull(products.archivedAt));
  if (query.brand) conditions.push(eq(products.brandId, query.brand));
  if (query.folder)
    conditions.push(sql`${products.folderId} in (select f.id from ${productFolders} f
      join ${productFolders} root on root.tenant_id = f.tenant_id and root.id = ${query.folder}
      where f.tenant_id = ${tenantId} and f.path like root.path || '%')`);
  if (query.price_type && (query.min_price !== undefined || query.max_price !== undefined)) {
    const min = query.min_price !== undefined ? sql` and pp.amount >= ${query.min_price}::numeric` : sql``;
    const max = query.max_price !== undefined ? sql` and pp.amount <= ${query.max_price}::numeric` : sql``;
    conditions.push(sql`exists (select 1 from ${productPrices} pp where pp.tenant_id = products.tenant_id
      and pp.product_id = products.id and pp.price_type_id = ${query.price_type}${min}${max})`);
  }
  return conditions;
}

/** The list's conditions in one statement (exports): the search's walk carries the filters. */
export function listConditions(tenantId: string, query: ProductListQuery): SQL[] {
  const filters = filterConditions(tenantId, query);
  const walk = query.q ? searchWalk(tenantId, query.q, filters) : undefined;
  return walk ? [eq(products.tenantId, tenantId), sql`${products.id} = any(array(${walk}))`] : filters;
}

/**
 * The ids a search matches (filters applied, at most SEARCH_MATCH_CAP), or undefined without a
 * search: the list pages over them and knows its total without walking twice.
 */
export async function searchMatches(
  tx: Tx,
  tenantId: string,
  query: ProductListQuery,
): Promise<string[] | undefined> {
  const walk = query.q ? searchWalk(tenantId, query.q, filterConditions(tenantId, query)) : undefined;
  if (!walk) return undefined;
  const rows = await selectRows<{ product_id: string }>(
    tx,
    sql`select distinct w.product_id from (${walk}) w`,
  );
  return rows.map((r) => r.product_id);
}

/**
 * A search returns at most this many products (its first matches by term, sorted as asked), and
 * `total` is exact up to it; a broader word reports the cap and asks for a narrower `q`. Each match
 * costs an index entry and a product probe, twice (the walk, then the page): at 250 a broad word
 * costs about a quarter of what it did at 1,000, and five pages of 50 are more than anyone reads
 * before narrowing the search.
 */
export const SEARCH_MATCH_CAP = 250;
