import type { CommercePart } from '../part.js';
import { analyticsRoutes } from './analytics.routes.js';
import { COMMERCE_REPORT_TYPES } from './reports.js';

/** Dashboard, sales, inventory, RFM and ABC/XYZ analytics and the commerce report types. */
export const analyticsPart: CommercePart = {
  routes(app, platform) {
    analyticsRoutes(app, platform.db);
  },
  reportTypes: COMMERCE_REPORT_TYPES,
};

export { rebuildSalesDaily, salesDailyDrift } from './sales-daily.js';
