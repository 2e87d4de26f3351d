import type { SalesOpsModule } from '../../platform/module.js';
import { seedCommerceDemo } from './demo/seed.js';
import { integrationsPart } from './integrations/index.js';
import { analyticsPart } from './analytics/index.js';
import type { CommercePart } from './part.js';
import { documentsPart } from './documents/index.js';
import { inventoryPart } from './inventory/index.js';
import { COMMERCE_PERMISSIONS } from './permissions.js';
import { settingsPart } from './settings/index.js';
import { syncPart } from './sync/index.js';

const PARTS: readonly CommercePart[] = [
  integrationsPart,
  settingsPart,
  inventoryPart,
  documentsPart,
  syncPart,
  analyticsPart,
];

/**
 * Commerce: stock per product and warehouse with movements and thresholds, sales and purchase
 * documents, sales/inventory/customer/ABC-XYZ analytics, and ERP integrations (MoySklad) with
 * resumable incremental sync jobs and webhooks. Products, folders, warehouses and customers live in
 * the catalog; synced rows map to them through external references.
 */
export const commerceModule: SalesOpsModule = {
  name: 'commerce',
  permissions: COMMERCE_PERMISSIONS,
  async routes(app, platform) {
    for (const part of PARTS) await part.routes?.(app, platform);
  },
  registerJobs(platform) {
    for (const part of PARTS) part.registerJobs?.(platform);
  },
  async onStart(platform) {
    for (const part of PARTS) await part.onStart?.(platform);
  },
  async beforeStop(platform) {
    for (const part of PARTS) await part.beforeStop?.(platform);
  },
  async onStop(platform) {
    for (const part of PARTS) await part.onStop?.(platform);
  },
  scheduledJobs: PARTS.flatMap((part) => part.scheduledJobs ?? []),
  importers: PARTS.flatMap((part) => part.importers ?? []),
  alertChecks: PARTS.flatMap((part) => part.alertChecks ?? []),
  reportTypes: PARTS.flatMap((part) => part.reportTypes ?? []),
  retention: PARTS.flatMap((part) => part.retention ?? []),
  seedDemo: seedCommerceDemo,
};

export { COMMERCE_PERMISSIONS } from './permissions.js';
export { moyskladProvider, startFakeMoysklad } from './moysklad/index.js';
export type { FakeMoysklad, FakeMoyskladOptions, FakeControl } from './moysklad/index.js';
export {
  CommerceScaleSeedError,
  seedCommerceScale,
  type CommerceScaleOptions,
  type CommerceScaleResult,
} from './seed-scale.js';
