import { Type } from 'typebox';
import {
  checkReportPeriod,
  periodLabel,
  ReportPeriodParameters,
  resolveReportPeriod,
} from '../../../platform/reports/period.js';
import {
  defineReportType,
  type ReportColumn,
  type ReportQueryContext,
  type ReportRow,
} from '../../../platform/reports/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { analyticsContext } from './context.js';
import { customersReport } from './customers.js';
import { marginPercent, num, subtractMoney } from './formulas.js';
import { inventoryReport } from './inventory.js';
import { MAX_DAILY_PERIOD_DAYS, MAX_PERIOD_DAYS } from './period.js';
import { RFM_SEGMENTS } from './rfm.js';
import { salesAggregates } from './sales-report.js';
import { oneOf, RfmSegmentSchema, SALES_GROUPS, type SalesGroup } from './schemas.js';

const PERMISSION = 'commerce_analytics:read';
/** A report holds every group (the API pages them): at most this many per sheet. */
const REPORT_GROUPS = 5_000;

const AMOUNT_COLUMNS: readonly ReportColumn[] = [
  { key: 'quantity', label: 'Quantity', kind: 'number' },
  { key: 'revenue', label: 'Revenue', kind: 'money' },
  { key: 'cost', label: 'Cost', kind: 'money' },
  { key: 'gross_profit', label: 'Gross profit', kind: 'money' },
  { key: 'margin', label: 'Margin %', kind: 'percent' },
];

const amountCells = (r: { revenue: string; cost: string; quantity: string }): ReportRow => {
  const gross = subtractMoney(r.revenue, r.cost);
  return {
    quantity: num(r.quantity),
    revenue: r.revenue,
    cost: r.cost,
    gross_profit: gross,
    margin: marginPercent(num(gross), num(r.revenue)),
  };
};

const caller = (ctx: ReportQueryContext) => ({ principal: ctx.principal, tenantId: ctx.tenantId });

const SalesReportParameters = Type.Object(
  {
    ...ReportPeriodParameters.properties,
    granularity: Type.Optional(oneOf(['day', 'week', 'month'], { description: 'Default month' })),
    group_by: Type.Optional(oneOf(SALES_GROUPS, { description: 'Default product' })),
  },
  { additionalProperties: false },
);

/** Sales by period, by group and by period × group, as `GET /analytics/sales/report`. */
export const salesReportType = defineReportType({
  key: 'commerce.sales_report',
  title: 'Sales report',
  description:
    'Revenue, cost, gross profit and margin of posted shipments minus returns by period and by product, folder, customer, warehouse or manager',
  permission: PERMISSION,
  parameters: SalesReportParameters,
  checkParameters(params) {
    checkReportPeriod(params, MAX_PERIOD_DAYS);
    if (params.granularity === 'day' && params.from && params.to) {
      const days = (Date.parse(params.to) - Date.parse(params.from)) / 86_400_000 + 1;
      if (days > MAX_DAILY_PERIOD_DAYS)
        throw validationFailed([
          {
            path: '/parameters/granularity',
            message: `day buckets cover at most ${MAX_DAILY_PERIOD_DAYS} days`,
          },
        ]);
    }
  },
  async query(ctx, params) {
    const a = await analyticsContext(ctx.tx, ctx.tenantId, ctx.now);
    const period = resolveReportPeriod(params, ctx.now, a.timeZone, MAX_PERIOD_DAYS);
    const granularity = params.granularity ?? 'month';
    const groupBy: SalesGroup = params.group_by ?? 'product';
    const { rows } = await salesAggregates(
      ctx.tx,
      a,
      caller(ctx),
      period,
      granularity,
      groupBy,
      {},
      REPORT_GROUPS,
    );
    const groupColumns: ReportColumn[] = [
      { key: 'code', label: 'Code', kind: 'text' },
      { key: 'name', label: groupBy[0]!.toUpperCase() + groupBy.slice(1), kind: 'text', width: 2 },
    ];
    const periodColumn: ReportColumn = { key: 'period', label: 'Period', kind: 'date' };
    const named = (r: (typeof rows)[number]) => ({ code: r.code ?? '', name: r.name ?? '—' });
    return {
      period: `${periodLabel(period)} (${a.currency}, by ${granularity})`,
      sections: [
        {
          key: 'by_period',
          title: 'By period',
          columns: [periodColumn, ...AMOUNT_COLUMNS],
          rows: rows
            .filter((r) => r.level === 'period' || r.level === 'total')
            .map((r) => ({ period: r.level === 'total' ? 'Total' : r.period_start, ...amountCells(r) })),
          chart: { kind: 'line', title: 'Revenue by period', category: 'period', series: ['revenue'] },
        },
        {
          key: 'by_group',
          title: `By ${groupBy}`,
          columns: [...groupColumns, ...AMOUNT_COLUMNS],
          rows: rows.filter((r) => r.level === 'group').map((r) => ({ ...named(r), ...amountCells(r) })),
          chart: {
            kind: 'bar',
            title: `Revenue by ${groupBy}`,
            category: 'name',
            series: ['revenue'],
            limit: 15,
          },
        },
        {
          key: 'detail',
          title: `By period and ${groupBy}`,
          columns: [periodColumn, ...groupColumns, ...AMOUNT_COLUMNS],
          rows: rows
            .filter((r) => r.level === 'cell')
            .map((r) => ({ period: r.period_start, ...named(r), ...amountCells(r) })),
        },
      ],
    };
  },
});

