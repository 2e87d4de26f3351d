import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { validationFailed } from '../../../platform/http/errors.js';
import { FilePart } from '../../../platform/http/schemas.js';
import { actionsOf, callContext } from '../../../platform/resource/index.js';
import type { BaselineService } from './baseline.service.js';
import {
  BaselineQuery,
  BaselineView,
  CreateForecastBody,
  Forecast,
  ForecastList,
  ForecastListQuery,
  ImportResult,
  RejectBody,
  TemplateQuery,
  UpdateForecastBody,
} from './forecasts.schemas.js';
import type { ForecastsService } from './forecasts.service.js';
import { XLSX_TYPE } from './template.js';
import type { TemplateService } from './template.service.js';

const tag = 'forecasts';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ImportForm = Type.Object({
  cycle_id: Type.Optional(
    Type.String({ format: 'uuid', description: 'When given, a template of another cycle is refused' }),
  ),
  file: FilePart('The filled XLSX template of GET /forecasts/template'),
});

export interface ForecastServices {
  forecasts: ForecastsService;
  baseline: BaselineService;
  template: TemplateService;
}

export async function forecastRoutes(
  app: FastifyInstance,
  services: ForecastServices,
  maxBytes: number,
): Promise<void> {
  const action = actionsOf(app, tag);
  const { forecasts } = services;

  // Fixed paths before /forecasts/:id.
  action(
    {
      method: 'get',
      path: '/forecasts/baseline',
      summary: 'The statistical baseline of a customer × product for a cycle’s forecast months',
      description:
        'From the sales history up to the month before the anchor; method per the baseline_method setting unless ' +
        '`method` is given (auto picks by the lowest backtest MAE over the last 6 months).',
      permission: 'forecasts:read',
      query: BaselineQuery,
      response: BaselineView,
    },
    (ctx, _id, _body, query: BaselineQuery) => services.baseline.get(ctx, query),
  );
  app.get(
    '/forecasts/template',
    {
      config: { permission: 'forecasts:write' },
      schema: {
        summary: 'The caller’s XLSX forecast template for an open cycle, prefilled with baselines',
        tags: [tag],
        querystring: TemplateQuery,
        response: { 200: Type.String({ description: 'XLSX file' }) },
      },
    },
    async (request, reply) => {
      const { cycle_id } = request.query as TemplateQuery;
      const { bytes, fileName } = await services.template.template(callContext(request), cycle_id);
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .header('cache-control', 'no-store')
        .send(bytes);
    },
  );
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: maxBytes + 1, files: 1, fields: 5 } });
    scope.post(
      '/forecasts/import',
      {
        config: { permission: 'forecasts:write', multipartForm: ImportForm },
        schema: {
          summary: 'Import a filled forecast template: creates or replaces the caller’s drafts',
          description:
            'All or nothing: every invalid cell (text or a negative number in a quantity, more than 3 decimals in a ' +
            'quantity or 2 in a price, unknown codes, months outside the window) is listed in a 422 naming it; a ' +
            'template of another cycle (TEMPLATE_WRONG_CYCLE) or rep (TEMPLATE_WRONG_REP) is refused.',
          tags: [tag],
          response: { 200: ImportResult },
        },
      },
      async (request: FastifyRequest, reply) => {
        const ctx = callContext(request);
        if (!request.isMultipart())
          throw validationFailed([{ path: '/body', message: 'must be multipart/form-data' }]);
        const data = await request.file();
        if (!data) throw validationFailed([{ path: '/body/file', message: 'a file is required' }]);
        const field = (data.fields as Record<string, { type?: string; value?: unknown }>).cycle_id;
        const cycleId = field?.type === 'field' && typeof field.value === 'string' ? field.value.trim() : '';
        if (cycleId && !UUID.test(cycleId)) {
          data.file.resume();
          throw validationFailed([{ path: '/body/cycle_id', message: 'must be a uuid' }]);
        }
        const bytes = await data.toBuffer();
        if (bytes.length > maxBytes)
          throw validationFailed([{ path: '/body/file', message: `larger than ${maxBytes} bytes` }]);
        return reply.send(await services.template.import(ctx, bytes, cycleId || undefined));
      },
    );
  });

  action(
    {
      method: 'get',
      path: '/forecasts',
      summary: 'List forecasts in scope (filters cycle, customer, product, rep, status; keyset paging)',
      permission: 'forecasts:read',
      query: ForecastListQuery,
      response: ForecastList,
    },
    (ctx, _id, _body, query: ForecastListQuery) => forecasts.list(ctx, query),
  );
  action(
    {
      method: 'post',
      path: '/forecasts',
      summary: 'Save a draft forecast of the caller for a customer × product in an open cycle',
      description:
        'Months inside the cycle’s window; price from the matrix unless overridden; revenue = round(quantity × price, 2). ' +
        'One live forecast per (cycle, customer, product, rep): 409 FORECAST_EXISTS; a cycle not open: 409 SOP_CYCLE_NOT_OPEN.',
      permission: 'forecasts:write',
      body: CreateForecastBody,
      response: Forecast,
      status: 201,
    },
    (ctx, _id, body: CreateForecastBody) => forecasts.create(ctx, body),
  );
  action(
    {
      method: 'get',
      path: '/forecasts/:id',
      summary: 'Read a forecast with its lines',
      permission: 'forecasts:read',
      response: Forecast,
    },
    (ctx, id) => forecasts.get(ctx, id),
  );
  action(
    {
      method: 'put',
      path: '/forecasts/:id',
      summary:
        'Replace the lines of the caller’s draft (owner only: 403 NOT_FORECAST_OWNER; 409 FORECAST_NOT_DRAFT)',
      permission: 'forecasts:write',
      body: UpdateForecastBody,
      response: Forecast,
    },
    (ctx, id, body: UpdateForecastBody) => forecasts.update(ctx, id, body),
  );
  action(
    {
      method: 'post',
      path: '/forecasts/:id/submit',
      summary: 'Submit the caller’s draft',
      description:
        'Needs min_future_months of the forecast months (anchor … anchor + 11) with quantity > 0 (422 FORECAST_INCOMPLETE), ' +
        'the cycle open (409 SOP_CYCLE_NOT_OPEN) and the deadline not passed (409 SUBMISSION_DEADLINE_PASSED).',
      permission: 'forecasts:write',
      response: Forecast,
    },
    (ctx, id) => forecasts.submit(ctx, id),
  );
  action(
    {
      method: 'post',
      path: '/forecasts/:id/approve',
      summary: 'Approve a submitted forecast (roles in approver_roles; otherwise 409 FORECAST_NOT_SUBMITTED)',
      permission: 'forecasts:approve',
      response: Forecast,
    },
    (ctx, id) => forecasts.approve(ctx, id),
  );
  action(
    {
      method: 'post',
      path: '/forecasts/:id/reject',
      summary: 'Send a submitted forecast back with a comment (required)',
      permission: 'forecasts:approve',
      body: RejectBody,
      response: Forecast,
    },
    (ctx, id, body: RejectBody) => forecasts.reject(ctx, id, body),
  );
  action(
    {
      method: 'post',
      path: '/forecasts/:id/reopen',
      summary: 'Reopen the caller’s rejected forecast as a new draft with the same lines',
      permission: 'forecasts:write',
      response: Forecast,
      status: 201,
    },
    (ctx, id) => forecasts.reopen(ctx, id),
  );
}
