import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { RowFailure, SyncEntity } from '../integrations/provider.js';
import {
  integrations,
  integrationWatermarks,
  syncJobFailures,
  syncJobs,
  type SyncEntityCounts,
  type SyncEntityCursor,
} from '../tables/integrations.tables.js';

export type SyncJobRow = typeof syncJobs.$inferSelect;

/** The job row, optionally locked for the rest of the transaction. */
export async function findSyncJob(tx: Tx, tenantId: string, id: string, lock = false) {
  const query = tx.db
    .select()
    .from(syncJobs)
    .where(and(eq(syncJobs.tenantId, tenantId), eq(syncJobs.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** The integration's queued or running job, if any. */
export async function activeSyncJob(tx: Tx, tenantId: string, integrationId: string) {
  const [row] = await tx.db
    .select()
    .from(syncJobs)
    .where(
      and(
        eq(syncJobs.tenantId, tenantId),
        eq(syncJobs.integrationId, integrationId),
        sql`${syncJobs.status} in ('queued', 'running')`,
      ),
    );
  return row;
}

/**
 * Takes the job for one run: a queued job, or a running one whose runner stopped beating before
 * `staleBefore` (killed, crashed). `attempts` grows by one and fences every later write of the
 * run, so a runner that was presumed dead and comes back cannot write over its successor.
 */
export async function claimSyncJob(tx: Tx, tenantId: string, id: string, staleBefore: Date) {
  const [row] = await tx.db
    .update(syncJobs)
    .set({
      status: 'running',
      attempts: sql`${syncJobs.attempts} + 1`,
      startedAt: sql`coalesce(${syncJobs.startedAt}, now())`,
      heartbeatAt: new Date(),
      error: null,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(syncJobs.tenantId, tenantId),
        eq(syncJobs.id, id),
        sql`(${syncJobs.status} = 'queued' or (${syncJobs.status} = 'running' and
              (${syncJobs.heartbeatAt} is null or ${syncJobs.heartbeatAt} < ${staleBefore})))`,
      ),
    )
    .returning();
  return row;
}

const held = (tenantId: string, id: string, attempt: number) =>
  and(
    eq(syncJobs.tenantId, tenantId),
    eq(syncJobs.id, id),
    eq(syncJobs.attempts, attempt),
    eq(syncJobs.status, 'running'),
  );

/** Saves one page's progress; false when the run no longer holds the job. */
export async function saveSyncProgress(
  tx: Tx,
  job: { tenantId: string; id: string; attempt: number },
  progress: {
    entity: SyncEntity;
    cursor: SyncEntityCursor;
    counts: Required<SyncEntityCounts>;
    requests: number;
  },
): Promise<boolean> {
  const rows = await tx.db
    .update(syncJobs)
    .set({
      currentEntity: progress.entity,
      cursor: sql`${syncJobs.cursor} || ${JSON.stringify({ [progress.entity]: progress.cursor })}::jsonb`,
      counts: sql`${syncJobs.counts} || ${JSON.stringify({ [progress.entity]: progress.counts })}::jsonb`,
      requests: sql`${syncJobs.requests} + ${progress.requests}`,
      heartbeatAt: new Date(),
      updatedAt: new Date(),
    })
    .where(held(job.tenantId, job.id, job.attempt))
    .returning({ id: syncJobs.id });
  return rows.length > 0;
}

/** Renews the heartbeat; answers whether a cancel was asked for, or null when the run lost the job. */
export async function beatSyncJob(tx: Tx, job: { tenantId: string; id: string; attempt: number }) {
  const [row] = await tx.db
    .update(syncJobs)
    .set({ heartbeatAt: new Date() })
    .where(held(job.tenantId, job.id, job.attempt))
    .returning({ cancelRequested: syncJobs.cancelRequested });
  return row ? { cancelRequested: row.cancelRequested !== null } : null;
}

/**
 * Lets go of a run interrupted by its process stopping: the job stays `running` at its saved cursor
 * with no heartbeat, so the next start or the schedule takes it over at once instead of waiting
 * for the heartbeat to go stale.
 */
export async function releaseSyncJob(tx: Tx, job: { tenantId: string; id: string; attempt: number }) {
  await tx.db
    .update(syncJobs)
    .set({ heartbeatAt: null, updatedAt: new Date() })
    .where(held(job.tenantId, job.id, job.attempt));
}

/** Ends the run: completed, failed (with its error) or cancelled. */
export async function finishSyncJob(
  tx: Tx,
  job: { tenantId: string; id: string; attempt: number },
  status: 'completed' | 'failed' | 'cancelled',
  error: string | null = null,
): Promise<SyncJobRow | undefined> {
  const [row] = await tx.db
    .update(syncJobs)
    .set({ status, error, finishedAt: new Date(), heartbeatAt: new Date(), updatedAt: new Date() })
    .where(held(job.tenantId, job.id, job.attempt))
    .returning();
  return row;
}

export async function recordSyncFailures(
  tx: Tx,
  job: { tenantId: string; id: string },
  entity: SyncEntity,
  failures: readonly RowFailure[],
): Promise<void> {
  for (let i = 0; i < failures.length; i += 2_000)
    await tx.db.insert(syncJobFailures).values(
      failures.slice(i, i + 2_000).map((f) => ({
        tenantId: job.tenantId,
        jobId: job.id,
        entity,
        externalId: f.externalId ?? null,
        reason: f.reason.slice(0, 2_000),
      })),
    );
}

/** entity → watermark of the integration. */
export async function watermarksOf(tx: Tx, tenantId: string, integrationId: string) {
  const rows = await tx.db
    .select({ entity: integrationWatermarks.entity, watermark: integrationWatermarks.watermark })
    .from(integrationWatermarks)
    .where(
      and(
        eq(integrationWatermarks.tenantId, tenantId),
        eq(integrationWatermarks.integrationId, integrationId),
      ),
    );
  return new Map(rows.map((r) => [r.entity, r.watermark]));
}

/**
 * An entity read to its end: the next incremental read starts from the highest `updated` seen (a
 * pass that saw nothing keeps the previous watermark); a full pass also notes when it ran.
 */
export async function saveWatermark(
  tx: Tx,
  tenantId: string,
  integrationId: string,
  entity: SyncEntity,
  watermark: Date | null,
  full: boolean,
): Promise<void> {
  const now = new Date();
  await tx.db
    .insert(integrationWatermarks)
    .values({ tenantId, integrationId, entity, watermark, lastFullSyncAt: full ? now : null })
    .onConflictDoUpdate({
      target: [
        integrationWatermarks.tenantId,
        integrationWatermarks.integrationId,
        integrationWatermarks.entity,
      ],
      set: {
        watermark: sql`greatest(${integrationWatermarks.watermark}, excluded.watermark)`,
        lastFullSyncAt: full ? now : sql`${integrationWatermarks.lastFullSyncAt}`,
        updatedAt: now,
      },
    });
}

/** What a finished run leaves on its integration: last sync, last success or last error. */
export async function noteIntegrationRun(
  tx: Tx,
  tenantId: string,
  integrationId: string,
  outcome: { ok: true } | { ok: false; error: string; credentialsRejected: boolean },
): Promise<void> {
  const now = new Date();
  await tx.db
    .update(integrations)
    .set(
      outcome.ok
        ? { lastSyncAt: now, lastSuccessAt: now, lastError: null, updatedAt: now }
        : {
            lastSyncAt: now,
            lastError: outcome.error,
            lastErrorAt: now,
            updatedAt: now,
            ...(outcome.credentialsRejected ? { credentialsStatus: 'rejected' as const } : {}),
          },
    )
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, integrationId)));
}
