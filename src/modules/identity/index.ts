import type { SalesOpsModule } from '../../platform/module.js';
import { authRoutes, identityPrincipalResolver, seedIdentityDemo } from './auth/index.js';
import { directoryRoutes } from './directory/index.js';
import { orgRoutes } from './org/index.js';
import { setPasswordHashCost } from './passwords.js';
import { IDENTITY_PERMISSIONS } from './permissions.js';

/**
 * Identity: tenants, users, roles and permissions, org units and teams, auth flows and sessions,
 * the audit log. Other modules use `scopePredicate` for data scopes and `writeAudit` for audit rows.
 */
export const identityModule: SalesOpsModule = {
  name: 'identity',
  permissions: IDENTITY_PERMISSIONS,
  principalResolver: identityPrincipalResolver,
  async routes(app, platform) {
    setPasswordHashCost(platform.config.passwordHashCost);
    await authRoutes(app, platform);
    await directoryRoutes(app, platform);
    await orgRoutes(app, platform);
  },
  async seedDemo(platform) {
    setPasswordHashCost(platform.config.passwordHashCost);
    return seedIdentityDemo(platform);
  },
};

export { scopePredicate } from './scope.js';
export { auditSourceOf, writeAudit, type AuditSource } from './audit.js';
export { PLATFORM_TENANT_ID } from './tables/tenants.tables.js';
export { diff } from './audit.js';
export { callContext, inTenant, iso, likeEscape, parseSort, type CallContext } from './directory/context.js';
export { orgUnits } from './tables/org.tables.js';
export { tenants } from './tables/tenants.tables.js';
export { users } from './tables/users.tables.js';
export { teamMembers, teams } from './tables/org.tables.js';
export { registerActivityCounter, type ActivityCounter } from './org/index.js';
export { hashPassword } from './passwords.js';
