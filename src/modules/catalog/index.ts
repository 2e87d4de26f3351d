import type { SalesOpsModule } from '../../platform/module.js';
import { CORE_PERMISSIONS, coreRoutes } from './core/index.js';
import {
  catalogExportRoutes,
  customersImporter,
  outletsImporter,
  productsImporter,
} from './imports/index.js';
import { PRODUCT_PERMISSIONS, productRoutes } from './products/index.js';
import { queueOutletsGeocodingWasOffFor, registerOutletGeocodingJobs } from './core/outlet-geocoding.js';
import { seedCatalogDemo } from './seed.js';

/**
 * Catalog: the master data every other module references — customers, outlets, warehouses,
 * products with variants, folders, prices and barcodes, brands with infographics, and the external
 * references that map ERP ids to them. Customers, outlets and products import from and export to
 * CSV/XLSX through the platform's bulk engine.
 */
export const catalogModule: SalesOpsModule = {
  name: 'catalog',
  permissions: [...CORE_PERMISSIONS, ...PRODUCT_PERMISSIONS],
  async routes(app, platform) {
    await coreRoutes(app, platform);
    await productRoutes(app, platform);
    catalogExportRoutes(app, platform);
  },
  registerJobs: registerOutletGeocodingJobs,
  onStart: queueOutletsGeocodingWasOffFor,
  importers: [customersImporter, outletsImporter, productsImporter],
  seedDemo: seedCatalogDemo,
};

export {
  activeOutletIds,
  activeOutletIdsByCodes,
  activeProductIds,
  activeProductIdsByCodes,
  brandFacts,
  brandIdsAmong,
  outletCodesByIds,
  outletGeofence,
  outletIdsByCode,
  productCodesByIds,
} from './core/lookups.js';
export {
  externalRefsOf,
  findByExternalRef,
  linkExternalRef,
  type ExternalEntityType,
  type ExternalRefLink,
} from './core/external-refs.js';
export { insertCustomerRows, type NewCustomerRow } from './core/customer-rows.js';
export { productIdsMatching, SEARCH_MATCH_CAP } from './products/products.search.js';
export {
  archiveSyncedRows,
  setCustomerRoles,
  upsertSyncedCustomers,
  upsertSyncedWarehouses,
  type SyncedCustomer,
  type SyncedWarehouse,
} from './core/synced-rows.js';
export {
  linkExternalRefs,
  resolveExternalIds,
  type SyncOutcome,
  type SyncRowFailure,
  type SyncSource,
} from './core/synced-refs.js';
export { upsertSyncedFolders, type SyncedFolder } from './products/synced-folders.js';
export {
  upsertSyncedProducts,
  upsertSyncedVariants,
  type SyncedPrice,
  type SyncedProduct,
  type SyncedVariant,
} from './products/synced-products.js';
