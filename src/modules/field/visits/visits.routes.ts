import type { FastifyInstance } from 'fastify';
import { callContext, crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import { PhotoList } from '../photos/photos.schemas.js';
import {
  AnswerList,
  CancelVisitBody,
  CheckInBody,
  CompleteVisitBody,
  CreateVisitBody,
  Visit,
  VisitListQuery,
  type CreateVisitBody as CreateVisitBodyT,
} from './visits.schemas.js';
import type { VisitActionsService } from './visit-actions.service.js';
import type { VisitsService } from './visits.service.js';

const tag = 'visits';

export function visitRoutes(app: FastifyInstance, visits: VisitsService, actions: VisitActionsService): void {
  crudRoutes(
    app,
    {
      path: '/visits',
      tag,
      listKey: 'visits',
      singular: 'visit',
      permission: 'visits',
      item: Visit,
      list: { query: VisitListQuery, summary: 'List visits within the data scope' },
      read: { summary: 'Read a visit with its answers, photos and GPS facts' },
    },
    { list: visits.list, get: visits.get },
  );

  // Not the standard create: a repeated client_uuid answers 200 with the stored visit.
  app.post<{ Body: CreateVisitBodyT }>(
    '/visits',
    {
      config: { permission: 'visits:write' },
      schema: {
        summary: 'Create a visit (idempotent by client_uuid: a repeat answers 200 with the stored visit)',
        description:
          'A repeat must ask for the same visit: the same `outlet_id`, agent, `call_cycle_id`, `survey_id`, ' +
          '`visit_type` and (when given) `planned_date`; otherwise 409 `CLIENT_UUID_REUSED`. ' +
          '`call_cycle_id` must name a call cycle of the tenant the caller can see (422 otherwise).',
        tags: [tag],
        body: CreateVisitBody,
        response: { 200: Visit, 201: Visit },
      },
    },
    async (request, reply) => {
      const { visit, created } = await visits.create(callContext(request), request.body);
      return reply.code(created ? 201 : 200).send(visit);
    },
  );

  const action = { tag, method: 'put', permission: 'visits:write', response: Visit } as const;
  resourceAction(
    app,
    {
      ...action,
      path: '/visits/:id/check-in',
      summary: 'Check in with GPS (distance to the outlet and geofence verdict are stored)',
      body: CheckInBody,
    },
    (ctx, id, body) => actions.checkIn(ctx, id, body),
  );
  resourceAction(
    app,
    {
      ...action,
      path: '/visits/:id/complete',
      summary: 'Complete a visit with its survey answers and completion GPS',
      body: CompleteVisitBody,
    },
    (ctx, id, body) => actions.complete(ctx, id, body),
  );
  resourceAction(
    app,
    { ...action, path: '/visits/:id/cancel', summary: 'Cancel a visit with a reason', body: CancelVisitBody },
    (ctx, id, body) => actions.cancel(ctx, id, body),
  );

  const view = { tag, method: 'get', permission: 'visits:read' } as const;
  resourceAction(
    app,
    { ...view, path: '/visits/:id/photos', summary: 'The photos of a visit', response: PhotoList },
    (ctx, id) => visits.photos(ctx, id),
  );
  resourceAction(
    app,
    { ...view, path: '/visits/:id/answers', summary: 'The survey answers of a visit', response: AnswerList },
    (ctx, id) => visits.answers(ctx, id),
  );
}
