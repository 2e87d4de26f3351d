import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden } from '../../../platform/http/errors.js';
import type { JobRun as JobRunView, Scheduler } from '../../../platform/scheduler/index.js';
import {
  JobParams,
  JobRun,
  ScheduledJobItem,
  ScheduledJobList,
  UpdateJobBody,
  type UpdateJobBody as UpdateJobBodyT,
} from './scheduler.schemas.js';

/**
 * The scheduler's administration: every periodic job of the platform and the modules with its last
 * and next run, switching one off or on, and running one now. Jobs work across tenants, so this is
 * an administrator's view.
 */
/** What a tenant's admin reads instead of a cross-tenant run's error. */
export const RUN_ERROR_FOR_OPERATORS = 'The run failed; a platform super admin can see why.';

/**
 * A run as the caller may see it. A run across tenants records what failed in each tenant (their
 * ids, the database's words): only a platform super admin reads that; a tenant's admin learns that
 * it failed.
 */
function runFor(request: FastifyRequest, run: JobRunView): JobRunView {
  if (request.principal?.isSuperAdmin || run.tenant_id !== null || run.error === null) return run;
  return { ...run, error: RUN_ERROR_FOR_OPERATORS };
}

export function schedulerRoutes(app: FastifyInstance, scheduler: Scheduler): void {
  const tags = ['scheduler'];
  const config = { permission: 'scheduler:manage' };
  app.get(
    '/scheduler/jobs',
    {
      config,
      schema: {
        summary: 'Every periodic job: schedule, time zone, last run (status, duration, error), next run',
        tags,
        response: { 200: ScheduledJobList },
      },
    },
    async (request) => ({
      jobs: (await scheduler.list()).map((job) =>
        job.last_run ? { ...job, last_run: runFor(request, job.last_run) } : job,
      ),
    }),
  );
  app.put<{ Params: { id: string }; Body: UpdateJobBodyT }>(
    '/scheduler/jobs/:id',
    {
      config,
      // Jobs run across every tenant: switching one off is the platform operator's decision, not a
      // tenant admin's (who may still see the jobs and run one now).
      preValidation: async (request) => {
        if (!request.principal?.isSuperAdmin)
          throw forbidden(
            'Switching a job on or off affects every tenant; only a platform super admin may.',
            'PLATFORM_ADMIN_REQUIRED',
          );
      },
      schema: {
        summary:
          'Switch a periodic job on or off for every tenant (platform super admin only) (a disabled job does not run on schedule; running it now still works)',
        tags,
        params: JobParams,
        body: UpdateJobBody,
        response: { 200: ScheduledJobItem },
      },
    },
    async (request) =>
      scheduler.setEnabled(request.params.id, request.body.enabled, request.principal?.userId ?? null),
  );
  app.post<{ Params: { id: string } }>(
    '/scheduler/jobs/:id/run',
    {
      config,
      schema: {
        summary: 'Run one periodic job now and answer with the finished run (a failure is a failed run)',
        tags,
        params: JobParams,
        response: { 200: JobRun },
      },
    },
    async (request) => runFor(request, await scheduler.runNow(request.params.id)),
  );
}
