import type { FastifyInstance } from 'fastify';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { actionsOf } from '../../../platform/resource/index.js';
import { AccuracyQuery, AccuracyReport } from './accuracy.schemas.js';
import { createAccuracyService } from './accuracy.service.js';

export function accuracyRoutes(app: FastifyInstance, db: TenantDatabase): void {
  const service = createAccuracyService({ db });
  const action = actionsOf(app, 'sop-accuracy');
  action(
    {
      method: 'get',
      path: '/sop/accuracy',
      summary:
        'Forecast accuracy (MAPE, WAPE, bias) per rep, customer, product or cycle, beside the baseline',
      description:
        'Over the months of submitted and approved forecasts that have actual sales (months before the current one ' +
        'with sales history loaded; a customer × product without a row that month sold 0). The baseline is the ' +
        'statistical baseline from the history before the cycle’s anchor month. Scoped like forecasts (an agent: ' +
        'their own). Filters: cycle_id, rep_id, customer_id, product_id; group_by rep (default) | customer | product | cycle.',
      permission: 'forecasts:read',
      query: AccuracyQuery,
      response: AccuracyReport,
    },
    (ctx, _id, _body, query: AccuracyQuery) => service.get(ctx, query),
  );
}
