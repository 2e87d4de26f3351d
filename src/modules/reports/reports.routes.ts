import type { FastifyInstance, FastifyReply } from 'fastify';
import { IdParams } from '../../platform/http/schemas.js';
import { actionsOf } from '../../platform/resource/index.js';
import { callContext } from '../identity/index.js';
import {
  CreateScheduleBody,
  Dashboard,
  DownloadQuery,
  GenerateBody,
  HistoryList,
  HistoryQuery,
  ReportRun,
  ReportTypeList,
  RunScheduledResult,
  Schedule,
  ScheduleList,
  ScheduleListQuery,
  UpdateScheduleBody,
  type CreateScheduleBody as CreateScheduleBodyT,
  type GenerateBody as GenerateBodyT,
  type HistoryQuery as HistoryQueryT,
  type ScheduleListQuery as ScheduleListQueryT,
  type UpdateScheduleBody as UpdateScheduleBodyT,
} from './reports.schemas.js';
import type { ReportFile, ReportsService } from './reports.service.js';
import type { SchedulesService } from './schedules.service.js';

const tag = 'reports';
const READ = 'reports:read';
const SCHEDULE = 'reports:schedule';

const sendFile = (reply: FastifyReply, file: ReportFile) =>
  reply
    .type(file.contentType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.stream);

/** The report runs: types, generation, history, downloads and the dashboard. */
function runRoutes(app: FastifyInstance, reports: ReportsService): void {
  const action = actionsOf(app, tag);

  action(
    {
      method: 'get',
      path: '/reports/types',
      summary: 'Report types with their parameter schema and formats',
      permission: READ,
      response: ReportTypeList,
    },
    async () => reports.types(),
  );
  action(
    {
      method: 'post',
      path: '/reports/generate',
      summary: 'Generate a report (runs as a job: pending → generating → completed | failed)',
      permission: 'reports:generate',
      body: GenerateBody,
      response: ReportRun,
      status: 202,
    },
    async (ctx, _id, body: GenerateBodyT) => reports.generate(ctx, body),
  );
  action(
    {
      method: 'get',
      path: '/reports/history',
      summary: 'Generated reports within the data scope',
      permission: READ,
      query: HistoryQuery,
      response: HistoryList,
    },
    async (ctx, _id, _body, query: HistoryQueryT) => reports.history(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/reports/history/:id',
      summary: 'A generated report',
      permission: READ,
      response: ReportRun,
    },
    async (ctx, id) => reports.get(ctx, id),
  );
  action(
    {
      method: 'get',
      path: '/reports/dashboard',
      summary: 'Report counts, upcoming schedules and recent reports',
      permission: READ,
      response: Dashboard,
    },
    async (ctx) => reports.dashboard(ctx),
  );
  action(
    {
      method: 'post',
      path: '/reports/run-scheduled',
      summary: 'Generate and send the due scheduled reports of the data scope now',
      permission: 'reports:run',
      response: RunScheduledResult,
    },
    async (ctx) => reports.runScheduled(ctx),
  );

  // Files stream with their own headers, so they are plain routes.
  app.get<{ Params: IdParams }>(
    '/reports/history/:id/download',
    {
      config: { permission: READ },
      schema: { summary: "Download a completed report's file", tags: [tag], params: IdParams },
    },
    async (request, reply) =>
      sendFile(reply, await reports.download(callContext(request), request.params.id)),
  );
  app.get<{ Querystring: { token?: string } }>(
    '/reports/download',
    {
      config: { public: true },
      schema: {
        summary: 'Download a report through a signed, expiring link sent by mail',
        tags: [tag],
        querystring: DownloadQuery,
      },
    },
    async (request, reply) => sendFile(reply, await reports.downloadByToken(request.query.token ?? '')),
  );
}

/** Scheduled reports: list, create, read, change, delete, pause/resume. */
function scheduleRoutes(app: FastifyInstance, schedules: SchedulesService): void {
  const action = actionsOf(app, tag);

  action(
    {
      method: 'get',
      path: '/reports/scheduled',
      summary: 'Scheduled reports within the data scope',
      permission: READ,
      query: ScheduleListQuery,
      response: ScheduleList,
    },
    async (ctx, _id, _body, query: ScheduleListQueryT) => schedules.list(ctx, query),
  );
  action(
    {
      method: 'post',
      path: '/reports/scheduled',
      summary: 'Schedule a report',
      permission: SCHEDULE,
      body: CreateScheduleBody,
      response: Schedule,
      status: 201,
    },
    async (ctx, _id, body: CreateScheduleBodyT) => schedules.create(ctx, body),
  );
  action(
    {
      method: 'get',
      path: '/reports/scheduled/:id',
      summary: 'A scheduled report with its next run',
      permission: READ,
      response: Schedule,
    },
    async (ctx, id) => schedules.get(ctx, id),
  );
  action(
    {
      method: 'put',
      path: '/reports/scheduled/:id',
      summary: 'Change a scheduled report',
      permission: SCHEDULE,
      body: UpdateScheduleBody,
      response: Schedule,
    },
    async (ctx, id, body: UpdateScheduleBodyT) => schedules.update(ctx, id, body),
  );
  action(
    {
      method: 'delete',
      path: '/reports/scheduled/:id',
      summary: 'Delete a scheduled report (its history stays)',
      permission: SCHEDULE,
      status: 204,
    },
    async (ctx, id) => schedules.remove(ctx, id),
  );
  action(
    {
      method: 'put',
      path: '/reports/scheduled/:id/toggle',
      summary: 'Pause or resume a scheduled report',
      permission: SCHEDULE,
      response: Schedule,
    },
    async (ctx, id) => schedules.toggle(ctx, id),
  );
}

export function reportRoutes(
  app: FastifyInstance,
  reports: ReportsService,
  schedules: SchedulesService,
): void {
  runRoutes(app, reports);
  scheduleRoutes(app, schedules);
}
