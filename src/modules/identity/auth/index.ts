export { authRoutes } from './routes.js';
export { identityPrincipalResolver, clearPrincipalCache, principalCache } from './resolver.js';
export { seedIdentityDemo } from './seed.js';
export { createSuperAdmin, insertUserWithRoles } from './repository.js';
