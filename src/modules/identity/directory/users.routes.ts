import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from './context.js';
import {
  CreateUserBody,
  RolesBody,
  UpdateUserBody,
  User,
  UserListQuery,
  type CreateUserBody as CreateUserBodyT,
  type RolesBody as RolesBodyT,
  type UpdateUserBody as UpdateUserBodyT,
  type UserListQuery as UserListQueryT,
} from './users.schemas.js';
import type { UsersService } from './users.service.js';

const tags = ['users'];
type Id = { id: string };

export function userRoutes(app: FastifyInstance, users: UsersService): void {
  app.get<{ Querystring: UserListQueryT }>(
    '/users',
    {
      config: { permission: 'users:read' },
      schema: {
        summary: 'List users within the caller’s data scope',
        tags,
        querystring: UserListQuery,
        response: { 200: ListEnvelope('users', User) },
      },
    },
    async (request) => users.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateUserBodyT }>(
    '/users',
    {
      config: { permission: 'users:write' },
      schema: { summary: 'Create a user', tags, body: CreateUserBody, response: { 201: User } },
    },
    async (request, reply) => reply.code(201).send(await users.create(callContext(request), request.body)),
  );

  app.get<{ Params: Id }>(
    '/users/:id',
    {
      // Everyone may read their own record; other users need users:read and must be in scope.
      config: { permission: 'authenticated' },
      schema: {
        summary: 'Read a user (own record, or within the data scope with users:read)',
        tags,
        params: IdParams,
        response: { 200: User },
      },
    },
    async (request) => users.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: UpdateUserBodyT }>(
    '/users/:id',
    {
      config: { permission: 'users:write' },
      schema: {
        summary: 'Update a user',
        tags,
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: User },
      },
    },
    async (request) => users.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/users/:id',
    {
      config: { permission: 'users:write' },
      schema: {
        summary: 'Deactivate a user (never a hard delete) and revoke their sessions',
        tags,
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await users.deactivate(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.put<{ Params: Id }>(
    '/users/:id/activate',
    {
      config: { permission: 'users:write' },
      schema: { summary: 'Reactivate a user', tags, params: IdParams, response: { 200: User } },
    },
    async (request) => users.activate(callContext(request), request.params.id),
  );

  app.post<{ Params: Id; Body: RolesBodyT }>(
    '/users/:id/roles',
    {
      config: { permission: 'users:assign_roles' },
      schema: {
        summary: 'Replace the roles of a user (role keys or ids)',
        tags,
        params: IdParams,
        body: RolesBody,
        response: { 200: User },
      },
    },
    async (request) => users.setRoles(callContext(request), request.params.id, request.body),
  );
}
