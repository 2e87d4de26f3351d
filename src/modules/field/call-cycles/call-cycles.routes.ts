import type { FastifyInstance } from 'fastify';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
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
} from './call-cycles.schemas.js';

const tag = 'call-cycles';
const write = 'call_cycles:write';

export function callCycleRoutes(app: FastifyInstance, cycles: CallCyclesService): void {
  crudRoutes(
    app,
    {
      path: '/call-cycles',
      tag,
      listKey: 'call_cycles',
      singular: 'call cycle',
      permission: 'call_cycles',
      item: CallCycle,
      list: { query: CallCycleListQuery, summary: 'List call cycles within the data scope' },
      create: {
        body: CreateCallCycleBody,
        summary: 'Create a call cycle (optionally with its outlets) and plan its visit slots',
      },
      read: { summary: 'Read a call cycle with its ordered outlets' },
      update: {
        body: UpdateCallCycleBody,
        summary: 'Change a call cycle (dates, frequency and agent re-plan its slots; status closes it)',
      },
      delete: { summary: 'Delete a call cycle (cancelled instead when visits refer to it)' },
    },
    {
      list: cycles.list,
      create: cycles.create,
      get: cycles.get,
      update: cycles.update,
      remove: cycles.remove,
    },
  );

  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/call-cycles/:id/locations',
      summary: 'Append outlets (in visiting order, optional own frequency) and plan their slots',
      permission: write,
      body: AddLocationsBody,
      response: CallCycle,
      status: 201,
    },
    (ctx, id, body) => cycles.addLocations(ctx, id, body),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'put',
      path: '/call-cycles/:id/locations/order',
      summary: 'Reorder the outlets of a call cycle',
      permission: write,
      body: LocationOrderBody,
      response: CallCycle,
    },
    (ctx, id, body) => cycles.reorderLocations(ctx, id, body),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'delete',
      path: '/call-cycles/:id/locations/:location_id',
      summary: 'Remove an outlet and its planned slots from a call cycle',
      permission: write,
      params: LocationParams,
      status: 204,
    },
    (ctx, id, _body, _query, params) => cycles.removeLocation(ctx, id, params.location_id!),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/call-cycles/:id/status',
      summary: 'Adherence, coverage, visited and missed slots and the upcoming schedule',
      permission: 'call_cycles:read',
      query: StatusQuery,
      response: CallCycleStatus,
    },
    (ctx, id, _body, query) => cycles.status(ctx, id, query),
  );
}
