import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../../platform/http/errors.js';
import { Uuid } from '../../../platform/http/schemas.js';
import type { JobQueue } from '../../../platform/jobs/index.js';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import type { Scheduler } from '../../../platform/scheduler/index.js';
import {
  Alert,
  AlertDashboard,
  AlertListQuery,
  AlertStats,
  BulkResolveBody,
  BulkResolveResult,
  CreateAlertBody,
  CustomerAlertsQuery,
  ResolveAlertBody,
  RunChecksResult,
  SnoozeAlertBody,
  UpdateAlertBody,
} from './alerts.schemas.js';
import type { AlertsService } from './alerts.service.js';
import type { AlertStatsService } from './alerts.stats.js';
import { tenantAlertChecksJob } from './checks.js';
import { ListEnvelope } from '../../../platform/http/schemas.js';

export function alertRoutes(
  app: FastifyInstance,
  alerts: AlertsService,
  stats: AlertStatsService,
  runner: { scheduler: Scheduler; jobs: JobQueue },
): void {
  const tag = 'alerts';
  const read = 'alerts:read';
  const manage = 'alerts:manage';
  crudRoutes(
    app,
    {
      path: '/alerts',
      tag,
      listKey: 'alerts',
      singular: 'alert',
      permission: { read, write: manage },
      item: Alert,
      list: {
        query: AlertListQuery,
        summary:
          'List alerts within the data scope (filters: status, severity, type, customer, entity, assignee, dates)',
      },
      create: { body: CreateAlertBody, summary: 'Raise a manual alert' },
      read: {},
      update: { body: UpdateAlertBody, summary: "Change an alert's assignee or notes" },
    },
    alerts,
  );
  resourceAction(
    app,
    {
      method: 'get',
      path: '/alerts/dashboard',
      tag,
      summary: 'Open alerts by severity and type, newest critical, 30-day trend',
      permission: read,
      response: AlertDashboard,
    },
    (ctx) => stats.dashboard(ctx),
  );
  resourceAction(
    app,
    {
      method: 'get',
      path: '/alerts/stats',
      tag,
      summary: 'Alert counts by status, severity, type and source; resolution time',
      permission: read,
      response: AlertStats,
    },
    (ctx) => stats.stats(ctx),
  );
  resourceAction(
    app,
    {
      method: 'post',
      path: '/alerts/bulk-resolve',
      tag,
      summary:
        'Resolve several alerts at once (all or nothing; already resolved ones are reported, unchanged)',
      permission: manage,
      body: BulkResolveBody,
      response: BulkResolveResult,
    },
    (ctx, _id, body: BulkResolveBody) => alerts.bulkResolve(ctx, body),
  );
  resourceAction(
    app,
    {
      method: 'post',
      path: '/alerts/run-checks',
      tag,
      summary: "Run every module's alert checks in this tenant now, as a job; answers with the queued run",
      permission: 'alerts:run_checks',
      response: RunChecksResult,
      status: 202,
    },
    async (ctx) => {
      const run = await runner.scheduler.queueTenantRun(tenantAlertChecksJob.name, ctx.tenantId);
      await runner.jobs.send(tenantAlertChecksJob, { tenantId: ctx.tenantId, runId: run.id });
      return run;
    },
  );
  resourceAction(
    app,
    {
      method: 'get',
      path: '/alerts/run-checks/:id',
      tag,
      summary: 'A run of this tenant’s alert checks: queued, running, succeeded or failed (with the error)',
      permission: 'alerts:run_checks',
      response: RunChecksResult,
    },
    async (ctx, id) => {
      const run = await runner.scheduler.tenantRun(id, ctx.tenantId);
      if (!run || run.job_name !== tenantAlertChecksJob.name)
        throw notFound('Alert check run', 'JOB_RUN_NOT_FOUND');
      return run;
    },
  );
  resourceAction(
    app,
    {
      method: 'get',
      path: '/alerts/customer/:customer_id',
      tag,
      summary: "A customer's alerts within the data scope",
      permission: read,
      params: Type.Object({ customer_id: Uuid }),
      query: CustomerAlertsQuery,
      response: ListEnvelope('alerts', Alert),
    },
    (ctx, _id, _body, query: CustomerAlertsQuery, params) =>
      alerts.listForCustomer(ctx, params.customer_id!, query),
  );
  resourceAction(
    app,
    {
      method: 'put',
      path: '/alerts/:id/resolve',
      tag,
      summary: 'Resolve an alert (409 when it already is)',
      permission: manage,
      body: ResolveAlertBody,
      response: Alert,
    },
    (ctx, id, body: ResolveAlertBody) => alerts.resolve(ctx, id, body),
  );
  resourceAction(
    app,
    {
      method: 'put',
      path: '/alerts/:id/snooze',
      tag,
      summary: 'Snooze an alert until a future time; it reopens by itself then',
      permission: manage,
      body: SnoozeAlertBody,
      response: Alert,
    },
    (ctx, id, body: SnoozeAlertBody) => alerts.snooze(ctx, id, body),
  );
}
