import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { selectRows } from '../../../../platform/db/rows.js';
import { defineReportType, type ReportColumn, type ReportRow } from '../../../../platform/reports/types.js';
import { AccuracyGroupBy, type AccuracyGroupRow } from '../accuracy.schemas.js';
import { accuracyReport, loadAccuracy } from '../accuracy.service.js';
import {
  checkMonthRange,
  DIMENSIONS,
  monthRange,
  MonthRangeParameters,
  reportCycle,
  scopeOf,
  Uuid,
  type Dimension,
} from './report-kit.js';

const ACCURACY_COLUMNS: readonly ReportColumn[] = [
  { key: 'label', label: 'Group', kind: 'text', width: 2 },
  { key: 'pairs', label: 'Months', kind: 'integer' },
  { key: 'forecast', label: 'Forecast', kind: 'number' },
  { key: 'actual', label: 'Actual', kind: 'number' },
  { key: 'mape', label: 'MAPE %', kind: 'number' },
  { key: 'wape', label: 'WAPE %', kind: 'number' },
  { key: 'bias', label: 'Bias %', kind: 'number' },
  { key: 'baseline_wape', label: 'Baseline WAPE %', kind: 'number' },
  { key: 'baseline_bias', label: 'Baseline bias %', kind: 'number' },
  { key: 'beat_baseline', label: 'Beat baseline', kind: 'text' },
];

const accuracyRow = (g: AccuracyGroupRow): ReportRow => ({
  label: g.label,
  pairs: g.forecast.pairs,
  forecast: g.forecast.sum_forecast,
  actual: g.forecast.sum_actual,
  mape: g.forecast.mape,
  wape: g.forecast.wape,
  bias: g.forecast.bias,
  baseline_wape: g.baseline.wape,
  baseline_bias: g.baseline.bias,
  beat_baseline: g.forecast_beat_baseline === null ? '' : g.forecast_beat_baseline ? 'yes' : 'no',
});

/**
 * Forecast vs actual of a cycle: accuracy per group (as `GET /sop/accuracy`) with the total, and
 * each forecast month with actuals: forecast, baseline, actual, error.
 */
export const forecastVsActualReport = defineReportType({
  key: 'planning.forecast_vs_actual',
  title: 'Forecast vs actual',
  description:
    'Submitted and approved forecasts against actual sales: MAPE, WAPE and bias beside the baseline’s, and the monthly detail',
  permission: 'forecasts:read',
  parameters: Type.Object(
    {
      cycle_id: Type.Optional({ ...Uuid, description: 'Default: the open cycle, else the latest' }),
      group_by: Type.Optional(AccuracyGroupBy),
    },
    { additionalProperties: false },
  ),
  async query(ctx, params) {
    const cycle = await reportCycle(ctx, params.cycle_id);
    const { pairs, baselines } = await loadAccuracy(ctx.tx, ctx, { cycleId: cycle.id });
    const report = accuracyReport(params.group_by ?? 'rep', pairs, baselines);
    return {
      period: `${cycle.name} (anchor ${cycle.anchor}); actuals through ${report.actuals_through ?? '–'}`,
      sections: [
        {
          key: 'accuracy',
          title: `Accuracy by ${report.group_by}`,
          columns: ACCURACY_COLUMNS,
          rows: [...report.groups.map(accuracyRow), accuracyRow(report.total)],
        },
        {
          key: 'detail',
          title: 'Forecast months with actuals',
          columns: [
            { key: 'month', label: 'Month', kind: 'text' },
            { key: 'customer', label: 'Customer', kind: 'text', width: 2 },
            { key: 'product', label: 'Product', kind: 'text', width: 2 },
            { key: 'rep', label: 'Rep', kind: 'text', width: 2 },
            { key: 'forecast', label: 'Forecast', kind: 'number' },
            { key: 'baseline', label: 'Baseline', kind: 'number' },
            { key: 'actual', label: 'Actual', kind: 'number' },
            { key: 'error', label: 'Error', kind: 'number' },
          ],
          rows: pairs.map((p, i) => ({
            month: p.month,
            customer: p.customerName,
            product: p.productName,
            rep: p.repName,
            forecast: p.forecast,
            baseline: baselines[i]!,
            actual: p.actual,
            error: Math.round((p.forecast - p.actual) * 1000) / 1000,
          })),
        },
      ],
    };
  },
});

