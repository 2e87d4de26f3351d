import type { FastifyInstance } from 'fastify';
import type { Scheduler } from '../../../platform/scheduler/index.js';
import { JobParams, JobRun, ScheduledJobList } from './scheduler.schemas.js';

/**
 * The scheduler's administration: every periodic job of the platform and the modules with its last
 * and next run, and running one now. Jobs work across tenants, so this is an administrator's view.
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
