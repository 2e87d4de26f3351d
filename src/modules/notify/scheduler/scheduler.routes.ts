import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../../platform/http/errors.js';
import type { Scheduler } from '../../../platform/scheduler/index.js';
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
    async () => ({ jobs: await scheduler.list() }),
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
    async (request) => scheduler.runNow(request.params.id),
  );
}
