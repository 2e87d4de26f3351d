import { defineJob, type JobDefinition } from '../../../platform/jobs/index.js';
import type { Platform, ScheduledJob } from '../../../platform/module.js';
import { MARK_MISSED_JOB, markMissedSlots } from './slots.js';

/** Marks yesterday's (and any older) unvisited planned slots as missed, in every tenant. */
export const markMissedSlotsJob = defineJob<{ today?: string }>(MARK_MISSED_JOB);

/** Shortly after midnight UTC, when yesterday's slots can no longer be fulfilled on their day. */
export const MARK_MISSED_CRON = '10 0 * * *';

const todayUtc = () => new Date().toISOString().slice(0, 10);

/**
 * The job handler as a plain function: `today` in the data pins the day (reruns and tests),
 * otherwise the current UTC day. Idempotent: only still-planned slots change.
 */
export function createMarkMissedHandler(system: Platform['system']) {
  return async (data: { today?: string } = {}): Promise<number> =>
    markMissedSlots(system, data.today ?? todayUtc());
}

/** Registers the handler (API and worker processes alike, before the queue starts). */
export function registerCallCycleJobs(platform: Pick<Platform, 'system' | 'jobs'>): void {
  const handler = createMarkMissedHandler(platform.system);
  platform.jobs.register(
    markMissedSlotsJob,
    async (data) => {
      await handler(data);
    },
    { retryLimit: 3, retryDelaySeconds: 60, expireInSeconds: 15 * 60 },
  );
}

/** The daily schedule; the scheduler writes it when the queue starts and records each run. */
export const CALL_CYCLE_SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: markMissedSlotsJob.name,
    displayName: 'Mark missed call-cycle visits',
    cron: MARK_MISSED_CRON,
    // Its optional `today` only pins the day in reruns and tests; the schedule sends none.
    job: markMissedSlotsJob as JobDefinition<Record<string, never>>,
  },
];
