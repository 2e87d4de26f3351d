import { defineJob } from '../../../platform/jobs/index.js';

/** Runs (or resumes) one sync job. */
export const syncRunJob = defineJob<{ tenantId: string; jobId: string; takeOverBefore?: string }>(
  'commerce.sync',
);
/** Processes one stored webhook delivery (the receiver queues it). */
export const webhookJob = defineJob<{ tenantId: string; receiptId: string }>('commerce.webhook');
/** Every minute: incremental jobs for integrations due, and runs that lost their process. */
export const syncDueJob = defineJob<Record<string, never>>('commerce.sync-due');
