import { Type, type Static } from 'typebox';
import { IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { SYNC_ENTITIES } from '../integrations/provider.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const SyncEntityName = Type.Union(
  SYNC_ENTITIES.map((e) => Type.Literal(e)),
  { description: 'What a sync covers; a full sync runs them in this order' },
);
export const SyncJobStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('completed'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);
const Count = Type.Integer({ minimum: 0 });

export const SyncCounts = Type.Object({
  created: Count,
  updated: Count,
  deleted: Count,
  failed: Count,
  unchanged: Count,
});

export const SyncCursor = Type.Object({
  offset: Count,
  since: Nullable(
    Type.String({ description: 'The `updated >=` bound of an incremental read (ISO instant)' }),
  ),
  max_updated: Nullable(Type.String({ description: 'The highest `updated` read so far (ISO instant)' })),
  done: Type.Boolean(),
});

export const SyncJob = Type.Object({
  id: Uuid,
  integration_id: Uuid,
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')]),
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule'), Type.Literal('webhook')]),
  status: SyncJobStatus,
  entities: Type.Array(SyncEntityName),
  current_entity: Nullable(SyncEntityName),
  counts: Type.Record(Type.String(), SyncCounts, {
    description: 'Per entity: what the job did to the local copy',
  }),
  totals: SyncCounts,
  cursor: Type.Record(Type.String(), SyncCursor, { description: 'Per entity: where a resumed run goes on' }),
  requests: Type.Integer({ minimum: 0, description: 'HTTP requests made to the ERP (retries included)' }),
  error: Nullable(Type.String()),
  cancel_requested: Type.Boolean(),
  attempts: Type.Integer({
    minimum: 0,
    description: 'Runs that took the job (a resumed job has more than one)',
  }),
  requested_by: Nullable(Uuid),
  created_at: IsoDateTime,
  started_at: Nullable(IsoDateTime),
  finished_at: Nullable(IsoDateTime),
  heartbeat_at: Nullable(IsoDateTime),
  duration_ms: Nullable(
    Type.Integer({ minimum: 0, description: 'From start to finish (or to now while running)' }),
  ),
});
export type SyncJob = Static<typeof SyncJob>;

export const SyncFailure = Type.Object({
  id: Uuid,
  entity: Type.String(),
  external_id: Nullable(Type.String()),
  reason: Type.String(),
  created_at: IsoDateTime,
});
export type SyncFailure = Static<typeof SyncFailure>;

export const SyncJobDetail = Type.Object({
  ...SyncJob.properties,
  failures: Type.Array(SyncFailure, { description: 'The first 100 failures (all of them: /failures)' }),
  failures_total: Count,
});

export const StartSyncBody = Type.Object({
  integration_id: Uuid,
  entities: Type.Optional(
    Type.Array(SyncEntityName, {
      minItems: 1,
      uniqueItems: true,
      description: "Default: the integration's entities",
    }),
  ),
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')], { default: 'incremental' }),
});
export type StartSyncBody = Static<typeof StartSyncBody>;

export const SYNC_JOB_SORTS = ['created_at'] as const;
export const SyncJobListQuery = Type.Object({
  ...PaginationQuery.properties,
  integration_id: Type.Optional(Uuid),
  status: Type.Optional(SyncJobStatus),
  sort: sortQuery(SYNC_JOB_SORTS, '-created_at'),
});
export type SyncJobListQuery = Static<typeof SyncJobListQuery>;

export const SyncFailureListQuery = Type.Object({
  ...PaginationQuery.properties,
  entity: Type.Optional(SyncEntityName),
});
export type SyncFailureListQuery = Static<typeof SyncFailureListQuery>;

export const SyncStatisticsQuery = Type.Object({
  days: Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'The window, in days up to now' }),
});
export type SyncStatisticsQuery = Static<typeof SyncStatisticsQuery>;

export const IntegrationSyncStatistics = Type.Object({
  integration_id: Uuid,
  name: Type.String(),
  provider: Type.String(),
  jobs: Type.Object({ queued: Count, running: Count, completed: Count, failed: Count, cancelled: Count }),
  last_success_at: Nullable(IsoDateTime),
  rows_synced: Type.Integer({
    minimum: 0,
    description: 'Rows created, updated or deleted by jobs of the window',
  }),
  average_duration_ms: Nullable(Type.Integer({ minimum: 0, description: 'Of completed jobs' })),
  failure_rate: Type.Number({
    minimum: 0,
    maximum: 100,
    description: 'Failed ÷ finished jobs × 100 (0 with none)',
  }),
});

export const SyncStatistics = Type.Object({
  from: IsoDateTime,
  to: IsoDateTime,
  integrations: Type.Array(IntegrationSyncStatistics),
});

export const IntegrationHealth = Type.Object({
  integration_id: Uuid,
  name: Type.String(),
  provider: Type.String(),
  status: Type.String(),
  credentials_status: Type.String(),
  sync_interval_minutes: Type.Integer(),
  last_sync_at: Nullable(IsoDateTime),
  last_success_at: Nullable(IsoDateTime),
  last_error: Nullable(Type.String()),
  lag_seconds: Nullable(Type.Integer({ description: 'Seconds since the last success (null: never)' })),
  healthy: Type.Boolean({
    description: 'Active, credentials not rejected, and last success within twice the interval',
  }),
  active_job_id: Nullable(Uuid),
});

export const CommerceHealth = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  checked_at: IsoDateTime,
  database: Type.Object({ ok: Type.Boolean(), latency_ms: Type.Integer({ minimum: 0 }) }),
  job_queue: Type.Object({
    ok: Type.Boolean(),
    queues: Type.Array(Type.Object({ queue: Type.String(), queued: Count, active: Count, failed: Count }), {
      description: "The commerce queues' depths",
    }),
  }),
  integrations: Type.Array(IntegrationHealth),
});
