import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePrincipal } from '../../../platform/http/auth.js';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { auditSourceOf } from '../audit.js';
import {
  CreatedTenant,
  CreateTenantBody,
  Tenant,
  TenantListQuery,
  UpdateTenantBody,
  type CreateTenantBody as CreateTenantBodyT,
  type TenantListQuery as TenantListQueryT,
  type UpdateTenantBody as UpdateTenantBodyT,
} from './tenants.schemas.js';
import type { TenantCaller, TenantsService } from './tenants.service.js';

const tags = ['tenants'];
type Id = { id: string };

/** Only super administrators hold this permission (it is in no role's catalogue). */
export const TENANTS_MANAGE = 'tenants:manage';

const caller = (request: FastifyRequest): TenantCaller => ({
  principal: requirePrincipal(request),
  audit: auditSourceOf(request),
});

export function tenantRoutes(app: FastifyInstance, tenants: TenantsService): void {
  app.get<{ Querystring: TenantListQueryT }>(
    '/tenants',
    {
      config: { permission: TENANTS_MANAGE },
      schema: {
        summary: 'List tenants (super_admin)',
        tags,
        querystring: TenantListQuery,
        response: { 200: ListEnvelope('tenants', Tenant) },
      },
    },
    async (request) => tenants.list(caller(request), request.query),
  );

  app.post<{ Body: CreateTenantBodyT }>(
    '/tenants',
    {
      config: { permission: TENANTS_MANAGE },
      schema: {
        summary: 'Create a tenant with its built-in roles and first admin (super_admin)',
        tags,
        body: CreateTenantBody,
        response: { 201: CreatedTenant },
      },
    },
    async (request, reply) => reply.code(201).send(await tenants.create(caller(request), request.body)),
  );

  app.get<{ Params: Id }>(
    '/tenants/:id',
    {
      config: { permission: [TENANTS_MANAGE, 'tenant:read'] },
      schema: {
        summary: 'Read a tenant (admins: their own)',
        tags,
        params: IdParams,
        response: { 200: Tenant },
      },
    },
    async (request) => tenants.get(caller(request), request.params.id),
  );

  app.put<{ Params: Id; Body: UpdateTenantBodyT }>(
    '/tenants/:id',
    {
      config: { permission: [TENANTS_MANAGE, 'tenant:update'] },
      schema: {
        summary: 'Update a tenant’s name and settings (admins: their own)',
        tags,
        params: IdParams,
        body: UpdateTenantBody,
        response: { 200: Tenant },
      },
    },
    async (request) => tenants.update(caller(request), request.params.id, request.body),
  );

  app.post<{ Params: Id }>(
    '/tenants/:id/suspend',
    {
      config: { permission: TENANTS_MANAGE },
      schema: {
        summary: 'Suspend a tenant: its users can no longer sign in; sessions are revoked (super_admin)',
        tags,
        params: IdParams,
        response: { 200: Tenant },
      },
    },
    async (request) => tenants.suspend(caller(request), request.params.id),
  );

  app.post<{ Params: Id }>(
    '/tenants/:id/reactivate',
    {
      config: { permission: TENANTS_MANAGE },
      schema: {
        summary: 'Reactivate a suspended tenant (super_admin)',
        tags,
        params: IdParams,
        response: { 200: Tenant },
      },
    },
    async (request) => tenants.reactivate(caller(request), request.params.id),
  );
}
