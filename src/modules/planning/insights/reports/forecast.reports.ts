import { sql } from 'drizzle-orm';
import { selectRows } from '../../../../platform/db/rows.js';
import {
  defineReportType,
  type ReportColumn,
  type ReportRow,
  type ReportSection,
} from '../../../../platform/reports/types.js';
import { repsNotSubmitted } from '../../cycles/progress.js';
import { cycleStats } from '../../cycles/progress.js';
import {
  CycleParameters,
  DIMENSIONS,
  MONTH_COLUMN,
  reportCycle,
  scopeOf,
  type Dimension,
} from './report-kit.js';

const AMOUNTS: readonly ReportColumn[] = [
  { key: 'forecasts', label: 'Forecasts', kind: 'integer' },
  { key: 'quantity', label: 'Quantity', kind: 'number' },
  { key: 'revenue', label: 'Revenue', kind: 'money' },
];

const VIEWS: readonly [Dimension, string][] = [
  ['product', 'By month and product'],
  ['customer', 'By month and customer'],
  ['rep', 'By month and rep'],
];

/**
 * Consolidated forecast of a cycle: the submitted and approved forecasts' lines summed by month ×
 * product, month × customer and month × rep (one sheet each in XLSX), plus the total per month.
 */
export const consolidatedForecastReport = defineReportType({
  key: 'planning.consolidated_forecast',
  title: 'Consolidated forecast',
  description:
    'Submitted and approved forecasts of a cycle by month × product, month × customer and month × rep, with the total per month',
  permission: 'forecasts:read',
  parameters: CycleParameters,
  async query(ctx, params) {
    const cycle = await reportCycle(ctx, params.cycle_id);
    const base = sql`from forecasts f
      join forecast_lines l on l.tenant_id = f.tenant_id and l.forecast_id = f.id
      join customers cu on cu.tenant_id = f.tenant_id and cu.id = f.customer_id
      join products p on p.tenant_id = f.tenant_id and p.id = f.product_id
      join users u on u.tenant_id = f.tenant_id and u.id = f.rep_id
      where f.tenant_id = ${ctx.tenantId} and f.cycle_id = ${cycle.id} and f.status in ('submitted', 'approved')
        and ${scopeOf(ctx, sql`f.rep_id`)}`;
    const totals = await selectRows<ReportRow>(
      ctx.tx,
      sql`select to_char(l.month, 'YYYY-MM') as month, count(distinct f.id)::int as forecasts,
          sum(l.quantity)::float8 as quantity, sum(l.revenue)::numeric(18, 2)::text as revenue
        ${base} group by l.month order by l.month`,
    );
    const sections: ReportSection[] = [
      {
        key: 'by_month',
        title: 'By month',
        columns: [MONTH_COLUMN, ...AMOUNTS],
        rows: totals,
        chart: { kind: 'bar', title: 'Forecast quantity by month', category: 'month', series: ['quantity'] },
      },
    ];
    for (const [dimension, title] of VIEWS) {
      const d = DIMENSIONS[dimension];
      const rows = await selectRows<ReportRow>(
        ctx.tx,
        sql`select to_char(l.month, 'YYYY-MM') as month, ${d.select}, count(distinct f.id)::int as forecasts,
            sum(l.quantity)::float8 as quantity, sum(l.revenue)::numeric(18, 2)::text as revenue
          ${base} group by l.month, ${d.group} order by l.month, 2, 3`,
      );
      sections.push({
        key: `by_month_${dimension}`,
        title,
        columns: [MONTH_COLUMN, ...d.columns, ...AMOUNTS],
        rows,
      });
    }
    return { period: `${cycle.name} (anchor ${cycle.anchor}, ${cycle.status})`, sections };
  },
});

/**
 * Submission status of a cycle: the stats (forecasts and reps submitted, completion %, forecasts
 * by status) and per rep what they hold in each status and what is still missing from their matrix.
 */
export const submissionStatusReport = defineReportType({
  key: 'planning.submission_status',
  title: 'Forecast submission status',
  description:
    'A cycle’s completion, and per rep the forecasts by status and the matrix rows not yet submitted',
  permission: 'forecasts:read',
  parameters: CycleParameters,
  async query(ctx, params) {
    const cycle = await reportCycle(ctx, params.cycle_id);
    const stats = await cycleStats(ctx.tx, ctx.tenantId, cycle.id);
    const missing = new Map(
      (await repsNotSubmitted(ctx.tx, ctx.tenantId, cycle.id)).map((r) => [r.rep_id, r.missing]),
    );
    const reps = await selectRows<ReportRow & { rep_id: string }>(
      ctx.tx,
      sql`with keys as (
          select rep_id from product_customer_matrix where tenant_id = ${ctx.tenantId} and is_active and rep_id is not null
          union select rep_id from forecasts where tenant_id = ${ctx.tenantId} and cycle_id = ${cycle.id})
        select u.id as rep_id, u.email, ${DIMENSIONS.rep.select},
          count(f.id) filter (where f.status = 'draft')::int as draft,
          count(f.id) filter (where f.status = 'submitted')::int as submitted,
          count(f.id) filter (where f.status = 'approved')::int as approved,
          count(f.id) filter (where f.status = 'rejected')::int as rejected
        from keys k join users u on u.tenant_id = ${ctx.tenantId} and u.id = k.rep_id
        left join forecasts f on f.tenant_id = u.tenant_id and f.cycle_id = ${cycle.id} and f.rep_id = u.id
        where ${scopeOf(ctx, sql`u.id`)}
        group by u.id, u.first_name, u.last_name, u.email order by 3, u.email`,
    );
    const rows = reps.map(({ rep_id, ...r }) => ({
      ...r,
      missing: missing.get(rep_id) ?? 0,
      status: (missing.get(rep_id) ?? 0) === 0 ? 'complete' : 'incomplete',
    }));
    return {
      period: `${cycle.name} (anchor ${cycle.anchor}, ${cycle.status})`,
      sections: [
        {
          key: 'summary',
          title: 'Cycle',
          columns: [
            { key: 'figure', label: 'Figure', kind: 'text', width: 2 },
            { key: 'value', label: 'Value', kind: 'number' },
          ],
          rows: [
            { figure: 'Forecasts expected', value: stats.forecasts_total },
            { figure: 'Forecasts submitted', value: stats.forecasts_submitted },
            { figure: 'Reps', value: stats.reps_total },
            { figure: 'Reps complete', value: stats.reps_submitted },
            { figure: 'Completion %', value: stats.completion_percent },
            ...Object.entries(stats.by_status).map(([status, n]) => ({
              figure: `Forecasts ${status}`,
              value: n,
            })),
          ],
        },
        {
          key: 'reps',
          title: 'By rep',
          columns: [
            { key: 'rep', label: 'Rep', kind: 'text', width: 2 },
            { key: 'email', label: 'E-mail', kind: 'text', width: 2 },
            { key: 'status', label: 'Status', kind: 'text' },
            { key: 'draft', label: 'Draft', kind: 'integer' },
            { key: 'submitted', label: 'Submitted', kind: 'integer' },
            { key: 'approved', label: 'Approved', kind: 'integer' },
            { key: 'rejected', label: 'Rejected', kind: 'integer' },
            { key: 'missing', label: 'Missing', kind: 'integer' },
          ],
          rows,
        },
      ],
    };
  },
});
