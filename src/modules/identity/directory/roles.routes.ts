import type { FastifyInstance } from 'fastify';
import { requirePrincipal } from '../../../platform/http/auth.js';
import { ListEnvelope } from '../../../platform/http/schemas.js';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import { CreateRoleBody, Permission, Role, RoleListQuery, UpdateRoleBody } from './roles.schemas.js';
import type { RolesService } from './roles.service.js';

export function roleRoutes(app: FastifyInstance, roles: RolesService): void {
  const tag = 'roles';
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/permissions',
      summary: 'The permission catalogue (every module’s permissions)',
      permission: 'roles:read',
      response: ListEnvelope('permissions', Permission),
      // The same for every tenant: a super administrator reads it without choosing one.
      context: requirePrincipal,
    },
    async () => roles.catalogue(),
  );
  crudRoutes(
    app,
    {
      path: '/roles',
      tag,
      listKey: 'roles',
      singular: 'role',
      permission: { read: 'roles:read', write: 'roles:manage' },
      item: Role,
      list: { query: RoleListQuery, summary: 'List built-in and custom roles' },
      create: { body: CreateRoleBody, summary: 'Create a custom role' },
      update: { body: UpdateRoleBody, summary: 'Change a custom role (built-in roles: 409 BUILTIN_ROLE)' },
      delete: { summary: 'Delete an unused custom role' },
    },
    roles,
  );
}
