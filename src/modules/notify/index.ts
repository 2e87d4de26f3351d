import type { SalesOpsModule, ScheduledJob } from '../../platform/module.js';
import { alertRoutes } from './alerts/alerts.routes.js';
import { createAlertsService } from './alerts/alerts.service.js';
import { createAlertStatsService } from './alerts/alerts.stats.js';
import { createAlertChecks, NOTIFY_SCHEDULED_JOBS, registerAlertJobs } from './alerts/checks.js';
import { emailDigestJob, sendDigests } from './notifications/digest.js';
import { notificationRoutes } from './notifications/notifications.routes.js';
import { createNotificationsService } from './notifications/notifications.service.js';
import { NOTIFY_PERMISSIONS, NOTIFY_REALTIME_TOPICS } from './permissions.js';
import { schedulerRoutes } from './scheduler/scheduler.routes.js';

const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  ...NOTIFY_SCHEDULED_JOBS,
  {
    name: emailDigestJob.name,
    displayName: 'Mail daily alert digests',
    cron: '0 * * * *',
    job: emailDigestJob,
  },
];

/**
 * Notify: alerts (raised by hand or by the checks modules register), per-user notifications
 * (inbox, real-time events, e-mail now or in a daily digest) and the scheduler's administration.
 */
export const notifyModule: SalesOpsModule = {
  name: 'notify',
  permissions: NOTIFY_PERMISSIONS,
  realtimeTopics: NOTIFY_REALTIME_TOPICS,
  scheduledJobs: SCHEDULED_JOBS,
  routes(app, platform) {
    const deps = { db: platform.db, mailer: platform.mailer, realtime: platform.realtime };
    alertRoutes(app, createAlertsService(deps), createAlertStatsService(deps), platform);
    notificationRoutes(app, createNotificationsService(deps));
    schedulerRoutes(app, platform.scheduler);
    return Promise.resolve();
  },
  registerJobs(platform) {
    registerAlertJobs(platform, createAlertChecks(platform));
    platform.jobs.register(emailDigestJob, async () => void (await sendDigests(platform)), {
      retryLimit: 1,
      expireInSeconds: 30 * 60,
      policy: 'singleton',
    });
  },
};

export { createAlertChecks, localDate } from './alerts/checks.js';
export { raiseCheckAlert, raiseCheckAlerts } from './alerts/raise.js';
export { sendDigests } from './notifications/digest.js';
/** The run of a job as the scheduler records it: routes that queue a tracked job answer with it. */
export { JobRun } from './scheduler/scheduler.schemas.js';