/** Stock value, days of cover and the low, out-of and dead stock lists, as `GET /analytics/inventory/report`. */
export const inventoryReportType = defineReportType({
  key: 'commerce.inventory_report',
  title: 'Inventory report',
  description: 'Stock value at cost and sale price, days of cover per product, low, out-of and dead stock',
  permission: PERMISSION,
  parameters: Type.Object(
    { warehouse_id: Type.Optional(Type.String({ format: 'uuid' })) },
    { additionalProperties: false },
  ),
  async query(ctx, params) {
    const a = await analyticsContext(ctx.tx, ctx.tenantId, ctx.now);
    const r = await inventoryReport(ctx.tx, a, {
      warehouse_id: params.warehouse_id,
      limit: 1000,
      offset: 0,
      list_limit: 1000,
    });
    const stockColumns: ReportColumn[] = [
      { key: 'code', label: 'Code', kind: 'text' },
      { key: 'name', label: 'Product', kind: 'text', width: 2 },
      { key: 'warehouse_name', label: 'Warehouse', kind: 'text', width: 1.5 },
      { key: 'stock', label: 'Stock', kind: 'number' },
      { key: 'reserve', label: 'Reserve', kind: 'number' },
      { key: 'available', label: 'Available', kind: 'number' },
      { key: 'min_stock', label: 'Minimum', kind: 'number' },
    ];
    const stockRow = (s: (typeof r.low_stock)[number]): ReportRow => ({
      code: s.code,
      name: s.name,
      warehouse_name: s.warehouse_name,
      stock: num(s.stock),
      reserve: num(s.reserve),
      available: num(s.available),
      min_stock: num(s.min_stock),
    });
    const t = r.totals;
    return {
      period: `As of ${r.as_of} (${a.currency})`,
      sections: [
        {
          key: 'summary',
          title: 'Summary',
          columns: [
            { key: 'figure', label: 'Figure', kind: 'text', width: 2 },
            { key: 'value', label: 'Value', kind: 'text' },
          ],
          rows: [
            { figure: 'Stock rows', value: String(t.stock_rows) },
            { figure: 'Products', value: String(t.products) },
            { figure: 'Stock (units)', value: t.stock },
            { figure: 'Value at cost', value: t.value_at_cost },
            { figure: 'Value at sale price', value: t.value_at_sale_price ?? '—' },
            { figure: 'Low stock', value: String(t.low_stock) },
            { figure: 'Out of stock', value: String(t.out_of_stock) },
            { figure: `Dead stock (no movement in ${r.dead_stock_days} days)`, value: String(t.dead_stock) },
            { figure: 'Dead stock value at cost', value: t.dead_stock_value_at_cost },
          ],
        },
        {
          key: 'products',
          title: `Days of cover (sales of the last ${r.cover_window_days} days)`,
          columns: [
            { key: 'code', label: 'Code', kind: 'text' },
            { key: 'name', label: 'Product', kind: 'text', width: 2 },
            { key: 'available', label: 'Available', kind: 'number' },
            { key: 'shipped', label: 'Shipped in window', kind: 'number' },
            { key: 'days_of_cover', label: 'Days of cover', kind: 'number' },
            { key: 'value_at_cost', label: 'Value at cost', kind: 'money' },
            { key: 'value_at_sale_price', label: 'Value at sale price', kind: 'money' },
          ],
          rows: r.products.map((p) => ({
            code: p.code,
            name: p.name,
            available: num(p.available),
            shipped: num(p.shipped_in_window),
            days_of_cover: p.days_of_cover,
            value_at_cost: p.value_at_cost,
            value_at_sale_price: p.value_at_sale_price,
          })),
        },
        { key: 'low', title: 'Low stock', columns: stockColumns, rows: r.low_stock.map(stockRow) },
        { key: 'out', title: 'Out of stock', columns: stockColumns, rows: r.out_of_stock.map(stockRow) },
        {
          key: 'dead',
          title: 'Dead stock',
          columns: [
            { key: 'code', label: 'Code', kind: 'text' },
            { key: 'name', label: 'Product', kind: 'text', width: 2 },
            { key: 'warehouse_name', label: 'Warehouse', kind: 'text', width: 1.5 },
            { key: 'stock', label: 'Stock', kind: 'number' },
            { key: 'value_at_cost', label: 'Value at cost', kind: 'money' },
            { key: 'last_movement_at', label: 'Last movement', kind: 'datetime' },
          ],
          rows: r.dead_stock.map((d) => ({
            code: d.code,
            name: d.name,
            warehouse_name: d.warehouse_name,
            stock: num(d.stock),
            value_at_cost: d.value_at_cost,
            last_movement_at: d.last_movement_at ? new Date(d.last_movement_at) : null,
          })),
        },
      ],
    };
  },
});

