import type { FastifyInstance } from 'fastify';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from '../../identity/index.js';
import { PhotoList } from '../photos/photos.schemas.js';
import {
  AnswerList,
  CancelVisitBody,
  CheckInBody,
  CompleteVisitBody,
  CreateVisitBody,
  Visit,
  VisitListQuery,
  type CancelVisitBody as CancelVisitBodyT,
  type CheckInBody as CheckInBodyT,
  type CompleteVisitBody as CompleteVisitBodyT,
  type CreateVisitBody as CreateVisitBodyT,
  type VisitListQuery as VisitListQueryT,
} from './visits.schemas.js';
import type { VisitActionsService } from './visit-actions.service.js';
import type { VisitsService } from './visits.service.js';

type Id = { id: string };

export function visitRoutes(app: FastifyInstance, visits: VisitsService, actions: VisitActionsService): void {
  const tags = ['visits'];
  const read = { permission: 'visits:read' };
  const write = { permission: 'visits:write' };

  app.get<{ Querystring: VisitListQueryT }>(
    '/visits',
    {
      config: read,
      schema: {
        summary: 'List visits within the data scope',
        tags,
        querystring: VisitListQuery,
        response: { 200: ListEnvelope('visits', Visit) },
      },
    },
    async (request) => visits.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateVisitBodyT }>(
    '/visits',
    {
      config: write,
      schema: {
        summary: 'Create a visit (idempotent by client_uuid: a repeat answers 200 with the stored visit)',
        tags,
        body: CreateVisitBody,
        response: { 200: Visit, 201: Visit },
      },
    },
    async (request, reply) => {
      const { visit, created } = await visits.create(callContext(request), request.body);
      return reply.code(created ? 201 : 200).send(visit);
    },
  );

  app.get<{ Params: Id }>(
    '/visits/:id',
    {
      config: read,
      schema: {
        summary: 'Read a visit with its answers, photos and GPS facts',
        tags,
        params: IdParams,
        response: { 200: Visit },
      },
    },
    async (request) => visits.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: CheckInBodyT }>(
    '/visits/:id/check-in',
    {
      config: write,
      schema: {
        summary: 'Check in with GPS (distance to the outlet and geofence verdict are stored)',
        tags,
        params: IdParams,
        body: CheckInBody,
        response: { 200: Visit },
      },
    },
    async (request) => actions.checkIn(callContext(request), request.params.id, request.body),
  );

  app.put<{ Params: Id; Body: CompleteVisitBodyT }>(
    '/visits/:id/complete',
    {
      config: write,
      schema: {
        summary: 'Complete a visit with its survey answers and completion GPS',
        tags,
        params: IdParams,
        body: CompleteVisitBody,
        response: { 200: Visit },
      },
    },
    async (request) => actions.complete(callContext(request), request.params.id, request.body),
  );

  app.put<{ Params: Id; Body: CancelVisitBodyT }>(
    '/visits/:id/cancel',
    {
      config: write,
      schema: {
        summary: 'Cancel a visit with a reason',
        tags,
        params: IdParams,
        body: CancelVisitBody,
        response: { 200: Visit },
      },
    },
    async (request) => actions.cancel(callContext(request), request.params.id, request.body),
  );

  app.get<{ Params: Id }>(
    '/visits/:id/photos',
    {
      config: read,
      schema: { summary: 'The photos of a visit', tags, params: IdParams, response: { 200: PhotoList } },
    },
    async (request) => visits.photos(callContext(request), request.params.id),
  );

  app.get<{ Params: Id }>(
    '/visits/:id/answers',
    {
      config: read,
      schema: {
        summary: 'The survey answers of a visit',
        tags,
        params: IdParams,
        response: { 200: AnswerList },
      },
    },
    async (request) => visits.answers(callContext(request), request.params.id),
  );
}
