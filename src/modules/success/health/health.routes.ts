import type { FastifyInstance } from 'fastify';
import { IdParams } from '../../../platform/http/schemas.js';
import { actionsOf } from '../../../platform/resource/index.js';
import { JobRun } from '../../notify/index.js';
import {
  AtRiskList,
  AtRiskQuery,
  CustomerIdParams,
  DeploymentQuery,
  HealthDistribution,
  HealthScore,
  HealthScoreList,
  HealthSettings,
  HealthSettingsBody,
  HealthTrends,
  HistoryQuery,
  TrendsQuery,
} from './health.schemas.js';
import type { HealthService } from './health.service.js';

const tag = 'health-scores';
const SCOPE =
  "Within the data scope (the customer's account manager); a customer outside it, or of another tenant, is 404.";
const RULES =
  'Components 0–100: adoption (active products 3+ 100, 2 70, 1 40, none 0; +10 up to 100 for a contract started under 90 days ago), support (100 − 2 per support ticket − 10 per escalation − 5 per negative interaction), engagement (min(100, 15 per meeting + 10 per call + 5 per email + 10 per training)), interactions of the last 90 tenant-local days; financial (days to contract end: none 50, expired 0, < 30 20, < 90 50, < 180 80, else 100). Overall = weighted sum with the tenant weights, truncated. Risk ≥ 80 low, ≥ 60 medium, ≥ 40 high, else critical. Trend against the latest score at least 30 days old: +5 improving, −5 declining, else stable.';

export function healthRoutes(app: FastifyInstance, health: HealthService): void {
  const action = actionsOf(app, tag);

  action(
    {
      method: 'post',
      path: '/health-scores/calculate/:customer_id',
      summary: "Calculate a customer's health score now (or one deployment's with `deployment_id`)",
      description: `${RULES} A customer-level score becomes the customer's \`health_score\`/\`health_risk\`, moves its status (high or critical risk: at_risk; at_risk back to active at low or medium; churned never changes) and may raise a \`health_drop\` alert. With \`deployment_id\` (one of the customer's deployments, else 404 \`DEPLOYMENT_NOT_FOUND\`) adoption counts that deployment's product only, the other components are the customer's, and the customer is not changed. ${SCOPE}`,
      permission: 'health:calculate',
      params: CustomerIdParams,
      query: DeploymentQuery,
      response: HealthScore,
      status: 201,
    },
    (ctx, _id, _body, query: DeploymentQuery, params) => health.calculate(ctx, params.customer_id!, query),
  );
  action(
    {
      method: 'post',
      path: '/health-scores/calculate-all',
      summary: 'Score every current customer of the tenant, as a job; answers with the queued run',
      description:
        'Current customers: not archived, customers (not only suppliers), not churned. Follow the run at `GET /health-scores/calculate-all/{id}`.',
      permission: 'health:calculate',
      response: JobRun,
      status: 202,
    },
    (ctx) => health.calculateAll(ctx),
  );
  action(
    {
      method: 'get',
      path: '/health-scores/calculate-all/:id',
      summary: 'A calculate-all run: queued, running, succeeded or failed (with the error)',
      permission: 'health:calculate',
      params: IdParams,
      response: JobRun,
    },
    (ctx, id) => health.calculateAllRun(ctx, id),
  );
  action(
    {
      method: 'get',
      path: '/health-scores/customer/:id',
      summary: "A customer's latest health score (or one deployment's with `deployment_id`)",
      description: `404 \`HEALTH_SCORE_NOT_FOUND\` when it has none. ${SCOPE}`,
      permission: 'health:read',
      query: DeploymentQuery,
      response: HealthScore,
    },
    (ctx, id, _body, query: DeploymentQuery) => health.latest(ctx, id, query),
  );
  action(
    {
      method: 'get',
      path: '/health-scores/customer/:id/history',
      summary: "A customer's health scores, newest first (customer-level, or one deployment's)",
      description: SCOPE,
      permission: 'health:read',
      query: HistoryQuery,
      response: HealthScoreList,
    },
    (ctx, id, _body, query: HistoryQuery) => health.history(ctx, id, query),
  );
  action(
    {
      method: 'get',
      path: '/health-scores/trends',
      summary: 'Average health score and risk counts per day, week or month',
      description:
        'Customers in the data scope scored in each period, each counted once with their latest customer-level score of the period. Periods are tenant-local; the range is at most 400 days (422).',
      permission: 'health:read',
      query: TrendsQuery,
      response: HealthTrends,
    },
    (ctx, _id, _body, query: TrendsQuery) => health.trends(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/health-scores/at-risk',
      summary: 'Current customers whose latest score is high or critical risk, worst first',
      description: 'Sorted by score (lowest first), then name. Within the data scope.',
      permission: 'health:read',
      query: AtRiskQuery,
      response: AtRiskList,
    },
    (ctx, _id, _body, query: AtRiskQuery) => health.atRisk(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/health-scores/distribution',
      summary: 'Latest scores of current customers in buckets of 20 points and per risk level',
      description:
        'Buckets 0–19, 20–39, 40–59, 60–79, 80–100. Within the data scope; unscored customers are left out.',
      permission: 'health:read',
      response: HealthDistribution,
    },
    (ctx) => health.distribution(ctx),
  );
  action(
    {
      method: 'get',
      path: '/health-scores/settings',
      summary: 'The health score component weights of the tenant',
      permission: 'health:read',
      response: HealthSettings,
    },
    (ctx) => health.settings(ctx),
  );
  action(
    {
      method: 'put',
      path: '/health-scores/settings',
      summary: 'Change the health score component weights',
      description:
        'Integers 0–100 that sum to exactly 100; otherwise 422 at `/body/health_weights` naming the sum. Stored as the tenant setting `health_weights`; later scores use them.',
      permission: 'health:settings',
      body: HealthSettingsBody,
      response: HealthSettings,
    },
    (ctx, _id, body: HealthSettingsBody) => health.updateSettings(ctx, body),
  );
}
