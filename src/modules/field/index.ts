import type { SalesOpsModule } from '../../platform/module.js';
import { FIELD_PERMISSIONS } from './permissions.js';
import { createPhotosService } from './photos/photos.service.js';
import { createQuadrantsService } from './photos/quadrants.service.js';
import { photoRoutes } from './photos/routes.js';
import { createQuestionsService } from './surveys/questions.service.js';
import { surveyRoutes } from './surveys/routes.js';
import { createSurveysService } from './surveys/surveys.service.js';
import { visitRoutes } from './visits/routes.js';
import { createVisitActionsService } from './visits/visit-actions.service.js';
import { createVisitsService } from './visits/visits.service.js';

/**
 * Field execution: surveys with ordered questions, visits with GPS check-in and completion,
 * photos with thumbnails and EXIF facts, and shelf-share marks on photos.
 */
export const fieldModule: SalesOpsModule = {
  name: 'field',
  permissions: FIELD_PERMISSIONS,
  async routes(app, platform) {
    const deps = { db: platform.db };
    surveyRoutes(app, createSurveysService(deps), createQuestionsService(deps));
    visitRoutes(app, createVisitsService(deps), createVisitActionsService(deps));
    const photos = createPhotosService({ db: platform.db, storage: platform.storage });
    // An encapsulated scope, so multipart parsing applies to the photo routes only.
    await app.register(async (scope) =>
      photoRoutes(scope, photos, createQuadrantsService(deps), platform.config.uploadLimitBytes),
    );
  },
};

export { FIELD_PERMISSIONS } from './permissions.js';
