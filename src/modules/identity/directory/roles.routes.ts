import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from './context.js';
import {
  CreateRoleBody,
  Permission,
  Role,
  RoleListQuery,
  UpdateRoleBody,
  type CreateRoleBody as CreateRoleBodyT,
  type RoleListQuery as RoleListQueryT,
  type UpdateRoleBody as UpdateRoleBodyT,
} from './roles.schemas.js';
import type { RolesService } from './roles.service.js';

const tags = ['roles'];
type Id = { id: string };

export function roleRoutes(app: FastifyInstance, roles: RolesService): void {
  app.get(
    '/permissions',
    {
      config: { permission: 'roles:read' },
      schema: {
        summary: 'The permission catalogue (every module’s permissions)',
        tags,
        response: { 200: ListEnvelope('permissions', Permission) },
      },
    },
    async () => roles.catalogue(),
  );

  app.get<{ Querystring: RoleListQueryT }>(
    '/roles',
    {
      config: { permission: 'roles:read' },
      schema: {
        summary: 'List built-in and custom roles',
        tags,
        querystring: RoleListQuery,
        response: { 200: ListEnvelope('roles', Role) },
      },
    },
    async (request) => roles.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateRoleBodyT }>(
    '/roles',
    {
      config: { permission: 'roles:manage' },
      schema: { summary: 'Create a custom role', tags, body: CreateRoleBody, response: { 201: Role } },
    },
    async (request, reply) => reply.code(201).send(await roles.create(callContext(request), request.body)),
  );

  app.put<{ Params: Id; Body: UpdateRoleBodyT }>(
    '/roles/:id',
    {
      config: { permission: 'roles:manage' },
      schema: {
        summary: 'Change a custom role (built-in roles: 409 BUILTIN_ROLE)',
        tags,
        params: IdParams,
        body: UpdateRoleBody,
        response: { 200: Role },
      },
    },
    async (request) => roles.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/roles/:id',
    {
      config: { permission: 'roles:manage' },
      schema: {
        summary: 'Delete an unused custom role',
        tags,
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await roles.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
