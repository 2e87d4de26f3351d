/**
 * Foreign-key targets for other modules' table definitions (DESIGN §2: identity and catalog are the
 * only modules others may reference by foreign key). Lint lets only `*.tables.ts` files import this
 * entry; services and repositories ask the catalogue's index.ts instead.
 */
export { customers, HEALTH_RISKS, outlets, warehouses } from './tables/core.tables.js';
export { brands, productVariants, products } from './tables/products.tables.js';
