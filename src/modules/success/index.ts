import type { SalesOpsModule } from '../../platform/module.js';
import { accountsPart } from './accounts/index.js';
import { csatPart } from './csat/index.js';
import { healthPart } from './health/index.js';
import { insightsPart } from './insights/index.js';
import type { SuccessPart } from './part.js';
import { SUCCESS_PERMISSIONS } from './permissions.js';
import { seedSuccessDemo } from './seed.js';

const PARTS: readonly SuccessPart[] = [accountsPart, healthPart, csatPart, insightsPart];

/**
 * Customer success: product deployments, customer interactions and follow-ups, explainable health
 * scores with their history, CSAT/NPS responses with public single-use survey links, the success
 * alerts, dashboard and report types, and the daily jobs in each tenant's time zone. Its records
 * are scoped by the customer's account manager (scope.ts).
 */
export const successModule: SalesOpsModule = {
  name: 'success',
  permissions: SUCCESS_PERMISSIONS,
  async routes(app, platform) {
    for (const part of PARTS) part.routes?.(app, platform);
  },
  registerJobs(platform) {
    for (const part of PARTS) part.registerJobs?.(platform);
  },
  scheduledJobs: PARTS.flatMap((part) => part.scheduledJobs ?? []),
  alertChecks: PARTS.flatMap((part) => part.alertChecks ?? []),
  reportTypes: PARTS.flatMap((part) => part.reportTypes ?? []),
  importers: PARTS.flatMap((part) => part.importers ?? []),
  realtimeTopics: PARTS.flatMap((part) => part.realtimeTopics ?? []),
  seedDemo: (platform) => seedSuccessDemo(platform),
};

export { SUCCESS_PERMISSIONS } from './permissions.js';
export { SuccessScaleSeedError, seedSuccessScale, type SuccessScaleOptions } from './seed-scale.js';
