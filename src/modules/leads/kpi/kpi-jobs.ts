import { defineJob, eachTenant, type JobDefinition, type JobItem } from '../../../platform/jobs/index.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import type { Platform, ScheduledJob } from '../../../platform/module.js';
import { activeTenantIds, tenantSettingsOf } from '../../identity/index.js';
import { localDate } from '../clock.js';
import { refreshKpiDays } from './kpi-compute.js';
import { addDays, chunks, daysBetween } from './kpi-days.js';
import { kpiRefreshJob } from './kpi-refresh.js';

/** Every tenant's last 7 local days (today included), recomputed nightly. */
export const kpiNightlyJob = defineJob<Record<string, never>>('leads.kpi-nightly');
/** One tenant's days `from`..`to` recomputed on request (`POST /kpi/rebuild`), reported by its run. */
export const kpiRebuildJob = defineJob<{ tenantId: string; runId: string; from: string; to: string }>(
  'leads.kpi-rebuild',
);

/** Nightly, after the day has closed in most time zones east of UTC and before the working day. */
export const KPI_NIGHTLY_CRON = '40 1 * * *';
export const KPI_NIGHTLY_DAYS = 7;
/** Days recomputed per transaction: a long rebuild never holds one long transaction. */
const DAYS_PER_TRANSACTION = 31;

/**
 * Recomputes `days` of one tenant, a batch of days per transaction. Idempotent: each batch
 * replaces the days' rows by their recomputation.
 */
export async function refreshKpi(db: TenantDatabase, tenantId: string, days: readonly string[]) {
  for (const batch of chunks([...new Set(days)].sort(), DAYS_PER_TRANSACTION))
    await db.withTenant({ tenantId }, async (tx) =>
      refreshKpiDays(tx, tenantId, (await tenantSettingsOf(tx, tenantId)).time_zone, batch),
    );
}

/** The last `KPI_NIGHTLY_DAYS` local days of every active tenant; one tenant failing spares the rest. */
export async function rebuildRecentKpis(platform: Pick<Platform, 'db' | 'system'>, now = new Date()) {
  const tenants = await platform.system.crossTenantJob(kpiNightlyJob.name, (tx) => activeTenantIds(tx));
  await eachTenant(tenants, 'KPI rebuild', async (tenantId) => {
    const today = await platform.db.withTenant({ tenantId }, async (tx) =>
      localDate(now, (await tenantSettingsOf(tx, tenantId)).time_zone),
    );
    await refreshKpi(platform.db, tenantId, daysBetween(addDays(today, 1 - KPI_NIGHTLY_DAYS), today));
  });
}

/** How many waiting refresh jobs a worker takes at once. */
const KPI_REFRESH_BATCH = 50;

/**
 * The refresh jobs a worker took together: each tenant's days (the union over its jobs) once. A
 * tenant that fails spares the others, then fails the batch so every job in it is retried.
 */
async function refreshKpiBatch(
  db: TenantDatabase,
  items: readonly JobItem<{ tenantId: string; days: string[] }>[],
): Promise<void> {
  const daysByTenant = new Map<string, string[]>();
  for (const { data } of items)
    daysByTenant.set(data.tenantId, [...(daysByTenant.get(data.tenantId) ?? []), ...data.days]);
  await eachTenant(daysByTenant.keys(), 'KPI refresh', (tenantId) =>
    refreshKpi(db, tenantId, daysByTenant.get(tenantId)!),
  );
}

/** The handlers (API and worker processes alike, before the queue starts). */
export function registerKpiJobs(platform: Platform): void {
  // A burst of writes queues a refresh per transaction; the waiting ones are taken together and
  // each tenant's days refreshed once.
  platform.jobs.registerBatch(kpiRefreshJob, async (items) => refreshKpiBatch(platform.db, items), {
    batchSize: KPI_REFRESH_BATCH,
    retryLimit: 5,
    retryDelaySeconds: 10,
    expireInSeconds: 15 * 60,
  });
  platform.jobs.register(kpiNightlyJob, async () => rebuildRecentKpis(platform), {
    retryLimit: 2,
    retryDelaySeconds: 300,
    expireInSeconds: 60 * 60,
    policy: 'singleton',
  });
  platform.jobs.register(
    kpiRebuildJob,
    async ({ tenantId, runId, from, to }) => {
      // The run reports the outcome; a failure is not retried (the caller can rebuild again).
      await platform.scheduler.track(runId, () => refreshKpi(platform.db, tenantId, daysBetween(from, to)));
    },
    { retryLimit: 0, expireInSeconds: 60 * 60 },
  );
}

export const KPI_SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: kpiNightlyJob.name,
    displayName: 'Rebuild the last 7 days of lead KPIs',
    cron: KPI_NIGHTLY_CRON,
    job: kpiNightlyJob as JobDefinition<Record<string, never>>,
  },
];
