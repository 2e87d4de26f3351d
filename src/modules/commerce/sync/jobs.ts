import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { JobDefinition } from '../../../platform/jobs/index.js';
import type { Platform, ScheduledJob } from '../../../platform/module.js';
import { syncDueJob, syncRunJob, webhookJob } from './job-kinds.js';
import { createSyncRunner, SYNC_STALE_MS, type SyncRunner } from './runner.js';
import { queueSyncJob } from './start.js';
import { processWebhookReceipt } from './webhooks.js';

/**
 * One runner per app, so cancels reach the runs of this process at once. Keyed by the job queue:
 * the worker's handlers and the routes receive different platform objects of the same app, which
 * share the queue.
 */
const runners = new WeakMap<Platform['jobs'], SyncRunner>();

export function syncRunnerOf(platform: Platform): SyncRunner {
  let runner = runners.get(platform.jobs);
  if (!runner) {
    runner = createSyncRunner({
      db: platform.db,
      alerts: { mailer: platform.mailer, realtime: platform.realtime },
      log: console,
      refreshStatistics: (tables) =>
        platform.system.crossTenantJob('commerce.sync-statistics', async (tx) => {
          for (const table of tables) await tx.sql.query(`analyze ${table}`);
        }),
    });
    runners.set(platform.jobs, runner);
  }
  return runner;
}

/**
 * Integrations due for a sync (active, credentials not rejected, nothing queued or running, last
 * sync older than their interval) get an incremental job; jobs running without a heartbeat for
 * `staleMs` (their process died) get a new run, which resumes at their cursor. Answers both counts.
 */
export async function runSyncDue(
  platform: Platform,
  now = new Date(),
  staleMs = SYNC_STALE_MS,
): Promise<{ started: number; resumed: number }> {
  const due = await platform.system.crossTenantJob(syncDueJob.name, (tx) =>
    selectRows<{ tenant_id: string; id: string }>(
      tx,
      sql`select i.tenant_id, i.id from integrations i
          where i.status = 'active' and i.credentials_status <> 'rejected'
            and (i.last_sync_at is null
                 or i.last_sync_at < ${now}::timestamptz - make_interval(mins => i.sync_interval_minutes))
            and not exists (select 1 from sync_jobs j where j.tenant_id = i.tenant_id
                              and j.integration_id = i.id and j.status in ('queued', 'running'))`,
    ),
  );
  let started = 0;
  for (const { tenant_id: tenantId, id } of due) {
    const queued = await platform.db.withTenant({ tenantId }, (tx) =>
      queueSyncJob(tx, platform.jobs, tenantId, {
        integrationId: id,
        mode: 'incremental',
        trigger: 'schedule',
      }),
    );
    if ('job' in queued) started++;
  }
  const resumed = await resumeStaleJobs(platform, new Date(now.getTime() - staleMs));
  return { started, resumed };
}

/** Queues a new run for each running job whose heartbeat is older than `staleBefore`. */
export async function resumeStaleJobs(platform: Platform, staleBefore: Date): Promise<number> {
  const stale = await platform.system.crossTenantJob(syncDueJob.name, (tx) =>
    selectRows<{ tenant_id: string; id: string }>(
      tx,
      sql`select tenant_id, id from sync_jobs
          where status = 'running' and (heartbeat_at is null or heartbeat_at < ${staleBefore})`,
    ),
  );
  let resumed = 0;
  const runner = syncRunnerOf(platform);
  for (const { tenant_id: tenantId, id: jobId } of stale) {
    if (runner.isRunning(jobId) || (await platform.jobs.isQueued(syncRunJob, { jobId }))) continue;
    await platform.jobs.send(syncRunJob, { tenantId, jobId, takeOverBefore: staleBefore.toISOString() });
    resumed++;
  }
  return resumed;
}

export const SYNC_SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: syncDueJob.name,
    displayName: 'Start incremental ERP syncs that are due; resume sync jobs that lost their process',
    cron: '* * * * *',
    job: syncDueJob as JobDefinition<Record<string, never>>,
  },
];

export function registerSyncJobs(platform: Platform): void {
  const runner = syncRunnerOf(platform);
  platform.jobs.register(
    syncRunJob,
    async ({ tenantId, jobId, takeOverBefore }) => {
      await runner.run(tenantId, jobId, takeOverBefore ? { staleBefore: new Date(takeOverBefore) } : {});
    },
    // A run that outlives its process is resumed by its heartbeat long before pg-boss expires it.
    { retryLimit: 3, retryDelaySeconds: 30, expireInSeconds: 6 * 60 * 60 },
  );
  platform.jobs.register(webhookJob, (data) => processWebhookReceipt(platform, data), {
    retryLimit: 5,
    retryDelaySeconds: 10,
    expireInSeconds: 15 * 60,
  });
  platform.jobs.register(syncDueJob, async () => void (await runSyncDue(platform)), {
    retryLimit: 1,
    expireInSeconds: 10 * 60,
    policy: 'singleton',
  });
}

/**
 * At start: runs left `running` by a process that is gone are resumed. PGlite is one process, so
 * every running job at boot lost its runner; on PostgreSQL only those without a recent heartbeat.
 */
export async function resumeOnStart(platform: Platform): Promise<void> {
  const before = platform.db.driver === 'pglite' ? new Date() : new Date(Date.now() - SYNC_STALE_MS);
  await resumeStaleJobs(platform, before);
}
