import type { FastifyInstance } from 'fastify';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import { CreateUserBody, RolesBody, UpdateUserBody, User, UserListQuery } from './users.schemas.js';
import type { UsersService } from './users.service.js';

export function userRoutes(app: FastifyInstance, users: UsersService): void {
  const tag = 'users';
  crudRoutes(
    app,
    {
      path: '/users',
      tag,
      listKey: 'users',
      singular: 'user',
      permission: 'users',
      item: User,
      list: { query: UserListQuery, summary: 'List users within the caller’s data scope' },
      create: { body: CreateUserBody },
      // Everyone may read their own record; other users need users:read and must be in scope.
      read: {
        summary: 'Read a user (own record, or within the data scope with users:read)',
        permission: 'authenticated',
      },
      update: { body: UpdateUserBody },
      delete: { summary: 'Deactivate a user (never a hard delete) and revoke their sessions' },
    },
    { ...users, remove: users.deactivate },
  );
  resourceAction(
    app,
    {
      tag,
      method: 'put',
      path: '/users/:id/activate',
      summary: 'Reactivate a user',
      permission: 'users:write',
      response: User,
    },
    (ctx, id) => users.activate(ctx, id),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/users/:id/roles',
      summary: 'Replace the roles of a user (role keys or ids)',
      permission: 'users:assign_roles',
      body: RolesBody,
      response: User,
    },
    (ctx, id, body) => users.setRoles(ctx, id, body),
  );
}
