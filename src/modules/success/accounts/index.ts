import type { SuccessPart } from '../part.js';
import { deploymentRoutes } from './deployments.routes.js';
import { createDeploymentsService } from './deployments.service.js';
import { escalationCheck } from './escalation.js';
import { createInteractionReports } from './interaction-reports.js';
import { interactionRoutes } from './interactions.routes.js';
import { createInteractionsService } from './interactions.service.js';
import { timelineRoutes } from './timeline.routes.js';
import { createTimelineService } from './timeline.service.js';

/**
 * The success module's accounts area: product deployments and their licences, customer
 * interactions with follow-ups and escalation alerts, and the customer timeline and health history.
 */
export const accountsPart: SuccessPart = {
  routes(app, platform) {
    const db = { db: platform.db };
    deploymentRoutes(app, createDeploymentsService(db));
    interactionRoutes(
      app,
      createInteractionsService({ ...db, mailer: platform.mailer, realtime: platform.realtime }),
      createInteractionReports(db),
    );
    timelineRoutes(app, createTimelineService(db));
  },
  alertChecks: [escalationCheck],
};
