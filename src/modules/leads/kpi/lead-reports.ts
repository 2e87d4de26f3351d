import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import {
  checkReportPeriod,
  periodLabel,
  ReportPeriodParameters,
  resolveReportPeriod,
} from '../../../platform/reports/period.js';
import type { ReportQueryContext, ReportRow } from '../../../platform/reports/types.js';
import { defineReportType } from '../../../platform/reports/types.js';
import { scopePredicate } from '../../identity/index.js';
import { dayAfter, startOfLocalDay } from '../clock.js';
import { LEAD_STATUSES } from '../tables/leads.tables.js';
import { MAX_KPI_RANGE_DAYS } from './kpi-days.js';

/**
 * The lead funnel and campaign ROI reports. A period is `from` 00:00 to the end of `to` in the
 * tenant's time zone; every statement is limited to the tenant, the period and the caller's data
 * scope on the row's agent, so a report never holds a row its reader could not list.
 */

const LeadReportParameters = ReportPeriodParameters;
type LeadReportParameters = ReportPeriodParameters;

/** The period as instants, refused (422 at the parameter) when reversed or longer than 400 days. */
function periodOf(ctx: ReportQueryContext, params: LeadReportParameters) {
  const { from, to } = resolveReportPeriod(params, ctx.now, ctx.timeZone, MAX_KPI_RANGE_DAYS);
  const start = startOfLocalDay(from, ctx.timeZone).toISOString();
  const end = startOfLocalDay(dayAfter(to), ctx.timeZone).toISOString();
  return {
    label: periodLabel({ from, to }),
    /** `column` in the period, and the row's agent (`agent`) in the caller's scope. */
    where: (alias: string, column: string): SQL =>
      sql.join(
        [
          sql`${sql.raw(alias)}.tenant_id = ${ctx.tenantId}`,
          sql`${sql.raw(`${alias}.${column}`)} >= ${start}::timestamptz`,
          sql`${sql.raw(`${alias}.${column}`)} < ${end}::timestamptz`,
          scopePredicate(ctx.principal, sql.raw(`${alias}.agent_id`)),
        ].filter((p): p is SQL => p !== undefined),
        sql` and `,
      ),
  };
}

/** converted ÷ max(captured, 1) × 100, two decimals (as the KPIs). */
const conversionRate = (converted: number, captured: number) =>
  Math.round((converted / Math.max(captured, 1)) * 10_000) / 100;

type FunnelRow = Record<(typeof LEAD_STATUSES)[number], number> & { captured: number };

const statusCounts = sql.join(
  LEAD_STATUSES.map((s) => sql`count(*) filter (where l.status = ${s})::int as ${sql.identifier(s)}`),
  sql`, `,
);

const FUNNEL_COLUMNS = [
  { key: 'captured', label: 'Captured', kind: 'integer' },
  ...LEAD_STATUSES.map((s) => ({
    key: s,
    label: s[0]!.toUpperCase() + s.slice(1),
    kind: 'integer' as const,
  })),
  { key: 'conversion_rate', label: 'Conversion %', kind: 'percent' },
] as const;

const withRate = (row: FunnelRow): ReportRow =>
  ({ ...row, conversion_rate: conversionRate(row.converted, row.captured) }) as unknown as ReportRow;

export const leadFunnelReport = defineReportType({
  key: 'leads.lead_funnel',
  title: 'Lead funnel',
  description:
    'Leads captured in a period (not merged) by current status, per campaign and per source, with the conversion rate',
  permission: 'leads:read',
  parameters: LeadReportParameters,
  checkParameters: (params) => checkReportPeriod(params, MAX_KPI_RANGE_DAYS),
  async query(ctx, params) {
    const period = periodOf(ctx, params);
    const where = sql`${period.where('l', 'captured_at')} and l.merged_at is null`;
    const grouped = (table: 'campaigns' | 'attribution_sources', column: string) =>
      selectRows<FunnelRow & { name: string; code: string | null }>(
        ctx.tx,
        sql`select coalesce(g.name, '(none)') as name, g.code, count(*)::int as captured, ${statusCounts}
          from leads l left join ${sql.raw(table)} g on g.tenant_id = l.tenant_id and g.id = l.${sql.raw(column)}
          where ${where} group by g.id, g.name, g.code order by g.code nulls last, g.id`,
      );
    const byCampaign = await grouped('campaigns', 'campaign_id');
    const bySource = await grouped('attribution_sources', 'source_id');
    const [totals] = await selectRows<FunnelRow>(
      ctx.tx,
      sql`select count(*)::int as captured, ${statusCounts} from leads l where ${where}`,
    );
    const byStatus = LEAD_STATUSES.map((status) => ({ status, leads: totals?.[status] ?? 0 }));
    const named = (label: string) => [
      { key: 'code', label: 'Code', kind: 'text' as const },
      { key: 'name', label, kind: 'text' as const, width: 2 },
      ...FUNNEL_COLUMNS,
    ];
    return {
      period: period.label,
      sections: [
        {
          key: 'by_status',
          title: 'Leads by status',
          columns: [
            { key: 'status', label: 'Status', kind: 'text' },
            { key: 'leads', label: 'Leads', kind: 'integer' },
          ],
          rows: byStatus,
          chart: { kind: 'pie', title: 'Leads by status', category: 'status', series: ['leads'] },
        },
        {
          key: 'by_campaign',
          title: 'By campaign',
          columns: named('Campaign'),
          rows: byCampaign.map(withRate),
          chart: {
            kind: 'bar',
            title: 'Captured and converted',
            category: 'name',
            series: ['captured', 'converted'],
          },
        },
        { key: 'by_source', title: 'By source', columns: named('Source'), rows: bySource.map(withRate) },
      ],
    };
  },
});

