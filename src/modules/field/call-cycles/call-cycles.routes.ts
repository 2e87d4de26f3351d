import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from '../../identity/index.js';
import type { CallCyclesService } from './call-cycles.service.js';
import {
  AddLocationsBody,
  CallCycle,
  CallCycleListQuery,
  CallCycleStatus,
  CreateCallCycleBody,
  LocationOrderBody,
  LocationParams,
  StatusQuery,
  UpdateCallCycleBody,
  type AddLocationsBody as AddLocationsBodyT,
  type CallCycleListQuery as CallCycleListQueryT,
  type CreateCallCycleBody as CreateCallCycleBodyT,
  type LocationOrderBody as LocationOrderBodyT,
  type StatusQuery as StatusQueryT,
  type UpdateCallCycleBody as UpdateCallCycleBodyT,
} from './call-cycles.schemas.js';

type Id = { id: string };
const NoContent = { 204: Type.Null() };

export function callCycleRoutes(app: FastifyInstance, cycles: CallCyclesService): void {
  const tags = ['call-cycles'];
  const read = { permission: 'call_cycles:read' };
  const write = { permission: 'call_cycles:write' };

  app.get<{ Querystring: CallCycleListQueryT }>(
    '/call-cycles',
    {
      config: read,
      schema: {
        summary: 'List call cycles within the data scope',
        tags,
        querystring: CallCycleListQuery,
        response: { 200: ListEnvelope('call_cycles', CallCycle) },
      },
    },
    async (request) => cycles.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateCallCycleBodyT }>(
    '/call-cycles',
    {
      config: write,
      schema: {
        summary: 'Create a call cycle (optionally with its outlets) and plan its visit slots',
        tags,
        body: CreateCallCycleBody,
        response: { 201: CallCycle },
      },
    },
    async (request, reply) => reply.code(201).send(await cycles.create(callContext(request), request.body)),
  );

  app.get<{ Params: Id }>(
    '/call-cycles/:id',
    {
      config: read,
      schema: {
        summary: 'Read a call cycle with its ordered outlets',
        tags,
        params: IdParams,
        response: { 200: CallCycle },
      },
    },
    async (request) => cycles.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: UpdateCallCycleBodyT }>(
    '/call-cycles/:id',
    {
      config: write,
      schema: {
        summary: 'Change a call cycle (dates, frequency and agent re-plan its slots; status closes it)',
        tags,
        params: IdParams,
        body: UpdateCallCycleBody,
        response: { 200: CallCycle },
      },
    },
    async (request) => cycles.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/call-cycles/:id',
    {
      config: write,
      schema: {
        summary: 'Delete a call cycle (cancelled instead when visits refer to it)',
        tags,
        params: IdParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await cycles.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Id; Body: AddLocationsBodyT }>(
    '/call-cycles/:id/locations',
    {
      config: write,
      schema: {
        summary: 'Append outlets (in visiting order, optional own frequency) and plan their slots',
        tags,
        params: IdParams,
        body: AddLocationsBody,
        response: { 201: CallCycle },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await cycles.addLocations(callContext(request), request.params.id, request.body)),
  );

  app.put<{ Params: Id; Body: LocationOrderBodyT }>(
    '/call-cycles/:id/locations/order',
    {
      config: write,
      schema: {
        summary: 'Reorder the outlets of a call cycle',
        tags,
        params: IdParams,
        body: LocationOrderBody,
        response: { 200: CallCycle },
      },
    },
    async (request) => cycles.reorderLocations(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: { id: string; location_id: string } }>(
    '/call-cycles/:id/locations/:location_id',
    {
      config: write,
      schema: {
        summary: 'Remove an outlet and its planned slots from a call cycle',
        tags,
        params: LocationParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await cycles.removeLocation(callContext(request), request.params.id, request.params.location_id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Id; Querystring: StatusQueryT }>(
    '/call-cycles/:id/status',
    {
      config: read,
      schema: {
        summary: 'Adherence, coverage, visited and missed slots and the upcoming schedule',
        tags,
        params: IdParams,
        querystring: StatusQuery,
        response: { 200: CallCycleStatus },
      },
    },
    async (request) => cycles.status(callContext(request), request.params.id, request.query),
  );
}
