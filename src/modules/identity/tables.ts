/**
 * Foreign-key targets for other modules' table definitions (DESIGN §2: identity and catalog are the
 * only modules others may reference by foreign key). Lint lets only `*.tables.ts` files import this
 * entry; services and repositories ask identity's index.ts instead.
 */
export { orgUnits, teams } from './tables/org.tables.js';
export { tenants } from './tables/tenants.tables.js';
export { users } from './tables/users.tables.js';
