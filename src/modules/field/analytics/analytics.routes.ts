import type { FastifyInstance } from 'fastify';
import { callContext } from '../../identity/index.js';
import { AGGREGATED_SHARE } from '../field.schemas.js';
import type { AnalyticsService } from './analytics.service.js';
import {
  Coverage,
  CoverageQuery,
  Overview,
  PeriodQuery,
  ShelfShare,
  ShelfShareQuery,
  VisitSeries,
  VisitSeriesQuery,
  type CoverageQuery as CoverageQueryT,
  type PeriodQuery as PeriodQueryT,
  type ShelfShareQuery as ShelfShareQueryT,
  type VisitSeriesQuery as VisitSeriesQueryT,
} from './analytics.schemas.js';

export function analyticsRoutes(app: FastifyInstance, analytics: AnalyticsService): void {
  const tags = ['analytics'];
  const config = { permission: 'analytics:read' };

  app.get<{ Querystring: PeriodQueryT }>(
    '/analytics/overview',
    {
      config,
      schema: {
        summary: 'Field KPIs within the data scope, against the previous period of equal length',
        tags,
        querystring: PeriodQuery,
        response: { 200: Overview },
      },
    },
    async (request) => analytics.overview(callContext(request), request.query),
  );

  app.get<{ Querystring: VisitSeriesQueryT }>(
    '/analytics/visits',
    {
      config,
      schema: {
        summary: 'Visits per day, week or month by status and type, within the data scope',
        tags,
        querystring: VisitSeriesQuery,
        response: { 200: VisitSeries },
      },
    },
    async (request) => analytics.visits(callContext(request), request.query),
  );

  app.get<{ Querystring: ShelfShareQueryT }>(
    '/analytics/shelf-share',
    {
      config,
      schema: {
        summary:
          'Aggregated shelf share by brand, own vs competitor, optionally per outlet, org unit or period',
        description: AGGREGATED_SHARE,
        tags,
        querystring: ShelfShareQuery,
        response: { 200: ShelfShare },
      },
    },
    async (request) => analytics.shelfShare(callContext(request), request.query),
  );

  app.get<{ Querystring: CoverageQueryT }>(
    '/analytics/call-cycle-coverage',
    {
      config,
      schema: {
        summary: 'Call-cycle coverage and a heat-map of completed visits per outlet',
        tags,
        querystring: CoverageQuery,
        response: { 200: Coverage },
      },
    },
    async (request) => analytics.coverage(callContext(request), request.query),
  );
}
