import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { ResourceCaller } from '../../../platform/resource/index.js';
import { type AnalyticsContext, dayEnd, dayStart, ownerScope } from './context.js';
import { divideMoney, growthPercent, marginPercent, num, subtractMoney } from './formulas.js';
import { dashboardPeriod, previousPeriod, type Period } from './period.js';
import { stockCountsSql } from './stock.js';
import type { Dashboard, DashboardQuery } from './schemas.js';

interface SalesTotals {
  cur_revenue: string;
  prev_revenue: string;
  cur_cost: string;
  prev_cost: string;
  top: {
    product_id: string;
    code: string;
    name: string;
    revenue: string;
    previous_revenue: string;
    cost: string;
    quantity: string;
  }[];
}

/**
 * Revenue and cost of both periods and the top products in one pass over the daily rollup
 * (`commerce_sales_daily`, local days of the tenant's zone) from the previous period's first day
 * through the current period's last: the same sums as the positions, fewer and narrower rows.
 */
function salesTotalsSql(a: AnalyticsContext, caller: ResourceCaller, cur: Period, prev: Period, top: number) {
  const current = sql`r.day >= ${cur.from}::date`;
  return sql`with g as (
      select r.product_id,
        sum(r.revenue) filter (where ${current}) as cur_revenue,
        sum(r.revenue) filter (where not ${current}) as prev_revenue,
        sum(r.cost) filter (where ${current}) as cur_cost,
        sum(r.cost) filter (where not ${current}) as prev_cost,
        sum(r.quantity) filter (where ${current}) as cur_quantity
      from commerce_sales_daily r
      where r.tenant_id = ${a.tenantId} and r.day >= ${prev.from}::date and r.day <= ${cur.to}::date
        and ${ownerScope(caller, sql`r.owner_id`)}
      group by r.product_id)
    select coalesce(sum(cur_revenue), 0)::numeric(18, 2)::text as cur_revenue,
      coalesce(sum(prev_revenue), 0)::numeric(18, 2)::text as prev_revenue,
      coalesce(sum(cur_cost), 0)::numeric(18, 2)::text as cur_cost,
      coalesce(sum(prev_cost), 0)::numeric(18, 2)::text as prev_cost,
      (select coalesce(json_agg(t order by t.rank), '[]'::json) from (
        select row_number() over (order by g2.cur_revenue desc, pr.code, g2.product_id) as rank,
          g2.product_id, pr.code, pr.name,
          g2.cur_revenue::numeric(18, 2)::text as revenue,
          coalesce(g2.prev_revenue, 0)::numeric(18, 2)::text as previous_revenue,
          g2.cur_cost::numeric(18, 2)::text as cost,
          g2.cur_quantity::numeric(18, 3)::text as quantity
        from g g2 join products pr on pr.tenant_id = ${a.tenantId} and pr.id = g2.product_id
        where g2.cur_revenue is not null
        order by g2.cur_revenue desc, pr.code, g2.product_id limit ${top}) t) as top
    from g`;
}

interface DocumentCounts {
  cur_orders: number;
  prev_orders: number;
  cur_shipments: number;
  prev_shipments: number;
  cur_new: number;
  prev_new: number;
}

/**
 * Posted customer orders and shipments per period from the headers; new customers: those whose
 * first posted shipment ever (any manager) falls in the period, counted when that shipment is in
 * the caller's scope (the manager who won the customer). Such a shipment is itself one of the
 * caller's in the periods, so only customers with one are looked up (an agent's few hundred, not
 * the tenant's thousands).
 */
