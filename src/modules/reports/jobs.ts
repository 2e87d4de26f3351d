import { defineJob } from '../../platform/jobs/types.js';
import type { Platform, ScheduledJob } from '../../platform/module.js';
import { runDueSchedules, type DueDeps } from './due.js';
import { generateRun } from './generate.js';

/** Generates one requested report (POST /reports/generate). */
export const generateReportJob = defineJob<{ tenantId: string; runId: string }>('reports.generate');
/** Generates and mails the scheduled reports that are due, in every tenant. */
export const runDueReportsJob = defineJob<Record<string, never>>('reports.run_due');

export const reportDeps = (platform: Platform): DueDeps => ({
  db: platform.db,
  storage: platform.storage,
  reportTypes: platform.reportTypes,
  mailer: platform.mailer,
  tokens: platform.tokens,
  config: platform.config,
});

export function registerReportJobs(platform: Platform): void {
  const deps = reportDeps(platform);
  platform.jobs.register(
    generateReportJob,
    async ({ tenantId, runId }) => {
      await generateRun(deps, tenantId, runId);
    },
    { retryLimit: 0, expireInSeconds: 30 * 60 },
  );
  // One pass at a time (a slow pass must not overlap the next minute's); claims keep them apart anyway.
  platform.jobs.register(
    runDueReportsJob,
    async () => {
      await runDueSchedules({ ...deps, system: platform.system });
    },
    { retryLimit: 0, expireInSeconds: 30 * 60, policy: 'singleton' },
  );
}

/** Every minute: schedules run at whole hours, so a due report waits at most about a minute. */
export const REPORT_SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: runDueReportsJob.name,
    displayName: 'Generate and mail due scheduled reports',
    cron: '* * * * *',
    job: runDueReportsJob,
  },
];
