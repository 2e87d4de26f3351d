import type { SalesOpsModule } from '../../platform/module.js';
import { bonusRoutes } from './bonus/bonus.routes.js';
import { bonusPayoutStatementReport } from './bonus/payout-data.js';
import { createPayoutExportService } from './bonus/payout-export.service.js';
import { createRuleSetsService } from './bonus/rule-sets.service.js';
import { createRunApprovalService } from './bonus/run-approval.service.js';
import { registerBonusJobs } from './bonus/run-job.js';
import { createRunsService } from './bonus/runs.service.js';
import { conversionRoutes } from './conversions/conversions.routes.js';
import { createConversionsService } from './conversions/conversions.service.js';
import { externalSalesImporter } from './conversions/external-sales.importer.js';
import { createExternalSalesService } from './conversions/external-sales.service.js';
import { ledgerRoutes } from './ledger/ledger.routes.js';
import { createLedgerService } from './ledger/ledger.service.js';
import { campaignRoutes } from './campaigns/campaigns.routes.js';
import { createCampaignsService } from './campaigns/campaigns.service.js';
import { createSourcesService } from './campaigns/sources.service.js';
import { createDashboardService } from './kpi/dashboard.service.js';
import { KPI_SCHEDULED_JOBS, registerKpiJobs } from './kpi/kpi-jobs.js';
import { campaignRoiReport, leadFunnelReport } from './kpi/lead-reports.js';
import { kpiRoutes } from './kpi/kpi.routes.js';
import { createKpiService } from './kpi/kpi.service.js';
import { createLeadActionsService } from './leads/lead-actions.service.js';
import { LEADS_ALERT_CHECKS } from './leads/alert-checks.js';
import { leadExportRoute } from './leads/lead-export.js';
import { leadsImporter } from './leads/lead-import.js';
import { leadRoutes } from './leads/leads.routes.js';
import { createLeadsService } from './leads/leads.service.js';
import { LEADS_PERMISSIONS } from './permissions.js';
import { seedLeadsDemo } from './seed.js';

/**
 * Leads: campaigns and attribution sources, leads captured on devices (idempotent by client_uuid,
 * phone in E.164, duplicates flagged against a master lead), their status history and interactions;
 * conversions (sales) and the append-only ledger; external sales imported and matched to leads; the
 * bonus engine; the daily lead KPIs with the leads dashboard.
 */
export const leadsModule: SalesOpsModule = {
  name: 'leads',
  permissions: LEADS_PERMISSIONS,
  alertChecks: LEADS_ALERT_CHECKS,
  async routes(app, platform) {
    const deps = { db: platform.db, jobs: platform.jobs };
    campaignRoutes(app, createCampaignsService(deps), createSourcesService(deps));
    leadExportRoute(app, platform.db);
    leadRoutes(app, createLeadsService(deps), createLeadActionsService(deps));
    conversionRoutes(app, createConversionsService(deps), createExternalSalesService(deps));
    ledgerRoutes(app, createLedgerService(deps));
    bonusRoutes(app, {
      sets: createRuleSetsService(deps),
      runs: createRunsService(deps),
      approval: createRunApprovalService(deps),
      exports: createPayoutExportService({ db: platform.db, storage: platform.storage }),
    });
    kpiRoutes(
      app,
      createKpiService({ ...deps, scheduler: platform.scheduler }),
      createDashboardService(deps),
    );
  },
  registerJobs(platform) {
    registerBonusJobs(platform);
    registerKpiJobs(platform);
  },
  scheduledJobs: KPI_SCHEDULED_JOBS,
  importers: [externalSalesImporter, leadsImporter],
  reportTypes: [bonusPayoutStatementReport, leadFunnelReport, campaignRoiReport],
  seedDemo: (platform) => seedLeadsDemo(platform),
};

export { LEADS_PERMISSIONS } from './permissions.js';
export { LeadScaleSeedError, seedLeadsScale, type LeadScaleOptions } from './seed-scale.js';
export {
  leadGoalActuals,
  LEAD_GOAL_METRICS,
  type LeadGoalMetric,
  type LeadGoalPair,
} from './kpi/goal-actuals.js';
