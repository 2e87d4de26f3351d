import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { IdParams } from '../../platform/http/schemas.js';
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

const tags = ['reports'];
const READ = { permission: 'reports:read' };
const SCHEDULE = { permission: 'reports:schedule' };

const sendFile = (reply: FastifyReply, file: ReportFile) =>
  reply
    .type(file.contentType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.stream);

export function reportRoutes(
  app: FastifyInstance,
  reports: ReportsService,
  schedules: SchedulesService,
): void {
  app.get(
    '/reports/types',
    {
      config: READ,
      schema: {
        summary: 'Report types with their parameter schema and formats',
        tags,
        response: { 200: ReportTypeList },
      },
    },
    async () => reports.types(),
  );

  app.post<{ Body: GenerateBodyT }>(
    '/reports/generate',
    {
      config: { permission: 'reports:generate' },
      schema: {
        summary: 'Generate a report (runs as a job: pending → generating → completed | failed)',
        tags,
        body: GenerateBody,
        response: { 202: ReportRun },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await reports.generate(callContext(request), request.body)),
  );

  app.get<{ Querystring: HistoryQueryT }>(
    '/reports/history',
    {
      config: READ,
      schema: {
        summary: 'Generated reports within the data scope',
        tags,
        querystring: HistoryQuery,
        response: { 200: HistoryList },
      },
    },
    async (request) => reports.history(callContext(request), request.query),
  );

  app.get<{ Params: IdParams }>(
    '/reports/history/:id',
    {
      config: READ,
      schema: { summary: 'A generated report', tags, params: IdParams, response: { 200: ReportRun } },
    },
    async (request) => reports.get(callContext(request), request.params.id),
  );

  app.get<{ Params: IdParams }>(
    '/reports/history/:id/download',
    { config: READ, schema: { summary: "Download a completed report's file", tags, params: IdParams } },
    async (request, reply) =>
      sendFile(reply, await reports.download(callContext(request), request.params.id)),
  );

  app.get<{ Querystring: { token?: string } }>(
    '/reports/download',
    {
      config: { public: true },
      schema: {
        summary: 'Download a report through a signed, expiring link sent by mail',
        tags,
        querystring: DownloadQuery,
      },
    },
    async (request, reply) => sendFile(reply, await reports.downloadByToken(request.query.token ?? '')),
  );

  app.get(
    '/reports/dashboard',
    {
      config: READ,
      schema: {
        summary: 'Report counts, upcoming schedules and recent reports',
        tags,
        response: { 200: Dashboard },
      },
    },
    async (request) => reports.dashboard(callContext(request)),
  );

  app.post(
    '/reports/run-scheduled',
    {
      config: { permission: 'reports:run' },
      schema: {
        summary: 'Generate and send the due scheduled reports of the data scope now',
        tags,
        response: { 200: RunScheduledResult },
      },
    },
    async (request) => reports.runScheduled(callContext(request)),
  );

  app.get<{ Querystring: ScheduleListQueryT }>(
    '/reports/scheduled',
    {
      config: READ,
      schema: {
        summary: 'Scheduled reports within the data scope',
        tags,
        querystring: ScheduleListQuery,
        response: { 200: ScheduleList },
      },
    },
    async (request) => schedules.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateScheduleBodyT }>(
    '/reports/scheduled',
    {
      config: SCHEDULE,
      schema: { summary: 'Schedule a report', tags, body: CreateScheduleBody, response: { 201: Schedule } },
    },
    async (request, reply) =>
      reply.code(201).send(await schedules.create(callContext(request), request.body)),
  );

  app.get<{ Params: IdParams }>(
    '/reports/scheduled/:id',
    {
      config: READ,
      schema: {
        summary: 'A scheduled report with its next run',
        tags,
        params: IdParams,
        response: { 200: Schedule },
      },
    },
    async (request) => schedules.get(callContext(request), request.params.id),
  );

  app.put<{ Params: IdParams; Body: UpdateScheduleBodyT }>(
    '/reports/scheduled/:id',
    {
      config: SCHEDULE,
      schema: {
        summary: 'Change a scheduled report',
        tags,
        params: IdParams,
        body: UpdateScheduleBody,
        response: { 200: Schedule },
      },
    },
    async (request) => schedules.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: IdParams }>(
    '/reports/scheduled/:id',
    {
      config: SCHEDULE,
      schema: {
        summary: 'Delete a scheduled report (its history stays)',
        tags,
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await schedules.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.put<{ Params: IdParams }>(
    '/reports/scheduled/:id/toggle',
    {
      config: SCHEDULE,
      schema: {
        summary: 'Pause or resume a scheduled report',
        tags,
        params: IdParams,
        response: { 200: Schedule },
      },
    },
    async (request) => schedules.toggle(callContext(request), request.params.id),
  );
}
