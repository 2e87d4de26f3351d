import type { SuccessPart } from '../part.js';
import { dashboardRoutes } from './dashboard.routes.js';
import { createDashboardService } from './dashboard.service.js';
import { SUCCESS_REPORT_TYPES } from './reports/index.js';

/**
 * The success module's insights: the customer-success dashboard (`/dashboard/*`) and the success
 * report types the reports module generates and schedules.
 */
export const insightsPart: SuccessPart = {
  routes(app, platform) {
    dashboardRoutes(app, createDashboardService({ db: platform.db }));
  },
  reportTypes: SUCCESS_REPORT_TYPES,
};
