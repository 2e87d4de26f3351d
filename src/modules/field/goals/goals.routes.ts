import type { FastifyInstance } from 'fastify';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
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
} from './goals.schemas.js';

const tag = 'goals';

export function goalRoutes(app: FastifyInstance, goals: GoalsService): void {
  crudRoutes(
    app,
    {
      path: '/goals',
      tag,
      listKey: 'goals',
      singular: 'goal',
      permission: 'goals',
      item: Goal,
      list: { query: GoalListQuery, summary: 'List goals within the data scope' },
      create: { body: CreateGoalBody, summary: 'Create a goal, optionally with its assignees' },
      read: { summary: 'Read a goal with its assignments' },
      update: { body: UpdateGoalBody, summary: 'Change a goal' },
      delete: { summary: 'Delete a goal (archived instead when progress was reported on it)' },
    },
    { list: goals.list, create: goals.create, get: goals.get, update: goals.update, remove: goals.remove },
  );

  const action = { tag, method: 'post', response: Goal, permission: 'goals:write' } as const;
  resourceAction(
    app,
    {
      ...action,
      path: '/goals/:id/assign',
      summary: 'Assign users or teams, each with its own target or the goal’s',
      body: AssignBody,
    },
    (ctx, id, body) => goals.assign(ctx, id, body),
  );
  resourceAction(
    app,
    {
      ...action,
      path: '/goals/:id/unassign',
      summary: 'Remove users or teams from a goal',
      body: UnassignBody,
    },
    (ctx, id, body) => goals.unassign(ctx, id, body),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/goals/:id/progress',
      summary: 'Progress per assignee and overall, computed from the data of the period',
      permission: 'goals:read',
      response: GoalProgress,
    },
    (ctx, id) => goals.progress(ctx, id),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/goals/:id/progress',
      summary: 'Report the progress reached on a manual goal (replaces the previous report)',
      permission: 'goals:report',
      body: ReportProgressBody,
      response: GoalProgress,
    },
    (ctx, id, body) => goals.report(ctx, id, body),
  );
}
