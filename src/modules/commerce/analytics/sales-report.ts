import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { ResourceCaller } from '../../../platform/resource/index.js';
import { type AnalyticsContext, ownerScope } from './context.js';
import { marginPercent, num, subtractMoney } from './formulas.js';
import { MAX_DAILY_PERIOD_DAYS, reportPeriod, type Granularity } from './period.js';
import { validationFailed } from '../../../platform/http/errors.js';
import type { SalesGroup, SalesReport, SalesReportQuery } from './schemas.js';

/** What a group is keyed by in the positions scan, and how its code and name are looked up after. */
const GROUPS: Record<SalesGroup, { key: SQL; names: (tenantId: string) => SQL; needsProduct?: true }> = {
  product: {
    key: sql`p.product_id`,
    names: (t) => sql`select id, code, name from products where tenant_id = ${t}`,
  },
  folder: {
    key: sql`pr.folder_id`,
    needsProduct: true,
    names: (t) => sql`select id, code, name from product_folders where tenant_id = ${t}`,
  },
  customer: {
    key: sql`p.customer_id`,
    names: (t) => sql`select id, code, name from customers where tenant_id = ${t}`,
  },
  warehouse: {
    key: sql`p.warehouse_id`,
    names: (t) => sql`select id, code, name from warehouses where tenant_id = ${t}`,
  },
  manager: {
    key: sql`p.owner_id`,
    names: (t) => sql`select id, email as code,
        coalesce(nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), ''), email) as name
      from users where tenant_id = ${t}`,
  },
};

interface AggRow {
  period_start: string | null;
  key: string | null;
  code: string | null;
  name: string | null;
  level: 'cell' | 'period' | 'group' | 'total';
  revenue: string;
  cost: string;
  quantity: string;
}

export interface SalesFilters {
  productId?: string | undefined;
  folderId?: string | undefined;
  customerId?: string | undefined;
  warehouseId?: string | undefined;
  ownerId?: string | undefined;
}

/**
 * Revenue, cost and quantity of shipments minus returns by period bucket × group, read from the
 * daily rollup (`commerce_sales_daily`: one row per local day and product, customer, warehouse and
 * owner, the same sums the positions give). The rows are summed per cell (bucket × group) first,
 * then the cells into per period, per group and total rows with grouping sets; only the `limit`
 * groups with the most revenue keep their cells and group rows, the period and grand totals cover
 * every group. A group's rank is a window over its own rows, not a join: groups are keyed by
 * nullable ids (`key: null`), and a join on `is not distinct from` cannot hash, which made a
 * report of 2,000 products compare every cell with every group (50 million pairs).
 */
