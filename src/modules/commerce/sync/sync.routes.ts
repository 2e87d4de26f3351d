import type { FastifyInstance } from 'fastify';
import { ListEnvelope } from '../../../platform/http/schemas.js';
import { actionsOf } from '../../../platform/resource/index.js';
import {
  CommerceHealth,
  StartSyncBody,
  SyncFailure,
  SyncFailureListQuery,
  SyncJob,
  SyncJobDetail,
  SyncJobListQuery,
  SyncStatistics,
  SyncStatisticsQuery,
} from './sync.schemas.js';
import type { SyncService } from './sync.service.js';

const MANAGE = 'integrations:manage';

export function syncRoutes(app: FastifyInstance, service: SyncService): void {
  const action = actionsOf(app, 'sync');
  action(
    {
      method: 'post',
      path: '/admin/sync/start',
      summary: 'Start a sync job of an integration (202 with the queued job)',
      description:
        "Entities default to the integration's; mode `incremental` (default) reads rows changed since each entity's " +
        'watermark, `full` reads everything. While a job of the integration is queued or running the answer is 409 ' +
        '`SYNC_ALREADY_RUNNING` with that job in `job` (also when two starts race). An entity the provider does not ' +
        'sync is 422; an unknown integration 404 `INTEGRATION_NOT_FOUND`.',
      permission: MANAGE,
      body: StartSyncBody,
      response: SyncJob,
      status: 202,
    },
    (ctx, _id, body) => service.start(ctx, body),
  );
  action(
    {
      method: 'get',
      path: '/admin/sync/jobs',
      summary: 'List sync jobs (newest first; filters integration_id and status; keyset paging)',
      permission: MANAGE,
      query: SyncJobListQuery,
      response: ListEnvelope('sync_jobs', SyncJob),
    },
    (ctx, _id, _body, query) => service.list(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/admin/sync/jobs/:id',
      summary: 'A sync job: status, per-entity counts and cursor, duration, requests, error, first failures',
      permission: MANAGE,
      response: SyncJobDetail,
    },
    (ctx, id) => service.get(ctx, id),
  );
  action(
    {
      method: 'get',
      path: '/admin/sync/jobs/:id/failures',
      summary: 'The rows a sync job could not take, with the reason (keyset paging)',
      permission: MANAGE,
      query: SyncFailureListQuery,
      response: ListEnvelope('failures', SyncFailure),
    },
    (ctx, id, _body, query) => service.failures(ctx, id, query),
  );
  action(
    {
      method: 'post',
      path: '/admin/sync/jobs/:id/cancel',
      summary: 'Cancel a queued or running sync job (a finished one: 409 SYNC_JOB_FINISHED)',
      description:
        'A queued job is cancelled at once. A running job gets `cancel_requested`; its run aborts the request in ' +
        'flight and ends `cancelled` within seconds, keeping what it applied so far.',
      permission: MANAGE,
      response: SyncJob,
    },
    (ctx, id) => service.cancel(ctx, id),
  );
  action(
    {
      method: 'get',
      path: '/admin/sync/statistics',
      summary: 'Per integration: jobs by status, last success, rows synced, average duration, failure rate',
      permission: MANAGE,
      query: SyncStatisticsQuery,
      response: SyncStatistics,
    },
    (ctx, _id, _body, query) => service.statistics(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/admin/health',
      summary:
        "Commerce health: database, job queue, each integration's last success and lag vs its interval",
      permission: MANAGE,
      response: CommerceHealth,
    },
    (ctx) => service.health(ctx),
  );
}
