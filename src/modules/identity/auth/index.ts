export { authRoutes } from './auth.routes.js';
export { identityPrincipalResolver } from './resolver.js';
export { clearPrincipalCache } from './principal-cache.js';
export { sessionRevocationsOf, REVOCATION_CHANNEL } from './revocation.js';
export { seedIdentityDemo } from './seed.js';
export { createSuperAdmin, insertUserWithRoles } from './auth.repository.js';
