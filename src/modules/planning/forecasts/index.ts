import type { PlanningPart } from '../part.js';
import { createBaselineService } from './baseline.service.js';
import { forecastRoutes } from './forecasts.routes.js';
import { createForecastsService } from './forecasts.service.js';
import { createTemplateService } from './template.service.js';

/** Forecasts: drafts, submit, approve/reject, reopen; baselines; the XLSX template and its import. */
export const forecastsPart: PlanningPart = {
  routes: (app, platform) =>
    forecastRoutes(
      app,
      {
        forecasts: createForecastsService({ db: platform.db }),
        baseline: createBaselineService({ db: platform.db }),
        template: createTemplateService({ db: platform.db }),
      },
      platform.config.importLimitBytes,
    ),
};
