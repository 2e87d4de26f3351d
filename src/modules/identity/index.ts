import type { SalesOpsModule } from '../../platform/module.js';
import { authRoutes, identityPrincipalResolver, seedIdentityDemo } from './auth/index.js';
import { existingSessionRevocationsOf } from './auth/revocation.js';
import { directoryRoutes } from './directory/index.js';
import { orgRoutes } from './org/index.js';
import { setPasswordHashCost } from './passwords.js';
import { IDENTITY_PERMISSIONS } from './permissions.js';
import { alignBuiltinRoles } from './tenants/builtin-roles.js';
import { identityUsersInScope } from './scope.js';
import { IDENTITY_RETENTION_RULES } from './retention.js';

/**
 * Identity: tenants, users, roles and permissions, org units and teams, auth flows and sessions,
 * the audit log. Other modules use `scopePredicate` for data scopes and `writeAudit` for audit rows.
 */
export const identityModule: SalesOpsModule = {
  name: 'identity',
  permissions: IDENTITY_PERMISSIONS,
  principalResolver: identityPrincipalResolver,
  usersInScope: identityUsersInScope,
  async routes(app, platform) {
    setPasswordHashCost(platform.config.passwordHashCost);
    await authRoutes(app, platform);
    await directoryRoutes(app, platform);
    await orgRoutes(app, platform);
  },
  async onStart(platform) {
    // API instances LISTEN for session revocations made on the others (not the OpenAPI generator).
    const revocations = existingSessionRevocationsOf(platform);
    await revocations?.start();
    await alignBuiltinRoles(platform.system, platform.permissions, revocations);
  },
  async seedDemo(platform) {
    setPasswordHashCost(platform.config.passwordHashCost);
    return seedIdentityDemo(platform);
  },
  retention: IDENTITY_RETENTION_RULES,
};

export { scopePredicate } from './scope.js';
export { auditSourceOf, writeAudit, writeAudits, type AuditEntry, type AuditSource } from './audit.js';
export { SYSTEM_AUDIT } from './audit.js';
export { auditInsertOf, auditInsertSql, auditPlaceholders, diff } from './audit.js';
export { callContext, inTenant, iso, likeEscape, parseSort, type CallContext } from './directory/context.js';
export { hashPassword } from './passwords.js';
export { ensureScaleAgents } from './scale-agents.js';
export {
  isActiveUserInScope,
  membersOfTeams,
  orgUnitCodesByIds,
  orgUnitIdsAmong,
  orgUnitIdsByCode,
  teamIdsInScope,
  teamInScopePredicate,
  teamOfMemberPredicate,
  userFacts,
  userIdsByCodeOrUsername,
  userIdsByEmails,
  userIdsByEmployeeCodes,
  userIdsByUsernames,
  type UserFacts,
} from './lookups.js';
export { checkPhoneRequired, phoneField } from './phone.js';
export {
  activeTenantIds,
  setUserNotificationOverrides,
  teamLeadersOf,
  tenantSettingsOf,
  userMailFacts,
  usersCoveringOwner,
  usersCoveringOwners,
} from './notify-lookups.js';
export type { HealthWeights, PlanningSettings, TenantSettings } from './tables/tenants.tables.js';
export { PlanningSettingsSchema } from './directory/tenants.schemas.js';
export { updateTenantSettings } from './tenants/settings-store.js';
export { principalOfUser, tenantFacts } from './tenant-facts.js';
export { checkPasswordPolicy } from './passwords.js';
export { IDENTITY_PERMISSIONS } from './permissions.js';
export { createSuperAdmin } from './auth/auth.repository.js';
export { slugify } from './auth/auth.service.js';
export { provisionTenant } from './tenants/provision.js';
