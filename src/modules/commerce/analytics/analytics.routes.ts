import type { FastifyInstance } from 'fastify';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { actionsOf, tenantReadOf, type CallContext } from '../../../platform/resource/index.js';
import { abcXyzReport } from './abc-xyz.service.js';
import { analyticsContext, type AnalyticsContext } from './context.js';
import { customersReport } from './customers.js';
import { dashboard } from './dashboard.js';
import { inventoryReport } from './inventory.js';
import { salesReport } from './sales-report.js';
import {
  AbcXyzQuery,
  AbcXyzReport,
  CustomersQuery,
  CustomersReport,
  Dashboard,
  DashboardQuery,
  InventoryReport,
  InventoryReportQuery,
  SalesReport,
  SalesReportQuery,
} from './schemas.js';

const PERMISSION = 'commerce_analytics:read';

export function analyticsRoutes(app: FastifyInstance, db: TenantDatabase): void {
  const tenantRead = tenantReadOf({ db });
  /** Reads without a transaction: every figure is one statement, none needs another's snapshot. */
  const read =
    <Q, R>(fn: (tx: Tx, a: AnalyticsContext, ctx: CallContext, query: Q) => Promise<R>) =>
    (ctx: CallContext, _id: string, _body: never, query: never) =>
      tenantRead(ctx, async (tx) => fn(tx, await analyticsContext(tx, ctx.tenantId), ctx, query as Q));
  const action = actionsOf(app, 'commerce-analytics');

  action(
    {
      method: 'get',
      path: '/analytics/dashboard',
      summary: 'The commerce dashboard: this period against the previous one of the same length',
      description:
        'Revenue (posted shipments − sales returns), cost, gross profit, margin, posted customer orders, shipments, ' +
        'average order (revenue ÷ shipments), new customers (first posted shipment ever in the period), top products ' +
        'by revenue, and the low-stock and out-of-stock counts (tenant-wide), each with the previous period and growth %. ' +
        'period=day|week|month|quarter|year is the calendar period holding today up to today, in the tenant time zone; ' +
        'from/to give the days instead. Sales figures are limited to the caller’s data scope (the documents’ manager).',
      permission: PERMISSION,
      query: DashboardQuery,
      response: Dashboard,
    },
    read(dashboard),
  );
  action(
    {
      method: 'get',
      path: '/analytics/sales/report',
      summary: 'Sales by period and product, folder, customer, warehouse or manager',
      description:
        'Revenue, cost, gross profit, margin and quantity of posted shipments minus sales returns, by day/week/month ' +
        '(tenant time zone; weeks start on Monday) × group, with per-group, per-period and grand totals. `limit` keeps ' +
        'the groups with the most revenue; the totals cover every group. Within the caller’s data scope.',
      permission: PERMISSION,
      query: SalesReportQuery,
      response: SalesReport,
    },
    read(salesReport),
  );
  action(
    {
      method: 'get',
      path: '/analytics/inventory/report',
      summary: 'Stock value, days of cover, low, out-of and dead stock',
      description:
        'Tenant-wide (stock has no owner). Stock value at unit cost and at the sale price type of the commerce ' +
        'settings (null when none is set); products ordered by days of cover (the soonest to run out first); low ' +
        'stock 0 < available ≤ minimum (warehouse threshold, else product minimum, else tenant default), out of ' +
        'stock available ≤ 0, dead stock: stock > 0 and no movement in dead_stock_days.',
      permission: PERMISSION,
      query: InventoryReportQuery,
      response: InventoryReport,
    },
    read((tx, a, _ctx, query: InventoryReportQuery) => inventoryReport(tx, a, query)),
  );
  action(
    {
      method: 'get',
      path: '/analytics/customers',
      summary: 'Customers by RFM: recency, frequency and monetary scores and segments',
      description:
        'Every customer with a posted shipment in the window (default 365 days up to today) in the caller’s data ' +
        'scope, scored 1–5 by quintiles against the others (ties share a score) and named by its R and F scores. ' +
        'The segment summary covers every scored customer; segment, sort and paging narrow the list only.',
      permission: PERMISSION,
      query: CustomersQuery,
      response: CustomersReport,
    },
    read(customersReport),
  );
  action(
    {
      method: 'get',
      path: '/analytics/products/abc-xyz',
      summary: 'ABC (revenue share) and XYZ (demand variability) classes of products',
      description:
        'Products with sales in the period (default: the twelve whole months before the current one), in the caller’s ' +
        'data scope. ABC by cumulative share of revenue (A while the share before the product is below a, B below b, C beyond); XYZ by the coefficient of variation ' +
        '(population standard deviation ÷ mean) of net quantities per month or week (X ≤ x, Y ≤ y, Z beyond or no ' +
        'demand). The matrix counts every classified product; abc/xyz and paging narrow the list only.',
      permission: PERMISSION,
      query: AbcXyzQuery,
      response: AbcXyzReport,
    },
    read(abcXyzReport),
  );
}