/** RFM segments: the summary and every scored customer, as `GET /analytics/customers`. */
export const customerSegmentsReportType = defineReportType({
  key: 'commerce.customer_segments',
  title: 'Customer segments (RFM)',
  description: 'Customers scored by recency, frequency and monetary value, grouped into RFM segments',
  permission: PERMISSION,
  parameters: Type.Object(
    {
      window_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660, description: 'Default 365' })),
      segment: Type.Optional(RfmSegmentSchema),
    },
    { additionalProperties: false },
  ),
  async query(ctx, params) {
    const a = await analyticsContext(ctx.tx, ctx.tenantId, ctx.now);
    const r = await customersReport(ctx.tx, a, caller(ctx), {
      window_days: params.window_days ?? 365,
      segment: params.segment,
      limit: Number.MAX_SAFE_INTEGER,
      offset: 0,
    });
    return {
      period: `${periodLabel(r.period)} (${a.currency})`,
      sections: [
        {
          key: 'segments',
          title: 'Segments',
          columns: [
            { key: 'segment', label: 'Segment', kind: 'text', width: 1.5 },
            { key: 'customers', label: 'Customers', kind: 'integer' },
            { key: 'customers_percent', label: 'Customers %', kind: 'percent' },
            { key: 'monetary', label: 'Revenue', kind: 'money' },
            { key: 'monetary_percent', label: 'Revenue %', kind: 'percent' },
          ],
          rows: r.segments.filter((s) => RFM_SEGMENTS.includes(s.segment)),
          chart: { kind: 'pie', title: 'Customers by segment', category: 'segment', series: ['customers'] },
        },
        {
          key: 'customers',
          title: 'Customers',
          columns: [
            { key: 'code', label: 'Code', kind: 'text' },
            { key: 'name', label: 'Customer', kind: 'text', width: 2 },
            { key: 'segment', label: 'Segment', kind: 'text', width: 1.5 },
            { key: 'rfm', label: 'RFM', kind: 'text' },
            { key: 'recency_days', label: 'Recency (days)', kind: 'integer' },
            { key: 'frequency', label: 'Shipments', kind: 'integer' },
            { key: 'monetary', label: 'Revenue', kind: 'money' },
            { key: 'last_shipment_on', label: 'Last shipment', kind: 'date' },
          ],
          rows: r.customers.map((c) => ({
            code: c.code,
            name: c.name,
            segment: c.segment,
            rfm: c.rfm,
            recency_days: c.recency_days,
            frequency: c.frequency,
            monetary: c.monetary,
            last_shipment_on: c.last_shipment_on,
          })),
        },
      ],
    };
  },
});

export const COMMERCE_REPORT_TYPES = [salesReportType, inventoryReportType, customerSegmentsReportType];
