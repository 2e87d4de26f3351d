import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePrincipal } from '../../../platform/http/auth.js';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import { auditSourceOf } from '../audit.js';
import {
  CreatedTenant,
  CreateTenantBody,
  Tenant,
  TenantListQuery,
  UpdateTenantBody,
} from './tenants.schemas.js';
import type { TenantCaller, TenantsService } from './tenants.service.js';

/** Only super administrators hold this permission (it is in no role's catalogue). */
export const TENANTS_MANAGE = 'tenants:manage';

/** Super administrators call these without a tenant (no X-Tenant-ID), so the caller needs none. */
const caller = (request: FastifyRequest): TenantCaller => ({
  principal: requirePrincipal(request),
  audit: auditSourceOf(request),
});

export function tenantRoutes(app: FastifyInstance, tenants: TenantsService): void {
  const tag = 'tenants';
  crudRoutes(
    app,
    {
      path: '/tenants',
      tag,
      listKey: 'tenants',
      singular: 'tenant',
      permission: { read: TENANTS_MANAGE, write: TENANTS_MANAGE },
      item: Tenant,
      context: caller,
      list: { query: TenantListQuery, summary: 'List tenants (super_admin)' },
      create: {
        body: CreateTenantBody,
        response: CreatedTenant,
        summary: 'Create a tenant with its built-in roles and first admin (super_admin)',
      },
      read: { summary: 'Read a tenant (admins: their own)', permission: [TENANTS_MANAGE, 'tenant:read'] },
      update: {
        body: UpdateTenantBody,
        summary: 'Update a tenant’s name and settings (admins: their own)',
        permission: [TENANTS_MANAGE, 'tenant:update'],
      },
    },
    tenants,
  );
  const statusAction = (path: string, summary: string, change: typeof tenants.suspend) =>
    resourceAction(
      app,
      { tag, method: 'post', path, summary, permission: TENANTS_MANAGE, response: Tenant, context: caller },
      (who, id) => change(who, id),
    );
  statusAction(
    '/tenants/:id/suspend',
    'Suspend a tenant: its users can no longer sign in; sessions are revoked (super_admin)',
    tenants.suspend,
  );
  statusAction('/tenants/:id/reactivate', 'Reactivate a suspended tenant (super_admin)', tenants.reactivate);
}
