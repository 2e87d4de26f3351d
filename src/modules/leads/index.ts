import type { SalesOpsModule } from '../../platform/module.js';
import { campaignRoutes } from './campaigns/campaigns.routes.js';
import { createCampaignsService } from './campaigns/campaigns.service.js';
import { createSourcesService } from './campaigns/sources.service.js';
import { createDashboardService } from './kpi/dashboard.service.js';
import { KPI_SCHEDULED_JOBS, registerKpiJobs } from './kpi/kpi-jobs.js';
import { kpiRoutes } from './kpi/kpi.routes.js';
import { createKpiService } from './kpi/kpi.service.js';
import { createLeadActionsService } from './leads/lead-actions.service.js';
import { leadRoutes } from './leads/leads.routes.js';
import { createLeadsService } from './leads/leads.service.js';
import { LEADS_PERMISSIONS } from './permissions.js';

/**
 * Leads: campaigns and attribution sources, leads captured on devices (idempotent by client_uuid,
 * phone in E.164, duplicates flagged against a master lead), their status history and interactions,
 * and the daily lead KPIs with the leads dashboard.
 */
export const leadsModule: SalesOpsModule = {
  name: 'leads',
  permissions: LEADS_PERMISSIONS,
  async routes(app, platform) {
    const deps = { db: platform.db, jobs: platform.jobs };
    campaignRoutes(app, createCampaignsService(deps), createSourcesService(deps));
    leadRoutes(app, createLeadsService(deps), createLeadActionsService(deps));
    kpiRoutes(
      app,
      createKpiService({ ...deps, scheduler: platform.scheduler }),
      createDashboardService(deps),
    );
  },
  registerJobs: registerKpiJobs,
  scheduledJobs: KPI_SCHEDULED_JOBS,
};

export { LEADS_PERMISSIONS } from './permissions.js';
export {
  leadGoalActuals,
  LEAD_GOAL_METRICS,
  type LeadGoalMetric,
  type LeadGoalPair,
} from './kpi/goal-actuals.js';
