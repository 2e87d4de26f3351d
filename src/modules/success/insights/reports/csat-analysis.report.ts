import { sql } from 'drizzle-orm';
import { selectRows } from '../../../../platform/db/rows.js';
import {
  checkReportPeriod,
  periodLabel,
  ReportPeriodParameters,
  resolveReportPeriod,
} from '../../../../platform/reports/period.js';
import { keysetRows } from '../../../../platform/reports/rows.js';
import { defineReportType, type ReportRow } from '../../../../platform/reports/types.js';
import {
  addDays,
  averageOf,
  localStart,
  rowsInScope,
  SURVEY_MEASURES,
  surveyFigures,
  USER_NAME,
  type InsightContext,
  type SurveyCounts,
} from '../insight-context.js';
import { isoText } from '../lists.queries.js';
import { csatByMonth } from '../trends.queries.js';
import { MAX_REPORT_DAYS, onTx, reportInsight } from './report-kit.js';

/** A response is low at CSAT ≤ 2 or NPS ≤ 6: the thresholds of the low-CSAT alert (DESIGN §6). */
const LOW = sql`((r.survey_type <> 'nps' and r.score <= 2) or (r.survey_type = 'nps' and r.score <= 6))`;

export type LowRow = ReportRow & { id: string; submitted_at: string };

/** Responses submitted in the period (tenant days), up to the report's "now", in the scope. */
const inPeriod = (insight: InsightContext, period: { from: string; to: string }) =>
  sql`${rowsInScope(insight, 'r')} and r.submitted_at >= ${localStart(insight, period.from)}
    and r.submitted_at < ${localStart(insight, addDays(period.to, 1))}
    and r.submitted_at <= ${insight.now.toISOString()}::timestamptz`;

export function lowPage(
  insight: InsightContext,
  period: { from: string; to: string },
  after: LowRow | null,
  limit: number,
) {
  return selectRows<LowRow>(
    insight.tx,
    sql`select r.id, ${isoText('r.submitted_at', true)} as submitted_at, c.code, c.name as customer,
        ${USER_NAME} as account_manager, r.survey_type, r.score::int as score, r.feedback_text as feedback,
        coalesce(r.submitted_by_name, r.submitted_by_email) as submitted_by, r.ticket_reference
      from csat_responses r
      join customers c on c.tenant_id = r.tenant_id and c.id = r.customer_id
      left join users u on u.tenant_id = c.tenant_id and u.id = c.owner_id
      where ${inPeriod(insight, period)} and ${LOW}${
        after
          ? sql` and (r.submitted_at, r.id) < (${after.submitted_at}::timestamptz, ${after.id}::uuid)`
          : sql``
      }
      order by r.submitted_at desc, r.id desc limit ${limit}`,
  );
}

export const csatAnalysisReport = defineReportType({
  key: 'success.csat_analysis',
  title: 'CSAT and NPS analysis',
  description:
    'Per month: responses, CSAT average and NPS; figures per survey type; every low response (CSAT ≤ 2, NPS ≤ 6) of the period',
  permission: 'csat:read',
  parameters: ReportPeriodParameters,
  checkParameters: (params) => checkReportPeriod(params, MAX_REPORT_DAYS),
  async query(ctx, params) {
    const period = resolveReportPeriod(params, ctx.now, ctx.timeZone, MAX_REPORT_DAYS);
    const insight = await reportInsight(ctx);
    const months = await csatByMonth(insight, period.from, period.to);
    const byType = await selectRows<
      SurveyCounts & { survey_type: string; responses: number; score_sum: number }
    >(
      insight.tx,
      sql`select r.survey_type, count(*)::int as responses, sum(r.score)::int as score_sum, ${SURVEY_MEASURES}
        from csat_responses r where ${inPeriod(insight, period)}
        group by r.survey_type order by r.survey_type`,
    );
    const [low] = await selectRows<{ n: number }>(
      insight.tx,
      sql`select count(*)::int as n from csat_responses r where ${inPeriod(insight, period)} and ${LOW}`,
    );
    const lowRows = keysetRows<LowRow>(ctx, low?.n ?? 0, (tx, after, limit) =>
      lowPage(onTx(insight, tx), period, after, limit),
    );
    return {
      period: periodLabel(period),
      sections: [
        {
          key: 'csat_by_month',
          title: 'CSAT by month',
          columns: [
            { key: 'period', label: 'Month', kind: 'date' },
            { key: 'responses', label: 'Responses', kind: 'integer' },
            { key: 'csat_responses', label: 'CSAT responses', kind: 'integer' },
            { key: 'average_csat', label: 'Average CSAT', kind: 'number' },
          ],
          rows: months,
          chart: { kind: 'line', title: 'Average CSAT (1–5)', category: 'period', series: ['average_csat'] },
        },
        {
          key: 'nps_by_month',
          title: 'NPS by month',
          columns: [
            { key: 'period', label: 'Month', kind: 'date' },
            { key: 'nps_responses', label: 'NPS responses', kind: 'integer' },
            { key: 'promoters', label: 'Promoters', kind: 'integer' },
            { key: 'passives', label: 'Passives', kind: 'integer' },
            { key: 'detractors', label: 'Detractors', kind: 'integer' },
            { key: 'nps', label: 'NPS', kind: 'integer' },
          ],
          rows: months,
          chart: { kind: 'bar', title: 'NPS', category: 'period', series: ['nps'] },
        },
        {
          key: 'by_type',
          title: 'By survey type',
          columns: [
            { key: 'survey_type', label: 'Survey type', kind: 'text' },
            { key: 'responses', label: 'Responses', kind: 'integer' },
            { key: 'average_score', label: 'Average score', kind: 'number' },
            { key: 'nps', label: 'NPS', kind: 'integer' },
          ],
          rows: byType.map((row) => ({
            survey_type: row.survey_type,
            responses: row.responses,
            average_score: averageOf(row.score_sum, row.responses),
            nps: surveyFigures(row).nps,
          })),
          chart: {
            kind: 'pie',
            title: 'Responses by survey type',
            category: 'survey_type',
            series: ['responses'],
          },
        },
        {
          key: 'low_responses',
          title: 'Low responses (CSAT ≤ 2, NPS ≤ 6)',
          columns: [
            { key: 'submitted_at', label: 'Submitted', kind: 'datetime' },
            { key: 'code', label: 'Code', kind: 'text' },
            { key: 'customer', label: 'Customer', kind: 'text', width: 2 },
            { key: 'account_manager', label: 'Account manager', kind: 'text', width: 1.5 },
            { key: 'survey_type', label: 'Survey type', kind: 'text' },
            { key: 'score', label: 'Score', kind: 'integer' },
            { key: 'feedback', label: 'Feedback', kind: 'text', width: 3 },
            { key: 'submitted_by', label: 'Submitted by', kind: 'text', width: 1.5 },
            { key: 'ticket_reference', label: 'Ticket', kind: 'text' },
          ],
          rows: lowRows,
        },
      ],
    };
  },
});
