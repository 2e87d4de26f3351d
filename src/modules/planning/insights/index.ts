import type { PlanningPart } from '../part.js';
import { accuracyRoutes } from './accuracy.routes.js';
import { PLANNING_ALERT_CHECKS } from './checks.js';
import { PLANNING_REPORT_TYPES } from './reports/index.js';

/** Forecast accuracy (`GET /sop/accuracy`), the planning report types and alert checks. */
export const insightsPart: PlanningPart = {
  routes(app, platform) {
    accuracyRoutes(app, platform.db);
  },
  alertChecks: PLANNING_ALERT_CHECKS,
  reportTypes: PLANNING_REPORT_TYPES,
};
