import type { FastifyInstance } from 'fastify';
import { ListEnvelope } from '../../../platform/http/schemas.js';
import { actionsOf, crudRoutes } from '../../../platform/resource/index.js';
import {
  CreateDeploymentBody,
  Deployment,
  DeploymentListQuery,
  DeploymentStats,
  ExpiringDeployment,
  ExpiringQuery,
  ProductDeploymentsQuery,
  ProductParams,
  StatsQuery,
  UpdateDeploymentBody,
} from './deployments.schemas.js';
import type { DeploymentsService } from './deployments.service.js';

const tag = 'deployments';

export function deploymentRoutes(app: FastifyInstance, service: DeploymentsService): void {
  const action = actionsOf(app, tag);
  const read = 'deployments:read';

  action(
    {
      method: 'get',
      path: '/deployments/stats',
      summary: 'Deployment counts by product, environment and licence type (active and total)',
      permission: read,
      query: StatsQuery,
      response: DeploymentStats,
    },
    (ctx, _id, _body, query) => service.stats(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/deployments/expiring',
      summary: 'Active deployments whose licence expires within `days` (default 30), soonest first',
      description:
        'From today to today + `days` in the tenant’s time zone, both included (`days_left` 0 … days). ' +
        'Licences that have already expired are left out unless `include_expired=true`; they are then ' +
        'listed first with a negative `days_left` and `expired: true`. Inactive deployments never appear.',
      permission: read,
      query: ExpiringQuery,
      response: ListEnvelope('deployments', ExpiringDeployment),
    },
    (ctx, _id, _body, query) => service.expiring(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/deployments/by-product/:name',
      summary: 'Deployments of one product (name matched case-insensitively)',
      permission: read,
      params: ProductParams,
      query: ProductDeploymentsQuery,
      response: ListEnvelope('deployments', Deployment),
    },
    (ctx, _id, _body, query, params) => service.byProduct(ctx, params.name!, query),
  );

  crudRoutes(
    app,
    {
      path: '/deployments',
      tag,
      listKey: 'deployments',
      singular: 'deployment',
      permission: 'deployments',
      item: Deployment,
      list: { query: DeploymentListQuery, summary: 'List deployments of the customers in the data scope' },
      create: {
        body: CreateDeploymentBody,
        summary: 'Record a product deployment of a customer in the data scope (422 at customer_id otherwise)',
      },
      read: {},
      update: {
        body: UpdateDeploymentBody,
        summary:
          'Change a deployment (partial); an inactive one only together with is_active: true (409 DEPLOYMENT_INACTIVE)',
      },
      delete: { summary: 'Deactivate a deployment (is_active false; it is kept for its history)' },
    },
    { ...service, remove: service.deactivate },
  );
}