function documentCountsSql(a: AnalyticsContext, caller: ResourceCaller, cur: Period, prev: Period) {
  const curStart = dayStart(cur.from, a.timeZone);
  const prevStart = dayStart(prev.from, a.timeZone);
  const curEnd = dayEnd(cur.to, a.timeZone);
  const posted = sql`d.applicable and d.deleted_at is null`;
  const counts = (kind: string) =>
    sql`count(*) filter (where d.kind = ${kind} and d.moment >= ${curStart})::int,
      count(*) filter (where d.kind = ${kind} and d.moment < ${curStart})::int`;
  // The orders and shipments are counted in one pass over the headers of both periods.
  return sql`with firsts as (
      select f.moment from (select distinct customer_id from commerce_documents d
          where d.tenant_id = ${a.tenantId} and d.kind = 'shipment' and ${posted} and d.customer_id is not null
            and d.moment >= ${prevStart} and d.moment < ${curEnd} and ${ownerScope(caller, sql`d.owner_id`)}) c
        cross join lateral (select d.moment, d.owner_id from commerce_documents d
          where d.tenant_id = ${a.tenantId} and d.customer_id = c.customer_id and d.kind = 'shipment' and ${posted}
          order by d.moment limit 1) f
      where f.moment >= ${prevStart} and ${ownerScope(caller, sql`f.owner_id`)})
    select c.*,
      (select count(*) from firsts where moment >= ${curStart})::int as cur_new,
      (select count(*) from firsts where moment < ${curStart})::int as prev_new
    from (select ${counts('customer_order')}, ${counts('shipment')}
      from commerce_documents d
      where d.tenant_id = ${a.tenantId} and d.kind in ('customer_order', 'shipment') and ${posted}
        and d.moment >= ${prevStart} and d.moment < ${curEnd} and ${ownerScope(caller, sql`d.owner_id`)})
      as c(cur_orders, prev_orders, cur_shipments, prev_shipments)`;
}

const moneyMetric = (value: string, previous: string) => ({
  value,
  previous,
  growth_percent: growthPercent(num(value), num(previous)),
});
const countMetric = (value: number, previous: number) => ({
  value,
  previous,
  growth_percent: growthPercent(value, previous),
});

export async function dashboard(
  tx: Tx,
  a: AnalyticsContext,
  caller: ResourceCaller,
  query: DashboardQuery,
): Promise<Dashboard> {
  const cur = dashboardPeriod(query, a.today);
  const prev = previousPeriod(cur);
  const [sales] = await selectRows<SalesTotals>(tx, salesTotalsSql(a, caller, cur, prev, query.top ?? 10));
  const [docs] = await selectRows<DocumentCounts>(tx, documentCountsSql(a, caller, cur, prev));
  const [stock] = await selectRows<{ low: number; out: number; prev_low: number; prev_out: number }>(
    tx,
    stockCountsSql(a, dayStart(cur.from, a.timeZone)),
  );
  const s = sales!;
  const d = docs!;
  const curProfit = subtractMoney(s.cur_revenue, s.cur_cost);
  const prevProfit = subtractMoney(s.prev_revenue, s.prev_cost);
  const curMargin = marginPercent(num(curProfit), num(s.cur_revenue));
  const prevMargin = marginPercent(num(prevProfit), num(s.prev_revenue));
  return {
    currency: a.currency,
    time_zone: a.timeZone,
    period: cur,
    previous_period: prev,
    revenue: moneyMetric(s.cur_revenue, s.prev_revenue),
    cost: moneyMetric(s.cur_cost, s.prev_cost),
    gross_profit: moneyMetric(curProfit, prevProfit),
    margin_percent: {
      value: curMargin,
      previous: prevMargin,
      growth_percent: growthPercent(curMargin, prevMargin),
    },
    orders: countMetric(d.cur_orders, d.prev_orders),
    shipments: countMetric(d.cur_shipments, d.prev_shipments),
    average_order: moneyMetric(
      divideMoney(s.cur_revenue, d.cur_shipments),
      divideMoney(s.prev_revenue, d.prev_shipments),
    ),
    new_customers: countMetric(d.cur_new, d.prev_new),
    low_stock: countMetric(stock!.low, stock!.prev_low),
    out_of_stock: countMetric(stock!.out, stock!.prev_out),
    top_products: s.top.map((t) => {
      const profit = subtractMoney(t.revenue, t.cost);
      return {
        product_id: t.product_id,
        code: t.code,
        name: t.name,
        revenue: t.revenue,
        previous_revenue: t.previous_revenue,
        growth_percent: growthPercent(num(t.revenue), num(t.previous_revenue)),
        gross_profit: profit,
        margin_percent: marginPercent(num(profit), num(t.revenue)),
        quantity: t.quantity,
      };
    }),
  };
}
