import type { Tx } from '../../../platform/db/types.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import { localDate } from '../clock.js';
import { queueKpiRefresh } from './kpi-refresh.js';

/** Queues the KPI refresh of the tenant-local days of `instants`, in the caller's transaction. */
export function queueKpiRefreshAt(
  jobs: Pick<JobQueue, 'send'>,
  tx: Tx,
  tenantId: string,
  timeZone: string,
  instants: readonly Date[],
): Promise<void> {
  return queueKpiRefresh(
    jobs,
    tx,
    tenantId,
    instants.map((at) => localDate(at, timeZone)),
  );
}
