import type { SalesOpsModule } from '../../platform/module.js';
import { catalogImportsPart } from './catalog-imports/index.js';
import { cyclesPart } from './cycles/index.js';
import { forecastsPart } from './forecasts/index.js';
import { seedPlanningDemo } from './demo/seed.js';
import { insightsPart } from './insights/index.js';
import { matrixPart } from './matrix/index.js';
import type { PlanningPart } from './part.js';
import { PLANNING_PERMISSIONS } from './permissions.js';
import { salesHistoryPart } from './sales-history/index.js';
import { settingsPart } from './settings/index.js';

const PARTS: readonly PlanningPart[] = [
  settingsPart,
  cyclesPart,
  salesHistoryPart,
  matrixPart,
  catalogImportsPart,
  forecastsPart,
  insightsPart,
];

/**
 * Sales & operations planning: monthly sales history, the customer–product price matrix, S&OP
 * cycles with their 16-month window, deadline, stats, reminders and auto-close, reps' forecasts
 * (drafts from a statistical baseline, submit, approve/reject, XLSX template round trip), forecast
 * accuracy against the baseline, report types, alert checks, demo data and the planning settings.
 * Sales history, matrix rows and forecasts are scoped by their rep (scope.ts).
 */
export const planningModule: SalesOpsModule = {
  name: 'planning',
  permissions: PLANNING_PERMISSIONS,
  async routes(app, platform) {
    for (const part of PARTS) await part.routes?.(app, platform);
  },
  registerJobs(platform) {
    for (const part of PARTS) part.registerJobs?.(platform);
  },
  scheduledJobs: PARTS.flatMap((part) => part.scheduledJobs ?? []),
  importers: PARTS.flatMap((part) => part.importers ?? []),
  alertChecks: PARTS.flatMap((part) => part.alertChecks ?? []),
  reportTypes: PARTS.flatMap((part) => part.reportTypes ?? []),
  seedDemo: seedPlanningDemo,
};

export { PLANNING_PERMISSIONS } from './permissions.js';
export { PlanningScaleSeedError, seedPlanningScale, type PlanningScaleOptions } from './seed-scale.js';