const salesBase = (tenantId: string, from: string, to: string, scope: ReturnType<typeof sql>) => sql`
  from sales_history s
  join customers cu on cu.tenant_id = s.tenant_id and cu.id = s.customer_id
  join products p on p.tenant_id = s.tenant_id and p.id = s.product_id
  left join users u on u.tenant_id = s.tenant_id and u.id = s.rep_id
  where s.tenant_id = ${tenantId} and s.month between ${`${from}-01`}::date and ${`${to}-01`}::date and ${scope}`;

const SALES_AMOUNTS: readonly ReportColumn[] = [
  { key: 'quantity', label: 'Quantity', kind: 'number' },
  { key: 'revenue', label: 'Revenue', kind: 'money' },
  { key: 'cost', label: 'Cost', kind: 'money' },
  { key: 'gross_profit', label: 'Gross profit', kind: 'money' },
  { key: 'margin', label: 'Margin %', kind: 'number' },
];

const AMOUNT_SQL = sql`sum(s.quantity)::float8 as quantity, sum(s.revenue)::numeric(18, 2)::text as revenue,
  sum(s.cost)::numeric(18, 2)::text as cost, (sum(s.revenue) - sum(s.cost))::numeric(18, 2)::text as gross_profit,
  case when sum(s.revenue) = 0 then null else round(100 * (sum(s.revenue) - sum(s.cost)) / sum(s.revenue), 2)::float8 end as margin`;

async function salesSections(
  ctx: Parameters<typeof forecastVsActualReport.query>[0],
  params: { from?: string | undefined; to?: string | undefined },
  dimensions: readonly Dimension[],
  withMonth: boolean,
) {
  const range = monthRange(ctx, params);
  const base = salesBase(ctx.tenantId, range.from, range.to, scopeOf(ctx, sql`s.rep_id`));
  const byMonth = await selectRows<ReportRow>(
    ctx.tx,
    sql`select to_char(s.month, 'YYYY-MM') as month, ${AMOUNT_SQL} ${base} group by s.month order by s.month`,
  );
  const sections = [
    {
      key: 'by_month',
      title: 'By month',
      columns: [{ key: 'month', label: 'Month', kind: 'text' as const }, ...SALES_AMOUNTS],
      rows: byMonth,
      chart: { kind: 'line' as const, title: 'Revenue by month', category: 'month', series: ['revenue'] },
    },
  ];
  for (const dimension of dimensions) {
    const d = DIMENSIONS[dimension];
    const month = withMonth ? sql`to_char(s.month, 'YYYY-MM') as month,` : sql``;
    const rows = await selectRows<ReportRow>(
      ctx.tx,
      sql`select ${month} ${d.select}, ${AMOUNT_SQL} ${base}
        group by ${withMonth ? sql`s.month, ` : sql``}${d.group}
        order by ${withMonth ? sql`s.month, ` : sql``}sum(s.revenue) desc`,
    );
    sections.push({
      key: `by_${dimension}`,
      title: `By ${dimension}${withMonth ? ' and month' : ''}`,
      columns: [
        ...(withMonth ? [{ key: 'month', label: 'Month', kind: 'text' as const }] : []),
        ...d.columns,
        ...SALES_AMOUNTS,
      ],
      rows,
    } as (typeof sections)[number]);
  }
  return { period: range.label, sections };
}

/** Sales summary: sales history by month, customer, product and rep over a month range. */
export const salesSummaryReport = defineReportType({
  key: 'planning.sales_summary',
  title: 'Sales summary',
  description: 'Actual sales (quantity, revenue, cost, gross profit) by month, customer, product and rep',
  permission: 'sales_history:read',
  parameters: MonthRangeParameters,
  checkParameters: checkMonthRange,
  query: (ctx, params) => salesSections(ctx, params, ['customer', 'product', 'rep'], false),
});

/** Gross profit analysis: revenue − cost and margin by month, by customer × month and product × month. */
export const grossProfitReport = defineReportType({
  key: 'planning.gross_profit',
  title: 'Gross profit analysis',
  description: 'Revenue − cost and margin % by month, by customer and month, by product and month',
  permission: 'sales_history:read',
  parameters: MonthRangeParameters,
  checkParameters: checkMonthRange,
  query: (ctx, params) => salesSections(ctx, params, ['customer', 'product'], true),
});
