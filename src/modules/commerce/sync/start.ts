import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { AppError, notFound, validationFailed } from '../../../platform/http/errors.js';
import type { JobQueue } from '../../../platform/jobs/index.js';
import { providerNamed } from '../integrations/index.js';
import { SYNC_ENTITIES, type SyncEntity } from '../integrations/provider.js';
import { integrations, syncJobs } from '../tables/integrations.tables.js';
import { activeSyncJob, type SyncJobRow } from './jobs.repository.js';
import { syncRunJob } from './job-kinds.js';

export type IntegrationRow = typeof integrations.$inferSelect;

export interface StartRequest {
  integrationId: string;
  mode: 'full' | 'incremental';
  trigger: 'manual' | 'schedule' | 'webhook';
  entities?: readonly SyncEntity[];
  requestedBy?: string | null;
}

export async function findIntegration(tx: Tx, tenantId: string, id: string) {
  const [row] = await tx.db
    .select()
    .from(integrations)
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, id)));
  return row;
}

/** The entities a job covers: the asked ones (else the integration's, else the provider's), in sync order. */
function entitiesOf(integration: IntegrationRow, asked: readonly SyncEntity[] | undefined): SyncEntity[] {
  const provider = providerNamed(integration.provider);
  const offered = new Set<string>(provider.entities);
  const wanted = asked?.length
    ? asked
    : integration.entities.length
      ? (integration.entities as SyncEntity[])
      : provider.entities;
  const unknown = wanted.map((entity, i) => ({ entity, i })).filter(({ entity }) => !offered.has(entity));
  if (asked?.length && unknown.length)
    throw validationFailed(
      unknown.map(({ entity, i }) => ({
        path: `/body/entities/${i}`,
        message: `${integration.provider} does not sync ${entity}`,
      })),
    );
  return SYNC_ENTITIES.filter((e) => wanted.includes(e) && offered.has(e));
}

/** The 409 a second start answers, naming the job that holds the integration. */
export const syncAlreadyRunning = (job: SyncJobRow, toJson: (row: SyncJobRow) => unknown) =>
  new AppError(409, 'SYNC_ALREADY_RUNNING', 'A sync job of this integration is already queued or running.', {
    extensions: { job: toJson(job) },
  });

/**
 * Queues a sync job and its run, in the caller's transaction: the job exists exactly when its run
 * is queued. At most one queued or running job per integration (a partial unique index decides
 * races): a second start gets the holder back as `{ running }`.
 */
export async function queueSyncJob(
  tx: Tx,
  jobs: Pick<JobQueue, 'send'>,
  tenantId: string,
  request: StartRequest,
): Promise<{ job: SyncJobRow } | { running: SyncJobRow }> {
  const integration = await findIntegration(tx, tenantId, request.integrationId);
  if (!integration) throw notFound('Integration', 'INTEGRATION_NOT_FOUND');
  const entities = entitiesOf(integration, request.entities);
  const holder = await activeSyncJob(tx, tenantId, integration.id);
  if (holder) return { running: holder };
  const [job] = await tx.db
    .insert(syncJobs)
    .values({
      tenantId,
      integrationId: integration.id,
      mode: request.mode,
      trigger: request.trigger,
      entities,
      requestedBy: request.requestedBy ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (!job) {
    const winner = await activeSyncJob(tx, tenantId, integration.id);
    if (winner) return { running: winner };
    throw new AppError(
      409,
      'SYNC_ALREADY_RUNNING',
      'A sync job of this integration was started at the same time.',
    );
  }
  await jobs.send(syncRunJob, { tenantId, jobId: job.id }, { tx });
  return { job };
}