export async function salesAggregates(
  tx: Tx,
  a: AnalyticsContext,
  caller: ResourceCaller,
  range: { from: string; to: string },
  granularity: Granularity,
  groupBy: SalesGroup,
  filters: SalesFilters,
  limit: number,
): Promise<{ rows: AggRow[]; groupsTotal: number }> {
  const g = GROUPS[groupBy];
  const where = [
    sql`p.tenant_id = ${a.tenantId}`,
    sql`p.day >= ${range.from}::date`,
    sql`p.day <= ${range.to}::date`,
    ownerScope(caller, sql`p.owner_id`),
    filters.productId ? sql`p.product_id = ${filters.productId}` : undefined,
    filters.customerId ? sql`p.customer_id = ${filters.customerId}` : undefined,
    filters.warehouseId ? sql`p.warehouse_id = ${filters.warehouseId}` : undefined,
    filters.ownerId ? sql`p.owner_id = ${filters.ownerId}` : undefined,
    filters.folderId
      ? sql`p.product_id in (select fp.id from products fp join product_folders f
          on f.tenant_id = fp.tenant_id and f.id = fp.folder_id
          where fp.tenant_id = ${a.tenantId} and f.path like (select r.path from product_folders r
            where r.tenant_id = ${a.tenantId} and r.id = ${filters.folderId}) || '%')`
      : undefined,
  ].filter((s): s is SQL => s !== undefined);
  // Days are local days already; a plain timestamp keeps date_trunc off the session's zone.
  const bucket = sql`date_trunc(${granularity}, p.day::timestamp)::date`;
  const productJoin = g.needsProduct
    ? sql`join products pr on pr.tenant_id = p.tenant_id and pr.id = p.product_id`
    : sql``;
  const rows = await selectRows<AggRow & { groups_total: number }>(
    tx,
    sql`with cells as (
        select ${bucket} as bucket, ${g.key} as key,
          sum(p.revenue) as revenue, sum(p.cost) as cost, sum(p.quantity) as quantity
        from commerce_sales_daily p ${productJoin}
        where ${sql.join(where, sql` and `)}
        group by 1, 2),
      agg as (
        select bucket, key, grouping(bucket) as gb, grouping(key) as gk,
          sum(revenue) as revenue, sum(cost) as cost, sum(quantity) as quantity
        from cells group by grouping sets ((bucket, key), (bucket), (key), ())),
      ranked as (
        select w.*, case when gk = 0 then dense_rank() over (partition by gk
            order by group_revenue desc, key nulls last) end as rank,
          count(*) filter (where gb = 1 and gk = 0) over () as groups_total
        from (select agg.*, max(revenue) filter (where gb = 1) over (partition by gk, key) as group_revenue
          from agg) w),
      names as (${g.names(a.tenantId)})
      select to_char(r.bucket, 'YYYY-MM-DD') as period_start, r.key::text as key, n.code, n.name,
        case when gb = 0 and gk = 0 then 'cell' when gb = 0 then 'period' when gk = 0 then 'group' else 'total' end as level,
        coalesce(r.revenue, 0)::numeric(18, 2)::text as revenue,
        coalesce(r.cost, 0)::numeric(18, 2)::text as cost, coalesce(r.quantity, 0)::numeric(18, 3)::text as quantity,
        r.groups_total::int as groups_total
      from ranked r left join names n on n.id = r.key
      where r.gk = 1 or r.rank <= ${limit}
      order by r.bucket nulls last, r.rank nulls last`,
  );
  return { rows, groupsTotal: rows[0]?.groups_total ?? 0 };
}

const amounts = (r: { revenue: string; cost: string; quantity: string }) => {
  const gross = subtractMoney(r.revenue, r.cost);
  return {
    revenue: r.revenue,
    cost: r.cost,
    gross_profit: gross,
    margin_percent: marginPercent(num(gross), num(r.revenue)),
    quantity: r.quantity,
  };
};

const ZERO = { revenue: '0.00', cost: '0.00', quantity: '0.000' };

export function salesReportPeriod(a: AnalyticsContext, query: SalesReportQuery) {
  const granularity = query.granularity ?? 'month';
  const period = reportPeriod(query, a.today, 30);
  if (granularity === 'day' && period.days > MAX_DAILY_PERIOD_DAYS)
    throw validationFailed([
      { path: '/query/granularity', message: `day buckets cover at most ${MAX_DAILY_PERIOD_DAYS} days` },
    ]);
  return { granularity, period };
}

export async function salesReport(
  tx: Tx,
  a: AnalyticsContext,
  caller: ResourceCaller,
  query: SalesReportQuery,
): Promise<SalesReport> {
  const { granularity, period } = salesReportPeriod(a, query);
  const groupBy = query.group_by ?? 'product';
  const { rows, groupsTotal } = await salesAggregates(
    tx,
    a,
    caller,
    period,
    granularity,
    groupBy,
    {
      productId: query.product_id,
      folderId: query.folder_id,
      customerId: query.customer_id,
      warehouseId: query.warehouse_id,
      ownerId: query.owner_id,
    },
    query.limit ?? 100,
  );
  const ref = (r: AggRow) => ({ key: r.key, code: r.code, name: r.name });
  const total = rows.find((r) => r.level === 'total');
  return {
    currency: a.currency,
    time_zone: a.timeZone,
    period,
    granularity,
    group_by: groupBy,
    groups_total: groupsTotal,
    rows: rows
      .filter((r) => r.level === 'cell')
      .map((r) => ({ period_start: r.period_start!, ...ref(r), ...amounts(r) })),
    groups: rows.filter((r) => r.level === 'group').map((r) => ({ ...ref(r), ...amounts(r) })),
    periods: rows
      .filter((r) => r.level === 'period')
      .map((r) => ({ period_start: r.period_start!, ...amounts(r) })),
    totals: amounts(total ?? ZERO),
  };
}
