import type { FastifyInstance } from 'fastify';
import { actionsOf } from '../../../platform/resource/index.js';
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
  const action = actionsOf(app, 'analytics');
  const permission = 'analytics:read';

  action(
    {
      method: 'get',
      path: '/analytics/overview',
      summary: 'Field KPIs within the data scope, against the previous period of equal length',
      permission,
      query: PeriodQuery,
      response: Overview,
    },
    async (ctx, _id, _body, query: PeriodQueryT) => analytics.overview(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/analytics/visits',
      summary: 'Visits per day, week or month by status and type, within the data scope',
      permission,
      query: VisitSeriesQuery,
      response: VisitSeries,
    },
    async (ctx, _id, _body, query: VisitSeriesQueryT) => analytics.visits(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/analytics/shelf-share',
      summary:
        'Aggregated shelf share by brand, own vs competitor, optionally per outlet, org unit or period',
      description: AGGREGATED_SHARE,
      permission,
      query: ShelfShareQuery,
      response: ShelfShare,
    },
    async (ctx, _id, _body, query: ShelfShareQueryT) => analytics.shelfShare(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/analytics/call-cycle-coverage',
      summary: 'Call-cycle coverage and a heat-map of completed visits per outlet',
      permission,
      query: CoverageQuery,
      response: Coverage,
    },
    async (ctx, _id, _body, query: CoverageQueryT) => analytics.coverage(ctx, query),
  );
}
