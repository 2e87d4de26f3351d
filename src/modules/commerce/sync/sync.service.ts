import { and, asc, count, eq, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { conflict, notFound } from '../../../platform/http/errors.js';
import type { JobQueue } from '../../../platform/jobs/index.js';
import {
  defineResource,
  envelope,
  iso,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import {
  integrations,
  syncJobFailures,
  syncJobs,
  type SyncEntityCounts,
} from '../tables/integrations.tables.js';
import { addCounts, zeroCounts } from './apply/index.js';
import { findSyncJob, type SyncJobRow } from './jobs.repository.js';
import type { SyncRunner } from './runner.js';
import { queueSyncJob, syncAlreadyRunning } from './start.js';
import type {
  StartSyncBody,
  SyncFailure,
  SyncFailureListQuery,
  SyncJob,
  SyncJobListQuery,
  SyncStatisticsQuery,
} from './sync.schemas.js';

const jobResource = defineResource({
  table: syncJobs,
  name: 'Sync job',
  tenantId: syncJobs.tenantId,
  id: syncJobs.id,
  sorts: { created_at: syncJobs.createdAt },
});

const failureResource = defineResource({
  table: syncJobFailures,
  name: 'Sync failure',
  tenantId: syncJobFailures.tenantId,
  id: syncJobFailures.id,
  sorts: { created_at: syncJobFailures.createdAt },
});

const countsOf = (c: SyncEntityCounts | undefined) => addCounts(zeroCounts(), c ?? {});

export function toSyncJobJson(row: SyncJobRow, now = new Date()): SyncJob {
  const counts = Object.fromEntries(Object.entries(row.counts).map(([entity, c]) => [entity, countsOf(c)]));
  const totals = Object.values(counts).reduce((sum, c) => addCounts(sum, c), zeroCounts());
  const end = row.finishedAt ?? (row.status === 'running' ? now : null);
  return {
    id: row.id,
    integration_id: row.integrationId,
    mode: row.mode,
    trigger: row.trigger,
    status: row.status,
    entities: row.entities as SyncJob['entities'],
    current_entity: (row.currentEntity ?? null) as SyncJob['current_entity'],
    counts,
    totals,
    cursor: Object.fromEntries(
      Object.entries(row.cursor).map(([entity, c]) => [
        entity,
        { offset: c.offset, since: c.since ?? null, max_updated: c.maxUpdated ?? null, done: c.done },
      ]),
    ),
    requests: row.requests,
    error: row.error,
    cancel_requested: row.cancelRequested !== null,
    attempts: row.attempts,
    requested_by: row.requestedBy,
    created_at: row.createdAt.toISOString(),
    started_at: iso(row.startedAt),
    finished_at: iso(row.finishedAt),
    heartbeat_at: iso(row.heartbeatAt),
    duration_ms: row.startedAt && end ? Math.max(0, end.getTime() - row.startedAt.getTime()) : null,
  };
}

const toFailureJson = (row: typeof syncJobFailures.$inferSelect): SyncFailure => ({
  id: row.id,
  entity: row.entity,
  external_id: row.externalId,
  reason: row.reason,
  created_at: row.createdAt.toISOString(),
});

export interface SyncServiceDeps {
  db: TenantDatabase;
  jobs: Pick<JobQueue, 'send' | 'depths'>;
  runner: Pick<SyncRunner, 'cancel'>;
}

/** Sync jobs as the administrators see them: start, follow, cancel, failures, statistics. */
export function createSyncService(deps: SyncServiceDeps) {
  const tenantTx = tenantTxOf(deps);
  return {
    start(ctx: CallContext, body: StartSyncBody) {
      return tenantTx(ctx, async (tx) => {
        const queued = await queueSyncJob(tx, deps.jobs, ctx.tenantId, {
          integrationId: body.integration_id,
          mode: body.mode,
          trigger: 'manual',
          entities: body.entities,
          requestedBy: ctx.principal.userId,
        });
        if ('running' in queued) throw syncAlreadyRunning(queued.running, (row) => toSyncJobJson(row));
        return toSyncJobJson(queued.job);
      });
    },

    list(ctx: CallContext, query: SyncJobListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await jobResource.list(tx, ctx, query, {
          where: [
            query.integration_id ? eq(syncJobs.integrationId, query.integration_id) : undefined,
            query.status ? eq(syncJobs.status, query.status) : undefined,
          ],
        });
        const now = new Date();
        return envelope('sync_jobs', page, (row) => toSyncJobJson(row, now));
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const row = await jobResource.find(tx, ctx, id);
        const failures = await tx.db
          .select()
          .from(syncJobFailures)
          .where(and(eq(syncJobFailures.tenantId, ctx.tenantId), eq(syncJobFailures.jobId, id)))
          .orderBy(asc(syncJobFailures.createdAt), asc(syncJobFailures.id))
          .limit(100);
        const [total] = await tx.db
          .select({ n: count() })
          .from(syncJobFailures)
          .where(and(eq(syncJobFailures.tenantId, ctx.tenantId), eq(syncJobFailures.jobId, id)));
        return {
          ...toSyncJobJson(row),
          failures: failures.map(toFailureJson),
          failures_total: Number(total?.n ?? 0),
        };
      });
    },

    failures(ctx: CallContext, id: string, query: SyncFailureListQuery) {
      return tenantTx(ctx, async (tx) => {
        await jobResource.find(tx, ctx, id);
        const page = await failureResource.list(tx, ctx, query, {
          where: [
            eq(syncJobFailures.jobId, id),
            query.entity ? eq(syncJobFailures.entity, query.entity) : undefined,
          ],
        });
        return envelope('failures', page, toFailureJson);
      });
    },

    /**
     * A queued job is cancelled at once; a running one is asked to stop (its run sees it within a
     * heartbeat, aborting its request in flight; at once when it runs in this process). A finished
     * job is 409 SYNC_JOB_FINISHED.
     */
    cancel(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const row = await findSyncJob(tx, ctx.tenantId, id, true);
        if (!row) throw notFound('Sync job');
        if (row.status !== 'queued' && row.status !== 'running')
          throw conflict('SYNC_JOB_FINISHED', `The sync job is already ${row.status}.`);
        const now = new Date();
        const [updated] = await tx.db
          .update(syncJobs)
          .set(
            row.status === 'queued'
              ? { status: 'cancelled', cancelRequested: now, finishedAt: now, updatedAt: now }
              : { cancelRequested: now, updatedAt: now },
          )
          .where(and(eq(syncJobs.tenantId, ctx.tenantId), eq(syncJobs.id, id)))
          .returning();
        if (row.status === 'running') deps.runner.cancel(id);
        return toSyncJobJson(updated!);
      });
    },

    statistics(ctx: CallContext, query: SyncStatisticsQuery) {
      return tenantTx(ctx, async (tx) => {
        const to = new Date();
        const from = new Date(to.getTime() - query.days * 86_400_000);
        const rows = await selectRows<{
          id: string;
          name: string;
          provider: string;
          last_success_at: Date | string | null;
          queued: number;
          running: number;
          completed: number;
          failed: number;
          cancelled: number;
          rows_synced: number | string | null;
          average_duration_ms: number | string | null;
        }>(
          tx,
          sql`select i.id, i.name, i.provider, i.last_success_at,
                count(j.id) filter (where j.status = 'queued')::int as queued,
                count(j.id) filter (where j.status = 'running')::int as running,
                count(j.id) filter (where j.status = 'completed')::int as completed,
                count(j.id) filter (where j.status = 'failed')::int as failed,
                count(j.id) filter (where j.status = 'cancelled')::int as cancelled,
                coalesce(sum((select sum(coalesce((c.value->>'created')::bigint, 0)
                                        + coalesce((c.value->>'updated')::bigint, 0)
                                        + coalesce((c.value->>'deleted')::bigint, 0))
                                from jsonb_each(j.counts) c)), 0) as rows_synced,
                round(avg(extract(epoch from (j.finished_at - j.started_at)) * 1000)
                      filter (where j.status = 'completed'))::bigint as average_duration_ms
              from integrations i
              left join sync_jobs j on j.tenant_id = i.tenant_id and j.integration_id = i.id
                and j.created_at >= ${from} and j.created_at <= ${to}
              where i.tenant_id = ${ctx.tenantId}
              group by i.id, i.name, i.provider, i.last_success_at
              order by i.name, i.id`,
        );
        return {
          from: from.toISOString(),
          to: to.toISOString(),
          integrations: rows.map((r) => {
            const finished = r.completed + r.failed;
            return {
              integration_id: r.id,
              name: r.name,
              provider: r.provider,
              jobs: {
                queued: r.queued,
                running: r.running,
                completed: r.completed,
                failed: r.failed,
                cancelled: r.cancelled,
              },
              last_success_at: r.last_success_at ? new Date(r.last_success_at).toISOString() : null,
              rows_synced: Number(r.rows_synced ?? 0),
              average_duration_ms: r.average_duration_ms === null ? null : Number(r.average_duration_ms),
              failure_rate: finished ? Math.round((r.failed / finished) * 10_000) / 100 : 0,
            };
          }),
        };
      });
    },

    /** The database, the commerce queues and each integration's freshness against its interval. */
    async health(ctx: CallContext) {
      const checkedAt = new Date();
      const started = Date.now();
      let databaseOk = true;
      let list: (typeof integrations.$inferSelect & { active_job_id: string | null })[] = [];
      try {
        list = await tenantTx(ctx, async (tx) => {
          const rows = await tx.db
            .select()
            .from(integrations)
            .where(eq(integrations.tenantId, ctx.tenantId))
            .orderBy(asc(integrations.name), asc(integrations.id));
          const active = await tx.db
            .select({ integrationId: syncJobs.integrationId, id: syncJobs.id })
            .from(syncJobs)
            .where(
              and(eq(syncJobs.tenantId, ctx.tenantId), sql`${syncJobs.status} in ('queued', 'running')`),
            );
          const byIntegration = new Map(active.map((a) => [a.integrationId, a.id]));
          return rows.map((row) => ({ ...row, active_job_id: byIntegration.get(row.id) ?? null }));
        });
      } catch {
        databaseOk = false;
      }
      const latency = Date.now() - started;
      let queueOk = true;
      let queues: { queue: string; queued: number; active: number; failed: number }[] = [];
      try {
        const depths = await deps.jobs.depths();
        const byQueue = new Map<string, { queue: string; queued: number; active: number; failed: number }>();
        for (const d of depths) {
          if (!d.queue.startsWith('commerce.')) continue;
          const entry = byQueue.get(d.queue) ?? { queue: d.queue, queued: 0, active: 0, failed: 0 };
          if (d.state === 'created' || d.state === 'retry') entry.queued += d.count;
          else if (d.state === 'active') entry.active += d.count;
          else if (d.state === 'failed') entry.failed += d.count;
          byQueue.set(d.queue, entry);
        }
        queues = [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
      } catch {
        queueOk = false;
      }
      const now = checkedAt.getTime();
      const health = list.map((row) => {
        const lag = row.lastSuccessAt ? Math.round((now - row.lastSuccessAt.getTime()) / 1000) : null;
        const healthy =
          row.status === 'active' &&
          row.credentialsStatus !== 'rejected' &&
          lag !== null &&
          lag <= row.syncIntervalMinutes * 120;
        return {
          integration_id: row.id,
          name: row.name,
          provider: row.provider,
          status: row.status,
          credentials_status: row.credentialsStatus,
          sync_interval_minutes: row.syncIntervalMinutes,
          last_sync_at: iso(row.lastSyncAt),
          last_success_at: iso(row.lastSuccessAt),
          last_error: row.lastError,
          lag_seconds: lag,
          healthy,
          active_job_id: row.active_job_id,
        };
      });
      const ok = databaseOk && queueOk && health.every((h) => h.healthy || h.status !== 'active');
      return {
        status: ok ? ('ok' as const) : ('degraded' as const),
        checked_at: checkedAt.toISOString(),
        database: { ok: databaseOk, latency_ms: latency },
        job_queue: { ok: queueOk, queues },
        integrations: health,
      };
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
