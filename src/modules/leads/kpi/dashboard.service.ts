import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { scopePredicate, tenantReadOf, type CallContext } from '../../../platform/resource/index.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { conversions } from '../tables/conversions.tables.js';
import { leads } from '../tables/leads.tables.js';
import { firstConversion, kpiRecomputation, localWindow } from './kpi-compute.js';
import { checkRange } from './kpi-days.js';
import { conversionRate, kpiSums, measuresOf, type KpiSums } from './kpi-read.js';
import type { DashboardQuery, LeadsDashboard } from './kpi.schemas.js';
import { storedKpis } from './kpi.service.js';

/** How many agents each ranking lists. */
const RANKING_SIZE = 10;

interface BreakdownRow {
  dim: 'campaign' | 'source';
  id: string | null;
  leads_captured: number;
  leads_converted: number;
  revenue: string;
}

/**
 * The leads dashboard of a range, in the caller's data scope (by the leads' and conversions'
 * agent). Totals and rankings come from the daily agent KPIs — recomputed from the raw rows in the
 * same statement when a campaign or source filter asks for what the KPI tables do not keep; the
 * funnel, the campaign/source breakdown and the median time to convert from the raw rows.
 */
export function createDashboardService(deps: { db: TenantDatabase }) {
  const tenantRead = tenantReadOf(deps);

  return {
    dashboard(ctx: CallContext, query: DashboardQuery): Promise<LeadsDashboard> {
      checkRange(query, '/query');
      const t = ctx.tenantId;
      return tenantRead(ctx, async (tx) => {
        const timeZone = (await tenantSettingsOf(tx, t)).time_zone;
        const window = { tenantId: t, timeZone, from: query.from, to: query.to };
        const filters = { campaignId: query.campaign, sourceId: query.source };
        const source =
          query.campaign || query.source
            ? kpiRecomputation('agent', window, filters)
            : storedKpis('agent', t, query.from, query.to);
        const agentRows = await selectRows<KpiSums>(
          tx,
          kpiSums(source, null, [
            scopePredicate(ctx.principal, sql`k.key`),
            query.agent ? sql`k.key = ${query.agent}` : undefined,
          ]),
        );

        // Leads and conversions of the range that pass the filters and the caller's scope.
        const rawFilter = (alias: string): SQL => {
          const a = sql.raw(alias);
          return sql.join(
            [
              sql`${a}.tenant_id = ${t}`,
              query.campaign ? sql`${a}.campaign_id = ${query.campaign}` : undefined,
              query.source ? sql`${a}.source_id = ${query.source}` : undefined,
              query.agent ? sql`${a}.agent_id = ${query.agent}` : undefined,
              scopePredicate(ctx.principal, sql`${a}.agent_id`),
            ].filter((c): c is SQL => c !== undefined),
            sql` and `,
          );
        };
        const capturedLeads = sql`select l.status, l.campaign_id, l.source_id from ${leads} l
          where ${rawFilter('l')} and l.merged_at is null and ${localWindow(window, sql`l.captured_at`)}`;
        const rangeConversions = sql`select c.campaign_id, c.source_id, c.amount,
            ${firstConversion('c')} as is_first,
            extract(epoch from c.converted_at - c.lead_captured_at)::numeric as seconds
          from ${conversions} c where ${rawFilter('c')} and ${localWindow(window, sql`c.converted_at`)}`;

        const funnel = await selectRows<{
          status: LeadsDashboard['funnel'][number]['status'];
          leads: number;
        }>(
          tx,
          sql`select status, count(*)::int as leads from (${capturedLeads}) l group by status order by status`,
        );
        const breakdown = await selectRows<BreakdownRow>(
          tx,
          sql`select case when grouping(campaign_id) = 0 then 'campaign' else 'source' end as dim,
              coalesce(campaign_id, source_id) as id,
              sum(captured)::int as leads_captured, sum(converted)::int as leads_converted,
              sum(amount)::numeric(18,2)::text as revenue
            from (select campaign_id, source_id, 1 as captured, 0 as converted, 0::numeric as amount
                from (${capturedLeads}) l
              union all select campaign_id, source_id, 0, case when is_first then 1 else 0 end, amount
                from (${rangeConversions}) c) raw
            group by grouping sets ((campaign_id), (source_id))
            order by dim, sum(amount) desc, id`,
        );
        const [times] = await selectRows<{
          conversions: number;
          average: string | null;
          median: number | null;
        }>(
          tx,
          sql`select count(*)::int as conversions, avg(seconds)::text as average,
              percentile_cont(0.5) within group (order by seconds) as median
            from (${rangeConversions}) c where is_first`,
        );

        const agents = agentRows.filter((r) => r.is_total !== 1);
        const rank = (score: (r: KpiSums) => number) =>
          [...agents]
            .sort((a, b) => score(b) - score(a) || a.key!.localeCompare(b.key!))
            .slice(0, RANKING_SIZE)
            .map((r) => ({
              agent_id: r.key!,
              revenue: r.revenue,
              leads_converted: r.leads_converted,
              leads_captured: r.leads_captured,
            }));
        const breakdownOf = (dim: BreakdownRow['dim'], key: 'campaign_id' | 'source_id') =>
          breakdown
            .filter((r) => r.dim === dim)
            .map((r) => ({
              [key]: r.id,
              leads_captured: r.leads_captured,
              leads_converted: r.leads_converted,
              conversion_rate: conversionRate(r.leads_converted, r.leads_captured),
              revenue: r.revenue,
            }));
        const round = (v: string | number | null) => (v === null ? null : Math.round(Number(v)));
        return {
          from: query.from,
          to: query.to,
          totals: measuresOf(agentRows.find((r) => r.is_total === 1)!),
          top_agents_by_revenue: rank((r) => Number(r.revenue)),
          top_agents_by_conversions: rank((r) => r.leads_converted),
          funnel,
          by_campaign: breakdownOf('campaign', 'campaign_id') as LeadsDashboard['by_campaign'],
          by_source: breakdownOf('source', 'source_id') as LeadsDashboard['by_source'],
          time_to_convert: {
            conversions: times?.conversions ?? 0,
            average_seconds: round(times?.average ?? null),
            median_seconds: round(times?.median ?? null),
          },
        };
      });
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