const money = (expression: string) => sql.raw(`coalesce(${expression}, 0)::numeric(18,2)::text`);

export const campaignRoiReport = defineReportType({
  key: 'leads.campaign_roi',
  title: 'Campaign ROI',
  description:
    'Per campaign: leads, conversions, revenue, cost and bonus from the ledger in a period, net profit, spend against budget, ROI',
  permission: 'kpi:read',
  parameters: LeadReportParameters,
  checkParameters: (params) => checkReportPeriod(params, MAX_KPI_RANGE_DAYS),
  async query(ctx, params) {
    const period = periodOf(ctx, params);
    const rows = await selectRows<ReportRow>(
      ctx.tx,
      sql`with lc as (
          select l.campaign_id, count(*)::int as n from leads l
          where ${period.where('l', 'captured_at')} and l.merged_at is null and l.campaign_id is not null
          group by l.campaign_id),
        cc as (
          select v.campaign_id, count(*)::int as n from conversions v
          where ${period.where('v', 'converted_at')} and v.campaign_id is not null group by v.campaign_id),
        ec as (
          select e.campaign_id,
            sum(e.amount) filter (where e.component = 'revenue') as revenue,
            sum(e.amount) filter (where e.component = 'cost') as cost,
            sum(e.amount) filter (where e.component = 'bonus') as bonus
          from ledger_entries e
          where ${period.where('e', 'occurred_at')} and e.campaign_id is not null group by e.campaign_id),
        m as (
          select c.id, c.code, c.name, c.currency, c.budget, c.spend,
            coalesce(lc.n, 0) as leads, coalesce(cc.n, 0) as conversions,
            coalesce(ec.revenue, 0) as revenue, coalesce(ec.cost, 0) as cost, coalesce(ec.bonus, 0) as bonus
          from campaigns c
          left join lc on lc.campaign_id = c.id
          left join cc on cc.campaign_id = c.id
          left join ec on ec.campaign_id = c.id
          where c.tenant_id = ${ctx.tenantId}
            and (lc.campaign_id is not null or cc.campaign_id is not null or ec.campaign_id is not null))
        select code, name, currency, leads, conversions,
          ${money('revenue')} as revenue, ${money('cost')} as cost, ${money('bonus')} as bonus,
          ${money('revenue - cost - bonus')} as net_profit,
          case when cost + bonus > 0 then round((revenue - cost - bonus) / (cost + bonus) * 100, 2)::float8 end as roi,
          budget::text as budget, spend::text as spend,
          case when budget > 0 then round(spend / budget * 100, 2)::float8 end as spend_percent
        from m order by code, id`,
    );
    return {
      period: period.label,
      sections: [
        {
          key: 'campaigns',
          title: 'Campaigns',
          columns: [
            { key: 'code', label: 'Code', kind: 'text' },
            { key: 'name', label: 'Campaign', kind: 'text', width: 2 },
            { key: 'currency', label: 'Currency', kind: 'text' },
            { key: 'leads', label: 'Leads', kind: 'integer' },
            { key: 'conversions', label: 'Conversions', kind: 'integer' },
            { key: 'revenue', label: 'Revenue', kind: 'money' },
            { key: 'cost', label: 'Cost', kind: 'money' },
            { key: 'bonus', label: 'Bonus', kind: 'money' },
            { key: 'net_profit', label: 'Net profit', kind: 'money' },
            { key: 'roi', label: 'ROI %', kind: 'percent' },
            { key: 'budget', label: 'Budget', kind: 'money' },
            { key: 'spend', label: 'Spend', kind: 'money' },
            { key: 'spend_percent', label: 'Spend % of budget', kind: 'percent' },
          ],
          rows,
          chart: {
            kind: 'bar',
            title: 'Revenue, cost and bonus',
            category: 'code',
            series: ['revenue', 'cost', 'bonus'],
          },
        },
      ],
    };
  },
});
