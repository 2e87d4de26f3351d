import { Type } from 'typebox';
import { defineReportType, type ReportRow } from '../../../../platform/reports/types.js';
import type { SegmentRow } from '../dashboard.schemas.js';
import { RENEWAL_WINDOW_DAYS } from '../insight-context.js';
import { upcomingRenewals } from '../lists.queries.js';
import { DEFAULT_VALUE_BANDS } from '../dashboard.schemas.js';
import { customerSegments, dashboardStats } from '../overview.queries.js';
import { AT_RISK_COLUMNS, atRiskPage, moneyText, reportInsight } from './report-kit.js';

const ExecutiveSummaryParameters = Type.Object(
  {
    renewal_days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 365, description: 'Renewals window in days (default 90)' }),
    ),
    top: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 50,
        description: 'At-risk customers listed, lowest score first (default 10)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The renewals table lists the soonest ones; the headline figures count them all. */
const RENEWALS_LISTED = 100;

const segmentRows = (segments: SegmentRow[]): ReportRow[] =>
  segments.map((s) => ({
    segment: s.key ?? '(none)',
    customers: s.customers,
    average_health: s.average_health,
    contract_value: moneyText(s.contract_value),
  }));

const SEGMENT_COLUMNS = [
  { key: 'segment', label: 'Segment', kind: 'text', width: 2 },
  { key: 'customers', label: 'Customers', kind: 'integer' },
  { key: 'average_health', label: 'Average health', kind: 'number' },
  { key: 'contract_value', label: 'Contract value', kind: 'text', width: 2 },
] as const;

export const executiveSummaryReport = defineReportType({
  key: 'success.executive_summary',
  title: 'Customer success executive summary',
  description:
    'The dashboard’s headline figures, customers by status, industry, risk and contract value, the upcoming renewals and the customers most at risk',
  permission: 'success_dashboard:read',
  parameters: ExecutiveSummaryParameters,
  async query(ctx, params) {
    const insight = await reportInsight(ctx);
    const days = params.renewal_days ?? RENEWAL_WINDOW_DAYS;
    const stats = await dashboardStats(insight);
    const segments = await customerSegments(insight, DEFAULT_VALUE_BANDS);
    const renewals = await upcomingRenewals(insight, { days, limit: RENEWALS_LISTED, offset: 0 });
    const atRisk = await atRiskPage(insight, null, params.top ?? 10);
    const figure = (metric: string, value: string | number | null) => ({
      metric,
      value: value === null ? '' : String(value),
    });
    const headline = [
      figure('Customers', stats.customers.total),
      ...Object.entries(stats.customers.by_status).map(([status, n]) => figure(`Customers ${status}`, n)),
      figure('Average health (served customers)', stats.health.average),
      figure('At-risk customers (risk high or critical)', stats.health.at_risk),
      figure('Open alerts', stats.alerts.open),
      ...Object.entries(stats.alerts.by_severity).map(([severity, n]) =>
        figure(`Open alerts ${severity}`, n),
      ),
      figure(`CSAT average (${stats.csat.days} days)`, stats.csat.average_csat),
      figure(`CSAT responses (${stats.csat.days} days)`, stats.csat.csat_responses),
      figure(`NPS (${stats.csat.days} days)`, stats.csat.nps),
      figure(`NPS responses (${stats.csat.days} days)`, stats.csat.nps_responses),
      figure(`Renewals due (${days} days)`, renewals.total),
      figure(`Renewal value (${days} days)`, moneyText(renewals.contract_value)),
      figure(`Interactions (${stats.interactions.days} days)`, stats.interactions.count),
      figure('Active deployments', stats.deployments.active),
    ];
    return {
      period: `As of ${insight.today}`,
      sections: [
        {
          key: 'headline',
          title: 'Headline figures',
          columns: [
            { key: 'metric', label: 'Figure', kind: 'text', width: 3 },
            { key: 'value', label: 'Value', kind: 'text', width: 2 },
          ],
          rows: headline,
        },
        {
          key: 'by_status',
          title: 'Customers by status',
          columns: SEGMENT_COLUMNS,
          rows: segmentRows(segments.by_status),
          chart: { kind: 'pie', title: 'Customers by status', category: 'segment', series: ['customers'] },
        },
        {
          key: 'by_industry',
          title: 'Customers by industry',
          columns: SEGMENT_COLUMNS,
          rows: segmentRows(segments.by_industry),
          chart: { kind: 'bar', title: 'Customers by industry', category: 'segment', series: ['customers'] },
        },
        {
          key: 'by_risk',
          title: 'Customers by risk',
          columns: SEGMENT_COLUMNS,
          rows: segmentRows(segments.by_risk),
        },
        {
          key: 'by_value_band',
          title: 'Customers by contract value',
          columns: SEGMENT_COLUMNS,
          rows: segmentRows(segments.by_value_band),
        },
        {
          key: 'renewals',
          title: `Upcoming renewals (${days} days; the ${RENEWALS_LISTED} soonest of ${renewals.total})`,
          columns: [
            { key: 'contract_end', label: 'Contract end', kind: 'date' },
            { key: 'days_left', label: 'Days left', kind: 'integer' },
            { key: 'code', label: 'Code', kind: 'text' },
            { key: 'name', label: 'Customer', kind: 'text', width: 2 },
            { key: 'account_manager', label: 'Account manager', kind: 'text', width: 1.5 },
            { key: 'contract_value', label: 'Contract value', kind: 'money' },
            { key: 'currency', label: 'Currency', kind: 'text' },
            { key: 'health_score', label: 'Health', kind: 'integer' },
            { key: 'health_risk', label: 'Risk', kind: 'text' },
          ],
          rows: renewals.renewals.map(({ account_manager, customer_id: _id, ...row }) => ({
            ...row,
            account_manager: account_manager?.name ?? null,
          })),
        },
        { key: 'top_at_risk', title: 'Customers most at risk', columns: AT_RISK_COLUMNS, rows: atRisk },
      ],
    };
  },
});
