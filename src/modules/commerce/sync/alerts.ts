import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { AlertCheck, RaisedAlert } from '../../../platform/module.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { localDate, raiseCheckAlert } from '../../notify/index.js';
import type { SyncJobRow } from './jobs.repository.js';

export type AlertDeps = Parameters<typeof raiseCheckAlert>[0];

interface FailedJob {
  integrationId: string;
  integrationName: string;
  jobId: string;
  error: string | null;
}

/** One alert per integration and day, for the administrators (tenant-wide scope): no owner. */
const alertOf = (failed: FailedJob): RaisedAlert => ({
  severity: 'high',
  title: `Sync of ${failed.integrationName} failed`,
  description: `Sync job ${failed.jobId} failed: ${failed.error ?? 'unknown error'}`.slice(0, 2_000),
  entityType: 'integration',
  entityId: failed.integrationId,
});

/**
 * Integrations whose latest sync job failed within the last day. A failing run raises the alert at
 * once (below); the check is the safety net for a failure recorded while raising was impossible.
 */
export const syncJobFailedCheck: AlertCheck = {
  name: 'commerce.sync-job-failed',
  type: 'sync_job_failed',
  displayName: 'ERP sync job failed',
  async run(tx, { tenantId, now }) {
    const rows = await selectRows<FailedJob>(
      tx,
      sql`select distinct on (j.integration_id) j.integration_id as "integrationId", i.name as "integrationName",
            j.id as "jobId", j.error, j.status
          from sync_jobs j join integrations i on i.tenant_id = j.tenant_id and i.id = j.integration_id
          where j.tenant_id = ${tenantId} and j.finished_at >= ${new Date(now.getTime() - 86_400_000)}
            and j.status in ('completed', 'failed')
          order by j.integration_id, j.finished_at desc`,
    );
    return rows.filter((r) => (r as FailedJob & { status: string }).status === 'failed').map(alertOf);
  },
};

/** Raises `sync_job_failed` for a run that just failed, in its transaction. */
export async function raiseSyncFailedAlert(deps: AlertDeps, tx: Tx, job: SyncJobRow, error: string) {
  const [integration] = await selectRows<{ name: string }>(
    tx,
    sql`select name from integrations where tenant_id = ${job.tenantId} and id = ${job.integrationId}`,
  );
  const { time_zone: timeZone } = await tenantSettingsOf(tx, job.tenantId);
  await raiseCheckAlert(deps, tx, syncJobFailedCheck, {
    ...alertOf({
      integrationId: job.integrationId,
      integrationName: integration?.name ?? 'integration',
      jobId: job.id,
      error,
    }),
    tenantId: job.tenantId,
    today: localDate(new Date(), timeZone),
  });
}
