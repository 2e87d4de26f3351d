import type { SalesOpsModule } from '../../platform/module.js';
import { campaignRoutes } from './campaigns/campaigns.routes.js';
import { createCampaignsService } from './campaigns/campaigns.service.js';
import { createSourcesService } from './campaigns/sources.service.js';
import { createLeadActionsService } from './leads/lead-actions.service.js';
import { LEADS_ALERT_CHECKS } from './leads/alert-checks.js';
import { leadExportRoute } from './leads/lead-export.js';
import { leadRoutes } from './leads/leads.routes.js';
import { createLeadsService } from './leads/leads.service.js';
import { LEADS_PERMISSIONS } from './permissions.js';

/**
 * Leads: campaigns and attribution sources, leads captured on devices (idempotent by client_uuid,
 * phone in E.164, duplicates flagged against a master lead), their status history and interactions.
 */
export const leadsModule: SalesOpsModule = {
  name: 'leads',
  permissions: LEADS_PERMISSIONS,
  alertChecks: LEADS_ALERT_CHECKS,
  async routes(app, platform) {
    const deps = { db: platform.db };
    campaignRoutes(app, createCampaignsService(deps), createSourcesService(deps));
    leadExportRoute(app, platform.db);
    leadRoutes(app, createLeadsService(deps), createLeadActionsService(deps));
  },
};

export { LEADS_PERMISSIONS } from './permissions.js';
