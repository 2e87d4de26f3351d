import type { FastifyInstance } from 'fastify';
import { callContext } from '../../identity/index.js';
import {
  SurveyCompletionQuery,
  SurveyCompletionReport,
  type SurveyCompletionQuery as SurveyCompletionQueryT,
  type SurveyCompletionService,
} from './survey-completion.js';

export function fieldAdminRoutes(app: FastifyInstance, completion: SurveyCompletionService): void {
  app.get<{ Querystring: SurveyCompletionQueryT }>(
    '/admin/surveys/completion',
    {
      config: { permission: 'survey_reports:read' },
      schema: {
        summary: 'Per survey: visits planned in the period, completed, and the completion rate',
        tags: ['admin'],
        querystring: SurveyCompletionQuery,
        response: { 200: SurveyCompletionReport },
      },
    },
    async (request) => completion.report(callContext(request), request.query),
  );
}
