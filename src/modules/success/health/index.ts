import type { SuccessPart } from '../part.js';
import { HEALTH_ALERT_CHECKS } from './checks.js';
import { healthRoutes } from './health.routes.js';
import { createHealthService } from './health.service.js';
import { HEALTH_SCHEDULED_JOBS, registerHealthJobs } from './jobs.js';

/**
 * Health scores (one customer now, or every customer as a job and daily at local midnight), their
 * history, trends, at-risk list and distribution, the tenant's weights; the health-drop, contract,
 * licence and inactivity alerts and the daily jobs that run them in each tenant's time zone.
 */
export const healthPart: SuccessPart = {
  routes(app, platform) {
    healthRoutes(
      app,
      createHealthService({
        db: platform.db,
        jobs: platform.jobs,
        scheduler: platform.scheduler,
        mailer: platform.mailer,
        realtime: platform.realtime,
      }),
    );
  },
  registerJobs: registerHealthJobs,
  scheduledJobs: HEALTH_SCHEDULED_JOBS,
  alertChecks: HEALTH_ALERT_CHECKS,
};
