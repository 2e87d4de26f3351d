import { Type, type Static } from 'typebox';
import { IsoDate, Money, Uuid } from '../../../platform/http/schemas.js';
import { LEAD_STATUSES } from '../tables/leads.tables.js';
import { Nullable } from '../schemas.js';

const range = {
  from: { ...IsoDate, description: 'First day (tenant calendar), included' },
  to: { ...IsoDate, description: 'Last day (tenant calendar), included; at most 400 days after `from`' },
};
const GroupBy = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
  default: 'day',
  description: 'Rows per day, per week (starting Monday) or per month; `period` is its first day',
});

export const AgentKpiQuery = Type.Object({
  ...range,
  group_by: GroupBy,
  agent: Type.Optional(Uuid),
  org_unit: Type.Optional({ ...Uuid, description: 'Agents in this org unit’s subtree or its teams' }),
  team: Type.Optional({ ...Uuid, description: 'Current members of this team' }),
});
export type AgentKpiQuery = Static<typeof AgentKpiQuery>;

export const OutletKpiQuery = Type.Object({
  ...range,
  group_by: GroupBy,
  outlet: Type.Optional(Uuid),
  org_unit: Type.Optional({ ...Uuid, description: 'Outlets of this org unit’s subtree' }),
});
export type OutletKpiQuery = Static<typeof OutletKpiQuery>;

/** The measures of a KPI row or total; rate and average come from the sums, never from averages. */
const measures = {
  leads_captured: Type.Integer(),
  leads_converted: Type.Integer(),
  conversion_rate: Type.Number({ description: 'converted ÷ max(captured, 1) × 100, two decimals' }),
  revenue: Money,
  cost: Money,
  bonus: Money,
  net_profit: Money,
  avg_time_to_convert_seconds: Nullable(
    Type.Number({ description: 'Σ seconds ÷ count of first conversions; null without any' }),
  ),
};
export const KpiTotals = Type.Object(measures);
export type KpiTotals = Static<typeof KpiTotals>;

const kpiReport = (key: 'agent_id' | 'outlet_id') =>
  Type.Object({
    from: IsoDate,
    to: IsoDate,
    group_by: Type.String(),
    rows: Type.Array(Type.Object({ period: IsoDate, [key]: Uuid, ...measures })),
    totals: KpiTotals,
  });
export const AgentKpiReport = kpiReport('agent_id');
export const OutletKpiReport = kpiReport('outlet_id');

export const KpiRebuildBody = Type.Object({ ...range });
export type KpiRebuildBody = Static<typeof KpiRebuildBody>;

export const DashboardQuery = Type.Object({
  ...range,
  campaign: Type.Optional(Uuid),
  source: Type.Optional(Uuid),
  agent: Type.Optional(Uuid),
});
export type DashboardQuery = Static<typeof DashboardQuery>;

const AgentRank = Type.Object({
  agent_id: Uuid,
  revenue: Money,
  leads_converted: Type.Integer(),
  leads_captured: Type.Integer(),
});
const Breakdown = (key: 'campaign_id' | 'source_id') =>
  Type.Object({
    [key]: Nullable(Uuid),
    leads_captured: Type.Integer(),
    leads_converted: Type.Integer(),
    conversion_rate: Type.Number(),
    revenue: { ...Money, description: 'Σ amount of the conversions in the range' },
  });

export const LeadsDashboard = Type.Object({
  from: IsoDate,
  to: IsoDate,
  totals: KpiTotals,
  top_agents_by_revenue: Type.Array(AgentRank),
  top_agents_by_conversions: Type.Array(AgentRank),
  funnel: Type.Array(
    Type.Object({
      status: Type.Union(LEAD_STATUSES.map((s) => Type.Literal(s))),
      leads: Type.Integer(),
    }),
    { description: 'Leads captured in the range (not merged) by their current status' },
  ),
  by_campaign: Type.Array(Breakdown('campaign_id')),
  by_source: Type.Array(Breakdown('source_id')),
  time_to_convert: Type.Object({
    conversions: Type.Integer({ description: 'First conversions in the range' }),
    average_seconds: Nullable(Type.Number()),
    median_seconds: Nullable(Type.Number()),
  }),
});
export type LeadsDashboard = Static<typeof LeadsDashboard>;
