import { Type } from 'typebox';
import {
  checkReportPeriod,
  periodLabel,
  ReportPeriodParameters,
  resolveReportPeriod,
} from '../../../../platform/reports/period.js';
import { keysetRows } from '../../../../platform/reports/rows.js';
import { defineReportType } from '../../../../platform/reports/types.js';
import { healthDistribution, SCORE_BUCKETS } from '../overview.queries.js';
import { healthTrend } from '../trends.queries.js';
import {
  AT_RISK_COLUMNS,
  atRiskCount,
  atRiskPage,
  MAX_REPORT_DAYS,
  onTx,
  reportInsight,
  type AtRiskRow,
} from './report-kit.js';

const HealthSummaryParameters = Type.Object(
  {
    ...ReportPeriodParameters.properties,
    interval: Type.Optional(
      Type.Union([Type.Literal('week'), Type.Literal('month')], {
        description: 'Trend per week (from Monday; the default) or month, in the tenant time zone',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Health summary: the served customers' latest scores in buckets and by risk (as of the day the
 * report runs), the average score per week or month of the period from the score history, and
 * every at-risk customer with its components and what pulls it down.
 */
export const healthSummaryReport = defineReportType({
  key: 'success.health_summary',
  title: 'Customer health summary',
  description:
    'Latest health scores by bucket and risk, the health trend of the period, and the at-risk customers with their weakest components',
  permission: 'health:read',
  parameters: HealthSummaryParameters,
  checkParameters: (params) => checkReportPeriod(params, MAX_REPORT_DAYS),
  async query(ctx, params) {
    const period = resolveReportPeriod(params, ctx.now, ctx.timeZone, MAX_REPORT_DAYS);
    const insight = await reportInsight(ctx);
    const distribution = await healthDistribution(insight);
    const trend = await healthTrend(insight, params.interval ?? 'week', period.from, period.to);
    const atRisk = keysetRows<AtRiskRow>(ctx, await atRiskCount(insight), (tx, after, limit) =>
      atRiskPage(onTx(insight, tx), after, limit),
    );
    return {
      period: periodLabel(period),
      sections: [
        {
          key: 'distribution',
          title: `Latest scores on ${insight.today}`,
          columns: [
            { key: 'bucket', label: 'Score', kind: 'text' },
            { key: 'customers', label: 'Customers', kind: 'integer' },
          ],
          rows: [
            ...SCORE_BUCKETS.map(([from, to], i) => ({
              bucket: `${from}-${to}`,
              customers: distribution.buckets[i]!.customers,
            })),
            { bucket: 'not scored', customers: distribution.unscored },
          ],
          chart: {
            kind: 'bar',
            title: 'Customers by latest score',
            category: 'bucket',
            series: ['customers'],
          },
        },
        {
          key: 'by_risk',
          title: 'By risk level',
          columns: [
            { key: 'risk', label: 'Risk', kind: 'text' },
            { key: 'customers', label: 'Customers', kind: 'integer' },
          ],
          rows: Object.entries(distribution.by_risk).map(([risk, customers]) => ({ risk, customers })),
          chart: { kind: 'pie', title: 'Customers by risk level', category: 'risk', series: ['customers'] },
        },
        {
          key: 'trend',
          title: 'Health trend',
          columns: [
            { key: 'period', label: 'Period', kind: 'date' },
            { key: 'to', label: 'To', kind: 'date' },
            { key: 'customers', label: 'Customers scored', kind: 'integer' },
            { key: 'average', label: 'Average score', kind: 'number' },
            { key: 'low', label: 'Low', kind: 'integer' },
            { key: 'medium', label: 'Medium', kind: 'integer' },
            { key: 'high', label: 'High', kind: 'integer' },
            { key: 'critical', label: 'Critical', kind: 'integer' },
          ],
          rows: trend,
          chart: {
            kind: 'line',
            title: 'Average health score',
            category: 'period',
            series: ['average'],
            limit: 120,
          },
        },
        { key: 'at_risk', title: 'At-risk customers', columns: AT_RISK_COLUMNS, rows: atRisk },
      ],
    };
  },
});
