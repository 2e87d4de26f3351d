import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from '../../identity/index.js';
import type { GoalsService } from './goals.service.js';
import {
  AssignBody,
  CreateGoalBody,
  Goal,
  GoalListQuery,
  GoalProgress,
  ReportProgressBody,
  UnassignBody,
  UpdateGoalBody,
  type AssignBody as AssignBodyT,
  type CreateGoalBody as CreateGoalBodyT,
  type GoalListQuery as GoalListQueryT,
  type ReportProgressBody as ReportProgressBodyT,
  type UnassignBody as UnassignBodyT,
  type UpdateGoalBody as UpdateGoalBodyT,
} from './goals.schemas.js';

type Id = { id: string };
const NoContent = { 204: Type.Null() };

export function goalRoutes(app: FastifyInstance, goals: GoalsService): void {
  const tags = ['goals'];
  const read = { permission: 'goals:read' };
  const write = { permission: 'goals:write' };

  app.get<{ Querystring: GoalListQueryT }>(
    '/goals',
    {
      config: read,
      schema: {
        summary: 'List goals within the data scope',
        tags,
        querystring: GoalListQuery,
        response: { 200: ListEnvelope('goals', Goal) },
      },
    },
    async (request) => goals.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateGoalBodyT }>(
    '/goals',
    {
      config: write,
      schema: {
        summary: 'Create a goal, optionally with its assignees',
        tags,
        body: CreateGoalBody,
        response: { 201: Goal },
      },
    },
    async (request, reply) => reply.code(201).send(await goals.create(callContext(request), request.body)),
  );

  app.get<{ Params: Id }>(
    '/goals/:id',
    {
      config: read,
      schema: {
        summary: 'Read a goal with its assignments',
        tags,
        params: IdParams,
        response: { 200: Goal },
      },
    },
    async (request) => goals.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: UpdateGoalBodyT }>(
    '/goals/:id',
    {
      config: write,
      schema: {
        summary: 'Change a goal',
        tags,
        params: IdParams,
        body: UpdateGoalBody,
        response: { 200: Goal },
      },
    },
    async (request) => goals.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/goals/:id',
    {
      config: write,
      schema: {
        summary: 'Delete a goal (archived instead when progress was reported on it)',
        tags,
        params: IdParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await goals.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Id; Body: AssignBodyT }>(
    '/goals/:id/assign',
    {
      config: write,
      schema: {
        summary: 'Assign users or teams, each with its own target or the goal’s',
        tags,
        params: IdParams,
        body: AssignBody,
        response: { 200: Goal },
      },
    },
    async (request) => goals.assign(callContext(request), request.params.id, request.body),
  );

  app.post<{ Params: Id; Body: UnassignBodyT }>(
    '/goals/:id/unassign',
    {
      config: write,
      schema: {
        summary: 'Remove users or teams from a goal',
        tags,
        params: IdParams,
        body: UnassignBody,
        response: { 200: Goal },
      },
    },
    async (request) => goals.unassign(callContext(request), request.params.id, request.body),
  );

  app.get<{ Params: Id }>(
    '/goals/:id/progress',
    {
      config: read,
      schema: {
        summary: 'Progress per assignee and overall, computed from the data of the period',
        tags,
        params: IdParams,
        response: { 200: GoalProgress },
      },
    },
    async (request) => goals.progress(callContext(request), request.params.id),
  );

  app.post<{ Params: Id; Body: ReportProgressBodyT }>(
    '/goals/:id/progress',
    {
      config: { permission: 'goals:report' },
      schema: {
        summary: 'Report the progress reached on a manual goal (replaces the previous report)',
        tags,
        params: IdParams,
        body: ReportProgressBody,
        response: { 200: GoalProgress },
      },
    },
    async (request) => goals.report(callContext(request), request.params.id, request.body),
  );
}
