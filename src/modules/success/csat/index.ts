import type { SuccessPart } from '../part.js';
import { createCsatAnalytics } from './csat-analytics.js';
import { csatRoutes } from './csat.routes.js';
import { createCsatService } from './csat.service.js';
import { lowCsatCheck } from './low-score-alert.js';
import { createPublicSurveyService } from './public-survey.service.js';
import { publicSurveyRoutes } from './public.routes.js';
import { createSurveyLinksService } from './survey-links.service.js';

/**
 * CSAT and NPS: responses recorded by users or answered through signed, single-use survey links
 * (a public page and JSON routes), per-customer summaries, analytics, and the low-score alert.
 */
export const csatPart: SuccessPart = {
  routes(app, platform) {
    const deps = { db: platform.db, mailer: platform.mailer, realtime: platform.realtime };
    csatRoutes(app, {
      responses: createCsatService(deps),
      analytics: createCsatAnalytics(deps),
      links: createSurveyLinksService({
        db: platform.db,
        tokens: platform.tokens,
        publicUrl: platform.config.publicUrl,
      }),
    });
    publicSurveyRoutes(app, createPublicSurveyService({ ...deps, tokens: platform.tokens }));
  },
  alertChecks: [lowCsatCheck],
};
