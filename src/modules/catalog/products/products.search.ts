/** Product list conditions and `q=` search: the bounded walk of search terms and the search page. */
import { and, eq, getTableColumns, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { KEY, type Page } from '../../../platform/resource/index.js';
import {
  productCounts,
  productFolders,
  productPrices,
  products,
  productSearchTerms,
} from '../tables/products.tables.js';
import { productDetails, productResource, type ProductWithDetails } from './products.read.js';
import type { ProductListQuery } from './products.schemas.js';

/** At most this many words of `q` are matched (each one narrows the result). */
const MAX_SEARCH_WORDS = 8;

/**
 * A search returns at most this many products (its first matches by term, sorted as asked), and
 * `total` is exact up to it; a broader word reports the cap and asks for a narrower `q`. Each match
 * costs an index entry and a product probe, twice (the walk, then the page): at 250 a broad word
 * costs about a quarter of what it did at 1,000, and five pages of 50 are more than anyone reads
 * before narrowing the search.
 */
export const SEARCH_MATCH_CAP = 250;

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

/** The list's conditions in one statement (exports, and lists without `q`): the search's walk carries the filters. */
export function listConditions(tenantId: string, query: ProductListQuery): SQL[] {
  const filters = filterConditions(tenantId, query);
  const walk = query.q ? searchWalk(tenantId, query.q, filters) : undefined;
  return walk ? [eq(products.tenantId, tenantId), sql`${products.id} = any(array(${walk}))`] : filters;
}

/**
 * The total of a list without `q` or filters (active or archived products) from the counts the
 * triggers keep, or undefined when the list filters (then its rows are counted).
 */
export function unfilteredCount(tenantId: string, query: ProductListQuery): SQL | undefined {
  const priced = query.price_type && (query.min_price !== undefined || query.max_price !== undefined);
  if (query.q || query.brand || query.folder || priced) return undefined;
  const column = query.archived ? sql`archived` : sql`active`;
  return sql`select coalesce(sum(${column}), 0)::int as n from ${productCounts} where tenant_id = ${tenantId}`;
}

/** The product's own columns as the page selects them (`products.code`, …), rendered once. */
const productColumns = sql.raw(
  Object.values(getTableColumns(products))
    .map((c) => `products.${c.name}`)
    .join(', '),
);

/** A row of the search statement: the product's columns as PostgreSQL names them, its details, the count. */
interface SearchRow {
  total: number;
  id: string | null;
  [column: string]: unknown;
}

const timestamp = (value: unknown) => (value == null ? null : new Date(value as string | Date));
const text = (value: unknown) => (value == null ? null : String(value));

/** A search row in the shape Drizzle reads a product (camel-case keys, dates, numerics as text). */
function productOf(row: SearchRow): ProductWithDetails & { [KEY]: string | null } {
  return {
    tenantId: row.tenant_id as string,
    id: row.id!,
    code: row.code as string,
    article: row.article as string | null,
    name: row.name as string,
    description: row.description as string | null,
    brandId: row.brand_id as string | null,
    folderId: row.folder_id as string | null,
    uom: row.uom as string,
    vatRate: text(row.vat_rate),
    weight: text(row.weight),
    volume: text(row.volume),
    isService: row.is_service as boolean,
    minStock: text(row.min_stock),
    archivedAt: timestamp(row.archived_at),
    createdAt: timestamp(row.created_at)!,
    updatedAt: timestamp(row.updated_at)!,
    prices: row.prices as ProductWithDetails['prices'],
    barcodes: row.barcodes as string[],
    externalRefs: row.external_refs as ProductWithDetails['externalRefs'],
    [KEY]: row[KEY] as string | null,
  };
}

/**
 * A search's page in one statement, or undefined without a search. The matches (the bounded walk,
 * filters applied, distinct products) are collected once in a CTE; the statement counts them and
 * reads the page from them — sorted, keyset or offset, with prices, barcodes and references — and
 * its one row per product carries the count (a lateral join keeps that row when the page is empty).
 * The text is written here rather than by the query builder, and its rows are read as they come:
 * building and mapping a 50-row page through the builder cost more than PostgreSQL's part of a
 * search. Paging is the resource's own (`pagePlan`, `cutPage`), so cursors are the list's cursors.
 */
export async function searchPage(
  tx: Tx,
  tenantId: string,
  query: ProductListQuery,
): Promise<Page<ProductWithDetails> | undefined> {
  const walk = query.q ? searchWalk(tenantId, query.q, filterConditions(tenantId, query)) : undefined;
  if (!walk) return undefined;
  const plan = productResource.pagePlan(query);
  const after = plan.after ? sql` and ${plan.after}` : sql``;
  const read = await selectRows<SearchRow>(
    tx,
    sql`with matches as materialized (select distinct w.product_id from (${walk}) w)
      select c.total, page.* from (select count(*)::int as total from matches) c
      left join lateral (
        select ${productColumns}, ${productDetails.prices} as prices, ${productDetails.barcodes} as barcodes,
          ${productDetails.externalRefs} as external_refs, ${plan.key} as ${sql.identifier(KEY)}
        from ${products}
        where ${products.tenantId} = ${tenantId}
          and ${products.id} in (select m.product_id from matches m)${after}
        order by ${sql.join(plan.order, sql`, `)}
        limit ${query.limit + 1} offset ${plan.offset}
      ) page on true`,
  );
  const total = read[0]?.total ?? 0;
  const rows = read.filter((row) => row.id !== null).map(productOf);
  const { rows: shown, next_cursor } = productResource.cutPage(rows, query, plan);
  return {
    rows: shown,
    total: (query.include_total ?? !query.cursor) ? total : null,
    limit: query.limit,
    offset: plan.offset,
    next_cursor,
  };
}

/**
 * The ids of the tenant's products a `q=` search matches (the same words-start-terms rule and bound
 * as `GET /products?q=`), as a subquery other modules filter their rows by; undefined for a blank `q`.
 */
export function productIdsMatching(tenantId: string, q: string): SQL | undefined {
  return searchWalk(tenantId, q, [eq(products.tenantId, tenantId)]);
}
