import type { SalesOpsModule } from '../../platform/module.js';
import { conversionRoutes } from './conversions/conversions.routes.js';
import { createConversionsService } from './conversions/conversions.service.js';
import { externalSalesImporter } from './conversions/external-sales.importer.js';
import { createExternalSalesService } from './conversions/external-sales.service.js';
import { ledgerRoutes } from './ledger/ledger.routes.js';
import { createLedgerService } from './ledger/ledger.service.js';
import { campaignRoutes } from './campaigns/campaigns.routes.js';
import { createCampaignsService } from './campaigns/campaigns.service.js';
import { createSourcesService } from './campaigns/sources.service.js';
import { createLeadActionsService } from './leads/lead-actions.service.js';
import { leadRoutes } from './leads/leads.routes.js';
import { createLeadsService } from './leads/leads.service.js';
import { kpiRefreshJob } from './kpi/kpi-refresh.js';
import { LEADS_PERMISSIONS } from './permissions.js';

/**
 * Leads: campaigns and attribution sources, leads captured on devices (idempotent by client_uuid,
 * phone in E.164, duplicates flagged against a master lead), their status history and interactions;
 * conversions (sales) and the append-only ledger; external sales imported and matched to leads.
 */
export const leadsModule: SalesOpsModule = {
  name: 'leads',
  permissions: LEADS_PERMISSIONS,
  async routes(app, platform) {
    const deps = { db: platform.db };
    campaignRoutes(app, createCampaignsService(deps), createSourcesService(deps));
    leadRoutes(app, createLeadsService(deps), createLeadActionsService(deps));
    const writers = { ...deps, jobs: platform.jobs };
    conversionRoutes(app, createConversionsService(writers), createExternalSalesService(deps));
    ledgerRoutes(app, createLedgerService(writers));
  },
  // Writes queue KPI refreshes in their transaction, so the queue must exist. The daily KPI
  // computation replaces this handler; until it does, a refresh has nothing to recompute.
  registerJobs(platform) {
    platform.jobs.register(kpiRefreshJob, async () => {});
  },
  importers: [externalSalesImporter],
};

export { LEADS_PERMISSIONS } from './permissions.js';
