import { defineJob, type JobDefinition } from '../../../platform/jobs/index.js';
import type { Platform, ScheduledJob } from '../../../platform/module.js';
import { createAlertChecks } from '../../notify/index.js';
import { scoreAllCustomers } from './batch.js';
import { contractExpiryCheck, inactivityCheck, licenceExpiryCheck } from './checks.js';
import { runDailyTask, type DailyTask } from './daily.js';

/** One tenant's `POST /health-scores/calculate-all`, reported by its run. */
export const calculateAllJob = defineJob<{ tenantId: string; runId: string }>('success.health-calculate-all');

type Daily = Record<string, never>;
const daily = (name: string) => defineJob<Daily>(name);

/** Runs the named alert checks in one tenant through the alerts service (same raise path and dedup). */
const checksTask =
  (check: string) =>
  (platform: Platform, tenantId: string, now: Date): Promise<unknown> =>
    createAlertChecks(platform).runInTenant(tenantId, now, [check]);

/**
 * The daily tasks at their tenant-local times. Each job ticks every 15 minutes and works for the
 * tenants whose local time has passed the task's and that have not had it today (`daily.ts`).
 */
export const DAILY_TASKS: readonly DailyTask[] = [
  {
    job: daily('success.daily-health-scores'),
    displayName: "Score every customer's health (00:00 in each tenant's time zone)",
    at: '00:00',
    run: (platform, tenantId, now) => scoreAllCustomers(platform, tenantId, now),
  },
  {
    job: daily('success.contract-expiry-check'),
    displayName: "Alert on contracts ending within 90 days (08:00 in each tenant's time zone)",
    at: '08:00',
    run: checksTask(contractExpiryCheck.name),
  },
  {
    job: daily('success.licence-expiry-check'),
    displayName: "Alert on licences expiring within 90 days (08:30 in each tenant's time zone)",
    at: '08:30',
    run: checksTask(licenceExpiryCheck.name),
  },
  {
    job: daily('success.inactivity-check'),
    displayName: "Alert on customers without an interaction for 30 days (09:00 in each tenant's time zone)",
    at: '09:00',
    run: checksTask(inactivityCheck.name),
  },
];

/** Every quarter of an hour: a tenant's task starts at most 15 minutes after its local time. */
export const DAILY_TICK_CRON = '*/15 * * * *';

export const HEALTH_SCHEDULED_JOBS: readonly ScheduledJob[] = DAILY_TASKS.map((task) => ({
  name: task.job.name,
  displayName: task.displayName,
  cron: DAILY_TICK_CRON,
  job: task.job as JobDefinition<Record<string, never>>,
}));

/** Runs a queued calculate-all as its run (the worker's handler; tests call it too). */
export const runCalculateAll = (platform: Platform, data: { tenantId: string; runId: string }) =>
  platform.scheduler.track(data.runId, async () => void (await scoreAllCustomers(platform, data.tenantId)));

export function registerHealthJobs(platform: Platform): void {
  platform.jobs.register(calculateAllJob, async (data) => void (await runCalculateAll(platform, data)), {
    // The run reports the outcome; a failure is not retried (the caller can calculate again).
    retryLimit: 0,
    expireInSeconds: 60 * 60,
  });
  for (const task of DAILY_TASKS)
    platform.jobs.register(
      task.job,
      async (_data, info) =>
        void (await runDailyTask(platform, task, new Date(), { manual: info.trigger === 'manual' })),
      { retryLimit: 2, retryDelaySeconds: 60, expireInSeconds: 60 * 60, policy: 'singleton' },
    );
}
