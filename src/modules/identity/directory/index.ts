import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../../platform/module.js';
import { sessionRevocationsOf } from '../auth/revocation.js';
import { roleRoutes } from './roles.routes.js';
import { createRolesService } from './roles.service.js';
import { tenantRoutes } from './tenants.routes.js';
import { createTenantsService } from './tenants.service.js';
import { userRoutes } from './users.routes.js';
import { createUsersService } from './users.service.js';

/** Users, roles and permissions, tenants. */
export async function directoryRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const revocations = sessionRevocationsOf(platform);
  const deps = {
    db: platform.db,
    system: platform.system,
    permissions: platform.permissions,
    sessionCache: revocations.cache,
    revocations,
  };
  userRoutes(app, createUsersService(deps));
  roleRoutes(app, createRolesService(deps));
  tenantRoutes(app, createTenantsService({ ...deps, settingsHooks: platform.tenantSettingsHooks }));
}

export { checkPhoneRequired, phoneField } from '../phone.js';
export { checkSettings } from './tenants.service.js';
