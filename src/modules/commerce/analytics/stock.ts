import { sql, type SQL } from 'drizzle-orm';
import type { AnalyticsContext } from './context.js';

/**
 * Stock rows (product or variant × warehouse) of goods (services and archived products left out)
 * with their available quantity and effective minimum: the warehouse threshold, else the
 * product's `min_stock`, else the tenant's default. Tenant-wide: stock has no owner.
 */
export function stockRowsSql(a: AnalyticsContext, warehouseId?: string): SQL {
  return sql`select sl.product_id, sl.variant_id, sl.warehouse_id, sl.stock, sl.reserve, sl.in_transit,
      sl.stock - sl.reserve as available, sl.unit_cost, sl.last_movement_at,
      coalesce(th.min_stock, pr.min_stock, ${a.defaultMinStock}::numeric) as min_stock
    from stock_levels sl
    join products pr on pr.tenant_id = sl.tenant_id and pr.id = sl.product_id
      and not pr.is_service and pr.archived_at is null
    left join stock_thresholds th on th.tenant_id = sl.tenant_id and th.product_id = sl.product_id
      and th.warehouse_id = sl.warehouse_id
    where sl.tenant_id = ${a.tenantId} ${warehouseId ? sql`and sl.warehouse_id = ${warehouseId}` : sql``}`;
}

/**
 * Low-stock and out-of-stock rows now, and at the end of the previous period: each row's stock then
 * is today's minus the movements since `since` (the current period's start); reserves have no
 * history, so today's reserve is subtracted from both.
 */
export function stockCountsSql(a: AnalyticsContext, since: SQL): SQL {
  return sql`with s as (${stockRowsSql(a)}),
    t as (select s.available, s.min_stock, s.available - coalesce((select sum(m.quantity) from stock_movements m
        where m.tenant_id = ${a.tenantId} and m.product_id = s.product_id and m.warehouse_id = s.warehouse_id
          and m.variant_id is not distinct from s.variant_id and m.moment >= ${since}), 0) as available_then
      from s)
    select count(*) filter (where available > 0 and available <= min_stock)::int as low,
      count(*) filter (where available <= 0)::int as out,
      count(*) filter (where available_then > 0 and available_then <= min_stock)::int as prev_low,
      count(*) filter (where available_then <= 0)::int as prev_out
    from t`;
}
