import type { SalesOpsModule } from '../../platform/module.js';
import { fieldAdminRoutes } from './admin/admin.routes.js';
import { FIELD_ACTIVITY_COUNTERS } from './admin/activity.js';
import { createSurveyCompletionService } from './admin/survey-completion.js';
import { analyticsRoutes } from './analytics/analytics.routes.js';
import { createCallCyclesService } from './call-cycles/call-cycles.service.js';
import { FIELD_ALERT_CHECKS } from './call-cycles/alert-checks.js';
import { CALL_CYCLE_SCHEDULED_JOBS, registerCallCycleJobs } from './call-cycles/jobs.js';
import { callCycleRoutes } from './call-cycles/call-cycles.routes.js';
import { createAnalyticsService } from './analytics/analytics.service.js';
import { createGoalsService } from './goals/goals.service.js';
import { goalRoutes } from './goals/goals.routes.js';
import { FIELD_PERMISSIONS, GOAL_AND_CYCLE_PERMISSIONS } from './permissions.js';
import { FIELD_REPORT_TYPES } from './reports/index.js';
import { seedFieldDemo } from './seed.js';
import { createPhotosService } from './photos/photos.service.js';
import { createQuadrantsService } from './photos/quadrants.service.js';
import { photoRoutes } from './photos/photos.routes.js';
import { createQuestionsService } from './surveys/questions.service.js';
import { surveyRoutes } from './surveys/surveys.routes.js';
import { createSurveysService } from './surveys/surveys.service.js';
import { visitRoutes } from './visits/visits.routes.js';
import { createVisitActionsService } from './visits/visit-actions.service.js';
import { createVisitsService } from './visits/visits.service.js';
import { createVisitGeocoding, registerVisitGeocodingJobs } from './visits/visit-geocoding.js';

/**
 * Field execution: surveys with ordered questions, visits with GPS check-in and completion,
 * photos with thumbnails and EXIF facts, and shelf-share marks on photos.
 */
export const fieldModule: SalesOpsModule = {
  name: 'field',
  permissions: [...FIELD_PERMISSIONS, ...GOAL_AND_CYCLE_PERMISSIONS],
  async routes(app, platform) {
    const deps = { db: platform.db };
    surveyRoutes(app, createSurveysService(deps), createQuestionsService(deps));
    visitRoutes(
      app,
      createVisitsService(deps),
      createVisitActionsService({ ...deps, geocoding: createVisitGeocoding(platform) }),
    );
    callCycleRoutes(app, createCallCyclesService(deps));
    goalRoutes(app, createGoalsService(deps));
    const photos = createPhotosService({ db: platform.db, storage: platform.storage });
    // An encapsulated scope, so multipart parsing applies to the photo routes only.
    await app.register(async (scope) =>
      photoRoutes(
        scope,
        photos,
        createQuadrantsService(deps),
        platform.config.uploadLimitBytes,
        platform.config.imageMaxPixels,
      ),
    );
    analyticsRoutes(app, createAnalyticsService(deps));
    fieldAdminRoutes(app, createSurveyCompletionService(deps));
  },
  activityCounters: FIELD_ACTIVITY_COUNTERS,
  registerJobs(platform) {
    registerCallCycleJobs(platform);
    registerVisitGeocodingJobs(platform);
  },
  scheduledJobs: CALL_CYCLE_SCHEDULED_JOBS,
  alertChecks: FIELD_ALERT_CHECKS,
  reportTypes: FIELD_REPORT_TYPES,
  seedDemo: seedFieldDemo,
};

export { FIELD_PERMISSIONS } from './permissions.js';
export { ScaleSeedError, seedFieldScale, type ScaleOptions } from './seed-scale.js';
