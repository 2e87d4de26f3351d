import type { FastifyInstance } from 'fastify';
import { actionsOf } from '../../../platform/resource/index.js';
import { CustomerIdParams } from './interactions.schemas.js';
import { HealthHistory, HealthHistoryQuery, Timeline, TimelineQuery } from './timeline.schemas.js';
import type { TimelineService } from './timeline.service.js';

export function timelineRoutes(app: FastifyInstance, service: TimelineService): void {
  const action = actionsOf(app, 'customers');
  action(
    {
      method: 'get',
      path: '/customers/:id/timeline',
      summary: 'What happened with a customer, newest first (cursor-paged)',
      description:
        'Interactions, CSAT/NPS responses, alerts about the customer (those the caller’s alert scope shows), ' +
        'customer-level health scores, deployments created and deactivated, and the contract’s start and end ' +
        'once their day has come. Ordered by (occurred_at, kind, id) descending; `next_cursor` gives the next, ' +
        'older page. 404 when the customer is not in the caller’s data scope.',
      permission: 'interactions:read',
      params: CustomerIdParams,
      query: TimelineQuery,
      response: Timeline,
    },
    (ctx, id, _body, query) => service.timeline(ctx, id, query),
  );
  action(
    {
      method: 'get',
      path: '/customers/:id/health-history',
      summary: 'A customer’s health scores over time, with components, risk and trend',
      description:
        'Customer-level scores (not a deployment’s) calculated in the period (tenant calendar days, both ' +
        'included), the newest `limit` of them, oldest first; `current` is the score kept on the customer. ' +
        '404 when the customer is not in the caller’s data scope.',
      permission: 'health:read',
      params: CustomerIdParams,
      query: HealthHistoryQuery,
      response: HealthHistory,
    },
    (ctx, id, _body, query) => service.healthHistory(ctx, id, query),
  );
}
