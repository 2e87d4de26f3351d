import { defineJob } from '../../../platform/jobs/index.js';
import type { Tx } from '../../../platform/db/types.js';
import type { JobQueue } from '../../../platform/jobs/types.js';

/**
 * Recomputes the daily KPI rows of one tenant's days from the raw rows (leads, conversions, ledger).
 * Every write that changes a KPI input queues it for the days it touched, inside its own
 * transaction, so a rolled-back write queues nothing and a committed one is always followed by a
 * refresh. Days are the tenant's calendar dates (YYYY-MM-DD).
 */
export const kpiRefreshJob = defineJob<{ tenantId: string; days: string[] }>('leads.kpi-refresh');

/** Queues the KPI refresh of `days` (deduplicated) in the caller's transaction. */
export async function queueKpiRefresh(
  jobs: Pick<JobQueue, 'send'>,
  tx: Tx,
  tenantId: string,
  days: Iterable<string>,
): Promise<void> {
  const unique = [...new Set(days)].sort();
  if (unique.length === 0) return;
  await jobs.send(kpiRefreshJob, { tenantId, days: unique }, { tx });
}
