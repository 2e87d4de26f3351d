import type { FastifyInstance } from 'fastify';
import { resourceAction } from '../../../platform/resource/index.js';
import { JobRun } from '../../notify/index.js';
import type { DashboardService } from './dashboard.service.js';
import {
  AgentKpiQuery,
  AgentKpiReport,
  DashboardQuery,
  KpiRebuildBody,
  LeadsDashboard,
  OutletKpiQuery,
  OutletKpiReport,
} from './kpi.schemas.js';
import type { KpiService } from './kpi.service.js';

const tag = 'kpi';
const RANGE_RULE = 'The range is tenant calendar days, both included, at most 400 days (422 otherwise).';

export function kpiRoutes(app: FastifyInstance, kpi: KpiService, dashboard: DashboardService): void {
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/kpi/agents',
      summary: 'Daily lead KPIs per agent in the data scope, by day, week or month, with totals',
      description: `${RANGE_RULE} Conversion rate and average time to convert are computed from the sums of each group.`,
      permission: 'kpi:read',
      query: AgentKpiQuery,
      response: AgentKpiReport,
    },
    (ctx, _id, _body, query: AgentKpiQuery) => kpi.agents(ctx, query),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/kpi/outlets',
      summary: 'Daily lead KPIs per outlet, by day, week or month, with totals',
      description: `${RANGE_RULE} Needs a tenant data scope (every outlet) or an org-unit scope (the outlets of its subtree); narrower scopes are 403 \`KPI_SCOPE_TOO_NARROW\`.`,
      permission: 'kpi:read',
      query: OutletKpiQuery,
      response: OutletKpiReport,
    },
    (ctx, _id, _body, query: OutletKpiQuery) => kpi.outlets(ctx, query),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/kpi/rebuild',
      summary: 'Recompute this tenant’s daily lead KPIs of a range, as a job; answers with the queued run',
      description: RANGE_RULE,
      permission: 'kpi:rebuild',
      body: KpiRebuildBody,
      response: JobRun,
      status: 202,
    },
    (ctx, _id, body: KpiRebuildBody) => kpi.rebuild(ctx, body),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/kpi/rebuild/:id',
      summary: 'A KPI rebuild run: queued, running, succeeded or failed (with the error)',
      permission: 'kpi:rebuild',
      response: JobRun,
    },
    (ctx, id) => kpi.rebuildRun(ctx, id),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/analytics/leads/dashboard',
      summary:
        'Leads dashboard: totals, agent rankings, funnel, campaign and source breakdown, time to convert',
      description: `${RANGE_RULE} Everything is limited to the leads and conversions of agents in the data scope.`,
      permission: 'kpi:read',
      query: DashboardQuery,
      response: LeadsDashboard,
    },
    (ctx, _id, _body, query: DashboardQuery) => dashboard.dashboard(ctx, query),
  );
}
