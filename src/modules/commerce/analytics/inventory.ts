import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { type AnalyticsContext, dayEnd, dayStart } from './context.js';
import { daysOfCover, num } from './formulas.js';
import { addDays } from './period.js';
import { stockRowsSql } from './stock.js';
import type { InventoryReport, InventoryReportQuery } from './schemas.js';

type StockListRow = InventoryReport['low_stock'][number];
type DeadRow = Omit<InventoryReport['dead_stock'][number], 'last_movement_at'> & {
  last_movement_at: Date | string | null;
};

const q3 = (column: SQL) => sql`(${column})::numeric(18, 3)::text`;
const m2 = (column: SQL) => sql`(${column})::numeric(18, 2)::text`;

/**
 * Stock value, days of cover, low/out-of/dead stock: tenant-wide (stock has no owner), optionally
 * one warehouse. Values count positive stock only (a negative balance is a shortage, not an asset).
 */
export async function inventoryReport(
  tx: Tx,
  a: AnalyticsContext,
  query: InventoryReportQuery,
): Promise<InventoryReport> {
  const limit = query.limit ?? 100;
  const offset = query.offset ?? 0;
  const listLimit = query.list_limit ?? 100;
  const rows = stockRowsSql(a, query.warehouse_id);
  const window = a.coverWindowDays;
  const salePrice = a.salePriceTypeId
    ? sql`(select pp.amount from product_prices pp where pp.tenant_id = ${a.tenantId}
        and pp.product_id = s.product_id and pp.price_type_id = ${a.salePriceTypeId})`
    : sql`null::numeric`;
  const dead = sql`s.stock > 0 and (s.last_movement_at is null
    or s.last_movement_at < now() - make_interval(days => ${a.deadStockDays}))`;

  const [totals] = await selectRows<InventoryReport['totals']>(
    tx,
    sql`with s as (${rows})
      select count(*)::int as stock_rows, count(distinct s.product_id)::int as products,
        ${q3(sql`coalesce(sum(s.stock), 0)`)} as stock,
        ${m2(sql`coalesce(sum(greatest(s.stock, 0) * coalesce(s.unit_cost, 0)), 0)`)} as value_at_cost,
        ${a.salePriceTypeId ? m2(sql`coalesce(sum(greatest(s.stock, 0) * coalesce(${salePrice}, 0)), 0)`) : sql`null`} as value_at_sale_price,
        count(*) filter (where s.available > 0 and s.available <= s.min_stock)::int as low_stock,
        count(*) filter (where s.available <= 0)::int as out_of_stock,
        count(*) filter (where ${dead})::int as dead_stock,
        ${m2(sql`coalesce(sum(s.stock * coalesce(s.unit_cost, 0)) filter (where ${dead}), 0)`)} as dead_stock_value_at_cost
      from s`,
  );

  const windowStart = dayStart(addDays(a.today, -(window - 1)), a.timeZone);
  const products = await selectRows<{
    product_id: string;
    code: string;
    name: string;
    stock: string;
    reserve: string;
    available: string;
    in_transit: string;
    value_at_cost: string;
    value_at_sale_price: string | null;
    shipped_in_window: string;
  }>(
    tx,
    sql`with s as (${rows}),
      prod as (select s.product_id, sum(s.stock) as stock, sum(s.reserve) as reserve, sum(s.available) as available,
          sum(s.in_transit) as in_transit, sum(greatest(s.stock, 0) * coalesce(s.unit_cost, 0)) as value_at_cost,
          sum(greatest(s.stock, 0)) * ${salePrice} as value_at_sale_price
        from s group by s.product_id),
      shipped as (select p.product_id, sum(p.quantity) as quantity from commerce_document_positions p
        where p.tenant_id = ${a.tenantId} and p.active and p.kind = 'shipment'
          and p.moment >= ${windowStart} and p.moment < ${dayEnd(a.today, a.timeZone)}
          ${query.warehouse_id ? sql`and p.warehouse_id = ${query.warehouse_id}` : sql``}
          and p.product_id in (select product_id from prod)
        group by p.product_id)
      select prod.product_id, pr.code, pr.name, ${q3(sql`prod.stock`)} as stock, ${q3(sql`prod.reserve`)} as reserve,
        ${q3(sql`prod.available`)} as available, ${q3(sql`prod.in_transit`)} as in_transit,
        ${m2(sql`prod.value_at_cost`)} as value_at_cost,
        ${a.salePriceTypeId ? m2(sql`coalesce(prod.value_at_sale_price, 0)`) : sql`null`} as value_at_sale_price,
        ${q3(sql`coalesce(sh.quantity, 0)`)} as shipped_in_window
      from prod join products pr on pr.tenant_id = ${a.tenantId} and pr.id = prod.product_id
        left join shipped sh on sh.product_id = prod.product_id
      order by case when prod.available <= 0 then 0 when coalesce(sh.quantity, 0) <= 0 then null
          else prod.available / sh.quantity end nulls last, pr.code, prod.product_id
      limit ${limit} offset ${offset}`,
  );

  const list = (condition: SQL, order: SQL) =>
    selectRows<StockListRow>(
      tx,
      sql`with s as (${rows})
        select s.product_id, pr.code, pr.name, s.variant_id, s.warehouse_id, w.name as warehouse_name,
          ${q3(sql`s.stock`)} as stock, ${q3(sql`s.reserve`)} as reserve, ${q3(sql`s.available`)} as available,
          ${q3(sql`s.min_stock`)} as min_stock
        from s join products pr on pr.tenant_id = ${a.tenantId} and pr.id = s.product_id
          join warehouses w on w.tenant_id = ${a.tenantId} and w.id = s.warehouse_id
        where ${condition} order by ${order}, pr.code, w.name, s.variant_id nulls first limit ${listLimit}`,
    );
  const low = await list(
    sql`s.available > 0 and s.available <= s.min_stock`,
    sql`s.available / nullif(s.min_stock, 0)`,
  );
  const out = await list(sql`s.available <= 0`, sql`s.available`);
  const deadRows = await selectRows<DeadRow>(
    tx,
    sql`with s as (${rows})
      select s.product_id, pr.code, pr.name, s.variant_id, s.warehouse_id, w.name as warehouse_name,
        ${q3(sql`s.stock`)} as stock, ${m2(sql`s.stock * coalesce(s.unit_cost, 0)`)} as value_at_cost,
        s.last_movement_at,
        floor(extract(epoch from now() - s.last_movement_at) / 86400)::int as days_without_movement
      from s join products pr on pr.tenant_id = ${a.tenantId} and pr.id = s.product_id
        join warehouses w on w.tenant_id = ${a.tenantId} and w.id = s.warehouse_id
      where ${dead}
      order by s.last_movement_at nulls first, s.stock * coalesce(s.unit_cost, 0) desc, pr.code, w.name
      limit ${listLimit}`,
  );

  return {
    currency: a.currency,
    as_of: a.today,
    cover_window_days: window,
    dead_stock_days: a.deadStockDays,
    sale_price_type_id: a.salePriceTypeId,
    totals: totals!,
    products: products.map((p) => ({
      ...p,
      days_of_cover: daysOfCover(num(p.available), num(p.shipped_in_window), window),
    })),
    limit,
    offset,
    low_stock: low,
    out_of_stock: out,
    dead_stock: deadRows.map((d) => ({
      ...d,
      last_movement_at: d.last_movement_at === null ? null : new Date(d.last_movement_at).toISOString(),
    })),
  };
}
