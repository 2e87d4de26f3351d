import type { CommercePart } from '../part.js';
import { syncJobFailedCheck } from './alerts.js';
import { registerSyncJobs, resumeOnStart, SYNC_SCHEDULED_JOBS, syncRunnerOf } from './jobs.js';
import { syncRoutes } from './sync.routes.js';
import { createSyncService } from './sync.service.js';

/**
 * The sync engine: resumable sync jobs applying ERP records through external references, the
 * every-minute schedule, webhook processing, `/admin/sync/*` and `/admin/health`.
 */
export const syncPart: CommercePart = {
  routes(app, platform) {
    syncRoutes(
      app,
      createSyncService({ db: platform.db, jobs: platform.jobs, runner: syncRunnerOf(platform) }),
    );
  },
  registerJobs: registerSyncJobs,
  scheduledJobs: SYNC_SCHEDULED_JOBS,
  alertChecks: [syncJobFailedCheck],
  onStart: resumeOnStart,
  // A run interrupted at shutdown stays `running` at its saved cursor; the next start (or the
  // schedule, once its heartbeat is stale) resumes it.
  beforeStop: async (platform) => syncRunnerOf(platform).interruptAll(),
};

export { runSyncDue, resumeStaleJobs, syncRunnerOf } from './jobs.js';
export { syncDueJob, syncRunJob, webhookJob } from './job-kinds.js';
export { processWebhookReceipt } from './webhooks.js';
export { applyRecords } from './apply/index.js';
