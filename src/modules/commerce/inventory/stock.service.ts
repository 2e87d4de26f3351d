import { eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { notFound } from '../../../platform/http/errors.js';
import { defineResource, iso, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { productIdsMatching } from '../../catalog/index.js';
import { commerceSettingsOf, type CommerceSettings } from '../settings/settings.repository.js';
import { stockLevels } from '../tables/inventory.tables.js';
import { money, moneyText, qty, qtyText } from './decimal.js';
import type {
  ProductStock,
  ProductStockQuery,
  StockListQuery,
  StockRow,
  Store,
  StoresQuery,
} from './inventory.schemas.js';
import {
  available,
  effectiveMin,
  inFolderTree,
  priceIn,
  productMin,
  stockStatus,
  unitCostOf,
  warehouseMin,
} from './stock.sql.js';

export const stockResource = defineResource({
  table: stockLevels,
  name: 'Stock level',
  tenantId: stockLevels.tenantId,
  id: stockLevels.id,
  sorts: {
    stock: stockLevels.stock,
    reserve: stockLevels.reserve,
    in_transit: stockLevels.inTransit,
    last_movement_at: stockLevels.lastMovementAt,
    updated_at: stockLevels.updatedAt,
  },
});

/** What a stock row selects besides the level's columns (names, minimum, status, valuation). */
export function stockFields(settings: CommerceSettings) {
  const l = stockLevels;
  const min = effectiveMin(l, settings);
  const cost = unitCostOf(l, settings);
  return {
    productCode: sql<string>`(select p.code from products p where p.tenant_id = ${l.tenantId} and p.id = ${l.productId})`,
    productName: sql<string>`(select p.name from products p where p.tenant_id = ${l.tenantId} and p.id = ${l.productId})`,
    article: sql<
      string | null
    >`(select p.article from products p where p.tenant_id = ${l.tenantId} and p.id = ${l.productId})`,
    variantName: sql<
      string | null
    >`(select v.name from product_variants v where v.tenant_id = ${l.tenantId} and v.id = ${l.variantId})`,
    warehouseName: sql<string>`(select w.name from warehouses w where w.tenant_id = ${l.tenantId} and w.id = ${l.warehouseId})`,
    available: sql<string>`${available(l)}::text`,
    minStock: sql<string>`${min}::text`,
    status: stockStatus(available(l), min),
    unitCostValue: sql<string>`round(${cost}, 2)::text`,
    value: sql<string>`round(${l.stock} * ${cost}, 2)::text`,
  };
}

type StockRowData = typeof stockLevels.$inferSelect & {
  productCode: string;
  productName: string;
  article: string | null;
  variantName: string | null;
  warehouseName: string;
  available: string;
  minStock: string;
  status: 'ok' | 'low' | 'out';
  unitCostValue: string;
  value: string;
};

export const toStockJson = (r: StockRowData): StockRow => ({
  id: r.id,
  product_id: r.productId,
  product_code: r.productCode,
  product_name: r.productName,
  article: r.article,
  variant_id: r.variantId,
  variant_name: r.variantName,
  warehouse_id: r.warehouseId,
  warehouse_name: r.warehouseName,
  stock: qtyText(qty(r.stock)),
  reserve: qtyText(qty(r.reserve)),
  in_transit: qtyText(qty(r.inTransit)),
  available: qtyText(qty(r.available)),
  min_stock: qtyText(qty(r.minStock)),
  status: r.status,
  unit_cost: moneyText(money(r.unitCostValue)),
  value: moneyText(money(r.value)),
  last_movement_at: iso(r.lastMovementAt),
});

/** One level as a stock row (after an adjustment). */
export async function readStockRow(tx: Tx, ctx: CallContext, id: string): Promise<StockRow> {
  const settings = await commerceSettingsOf(tx, ctx.tenantId);
  const [row] = (await tx.db
    .select({ ...stockLevelColumns, ...stockFields(settings) })
    .from(stockLevels)
    .where(stockResource.where(ctx, eq(stockLevels.id, id)))) as StockRowData[];
  if (!row) throw notFound('Stock level');
  return toStockJson(row);
}

const stockLevelColumns = getTableColumns(stockLevels);

function stockConditions(
  ctx: CallContext,
  query: StockListQuery,
  settings: CommerceSettings,
): (SQL | undefined)[] {
  const l = stockLevels;
  const search = query.q ? productIdsMatching(ctx.tenantId, query.q) : undefined;
  return [
    query.warehouse_id ? eq(l.warehouseId, query.warehouse_id) : undefined,
    query.product_id ? eq(l.productId, query.product_id) : undefined,
    query.folder_id ? inFolderTree(ctx.tenantId, l.productId, query.folder_id) : undefined,
    query.q ? (search ? sql`${l.productId} in (${search})` : sql`false`) : undefined,
    query.status ? sql`${stockStatus(available(l), effectiveMin(l, settings))} = ${query.status}` : undefined,
  ];
}

export function createStockService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    /** Levels with names, minimum and status, one page; totals over every level the filters match. */
    list: (ctx: CallContext, query: StockListQuery) =>
      tenantTx(ctx, async (tx) => {
        const settings = await commerceSettingsOf(tx, ctx.tenantId);
        const where = stockConditions(ctx, query, settings);
        const page = await stockResource.list<StockRowData>(tx, ctx, query, {
          where,
          fields: stockFields(settings),
        });
        const l = stockLevels;
        const [totals] = await tx.db
          .select({
            stock: sql<string>`coalesce(sum(${l.stock}), 0)::text`,
            reserve: sql<string>`coalesce(sum(${l.reserve}), 0)::text`,
            inTransit: sql<string>`coalesce(sum(${l.inTransit}), 0)::text`,
            available: sql<string>`coalesce(sum(${available(l)}), 0)::text`,
            value: sql<string>`round(coalesce(sum(${l.stock} * ${unitCostOf(l, settings)}), 0), 2)::text`,
          })
          .from(l)
          .where(stockResource.where(ctx, ...where));
        return {
          stock: page.rows.map(toStockJson),
          totals: {
            stock: qtyText(qty(totals!.stock)),
            reserve: qtyText(qty(totals!.reserve)),
            in_transit: qtyText(qty(totals!.inTransit)),
            available: qtyText(qty(totals!.available)),
            value: moneyText(money(totals!.value)),
          },
          total: page.total,
          limit: page.limit,
          offset: page.offset,
          next_cursor: page.next_cursor,
        };
      }),

    /**
     * One product's stock by warehouse and variant, each row with its effective minimum (and where
     * it comes from) and status. With `at`, on-hand stock at that instant: Σ movements up to it
     * (reserve and in transit are not kept historically: null).
     */
    product: (ctx: CallContext, productId: string, query: ProductStockQuery): Promise<ProductStock> =>
      tenantTx(ctx, async (tx) => {
        const settings = await commerceSettingsOf(tx, ctx.tenantId);
        const [product] = await selectRows<{
          id: string;
          code: string;
          name: string;
          min_stock: string | null;
        }>(
          tx,
          sql`select id, code, name, min_stock from products where tenant_id = ${ctx.tenantId} and id = ${productId}`,
        );
        if (!product) throw notFound('Product');
        const at = query.at ? new Date(query.at) : null;
        const source = at
          ? sql`select m.tenant_id, m.product_id, m.variant_id, m.warehouse_id, sum(m.quantity) as stock,
                null::numeric as reserve, null::numeric as in_transit
              from stock_movements m where m.tenant_id = ${ctx.tenantId} and m.product_id = ${productId}
                and m.moment <= ${at.toISOString()}::timestamptz
              group by m.tenant_id, m.product_id, m.variant_id, m.warehouse_id`
          : sql`select tenant_id, product_id, variant_id, warehouse_id, stock, reserve, in_transit
              from stock_levels where tenant_id = ${ctx.tenantId} and product_id = ${productId}`;
        const s = {
          tenantId: sql`s.tenant_id`,
          productId: sql`s.product_id`,
          variantId: sql`s.variant_id`,
          warehouseId: sql`s.warehouse_id`,
          stock: sql`s.stock`,
          reserve: sql`s.reserve`,
          unitCost: sql`null`,
        };
        const min = effectiveMin(s, settings);
        const quantity = at ? sql`s.stock` : available(s);
        const rows = await selectRows<{
          warehouse_id: string;
          warehouse_name: string;
          variant_id: string | null;
          variant_name: string | null;
          stock: string;
          reserve: string | null;
          in_transit: string | null;
          min_stock: string;
          threshold_source: 'warehouse' | 'product' | 'default';
          status: 'ok' | 'low' | 'out';
        }>(
          tx,
          sql`select s.warehouse_id, w.name as warehouse_name, s.variant_id, v.name as variant_name,
              s.stock::text as stock, s.reserve::text as reserve, s.in_transit::text as in_transit,
              ${min}::text as min_stock,
              case when ${warehouseMin(s)} is not null then 'warehouse'
                when ${productMin(s)} is not null then 'product' else 'default' end as threshold_source,
              ${stockStatus(quantity, min)} as status
            from (${source}) s
            join warehouses w on w.tenant_id = s.tenant_id and w.id = s.warehouse_id
            left join product_variants v on v.tenant_id = s.tenant_id and v.id = s.variant_id
            order by w.name, w.id, v.name nulls first, s.variant_id nulls first`,
        );
        let total = 0n;
        const out = rows.map((r) => {
          total += qty(r.stock);
          const reserve = r.reserve === null ? null : qty(r.reserve);
          return {
            warehouse_id: r.warehouse_id,
            warehouse_name: r.warehouse_name,
            variant_id: r.variant_id,
            variant_name: r.variant_name,
            stock: qtyText(qty(r.stock)),
            reserve: reserve === null ? null : qtyText(reserve),
            in_transit: r.in_transit === null ? null : qtyText(qty(r.in_transit)),
            available: reserve === null ? null : qtyText(qty(r.stock) - reserve),
            min_stock: qtyText(qty(r.min_stock)),
            threshold_source: r.threshold_source,
            status: r.status,
          };
        });
        return {
          product_id: product.id,
          product_code: product.code,
          product_name: product.name,
          min_stock: product.min_stock === null ? null : qtyText(qty(product.min_stock)),
          at: at ? at.toISOString() : null,
          stock: qtyText(total),
          rows: out,
        };
      }),

    /**
     * Warehouses with their stock: products in stock, Σ stock, value at cost and at sale price
     * (null when no sale price type is set), and how many levels are low and out of stock.
     */
    stores: (ctx: CallContext, query: StoresQuery) =>
      tenantTx(ctx, async (tx) => {
        const settings = await commerceSettingsOf(tx, ctx.tenantId);
        const l = {
          tenantId: sql`sl.tenant_id`,
          productId: sql`sl.product_id`,
          variantId: sql`sl.variant_id`,
          warehouseId: sql`sl.warehouse_id`,
          stock: sql`sl.stock`,
          reserve: sql`sl.reserve`,
          unitCost: sql`sl.unit_cost`,
        };
        const status = stockStatus(available(l), effectiveMin(l, settings));
        const sale = settings.salePriceTypeId
          ? sql`round(coalesce(sum(sl.stock * coalesce(${priceIn(l.tenantId, l.productId, settings.salePriceTypeId)}, 0)), 0), 2)::text`
          : sql`null`;
        const rows = await selectRows<{
          id: string;
          code: string;
          name: string;
          archived_at: string | Date | null;
          products: number;
          stock: string;
          value_at_cost: string;
          value_at_sale: string | null;
          low: number;
          out: number;
          total: number;
        }>(
          tx,
          sql`select w.id, w.code, w.name, w.archived_at,
              count(distinct sl.product_id) filter (where sl.stock > 0)::int as products,
              coalesce(sum(sl.stock), 0)::text as stock,
              round(coalesce(sum(sl.stock * ${unitCostOf(l, settings)}), 0), 2)::text as value_at_cost,
              ${sale} as value_at_sale,
              count(sl.id) filter (where ${status} = 'low')::int as low,
              count(sl.id) filter (where ${status} = 'out')::int as out,
              count(*) over ()::int as total
            from warehouses w
            left join stock_levels sl on sl.tenant_id = w.tenant_id and sl.warehouse_id = w.id
            where w.tenant_id = ${ctx.tenantId} ${query.include_archived ? sql`` : sql`and w.archived_at is null`}
            group by w.id, w.code, w.name, w.archived_at
            order by w.name, w.id
            limit ${query.limit} offset ${query.offset}`,
        );
        const stores: Store[] = rows.map((r) => ({
          id: r.id,
          code: r.code,
          name: r.name,
          archived_at: r.archived_at === null ? null : new Date(r.archived_at).toISOString(),
          products: r.products,
          stock: qtyText(qty(r.stock)),
          value_at_cost: moneyText(money(r.value_at_cost)),
          value_at_sale: r.value_at_sale === null ? null : moneyText(money(r.value_at_sale)),
          low: r.low,
          out: r.out,
        }));
        const total = rows[0]?.total ?? (query.offset === 0 ? 0 : null);
        return { stores, total, limit: query.limit, offset: query.offset, next_cursor: null };
      }),
  };
}
