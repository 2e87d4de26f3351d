import type { FastifyInstance } from 'fastify';
import { actionsOf } from '../../../platform/resource/index.js';
import {
  AccountManagerPerformance,
  ProductPerformance,
  RecentActivity,
  RecentActivityQuery,
  RenewalsQuery,
  UpcomingRenewals,
} from './activity.schemas.js';
import {
  CsatTrends,
  CsatTrendsQuery,
  CustomerSegments,
  DashboardStats,
  HealthDistribution,
  HealthTrends,
  HealthTrendsQuery,
  SegmentsQuery,
} from './dashboard.schemas.js';
import type { DashboardService } from './dashboard.service.js';

const permission = 'success_dashboard:read';
const SCOPE =
  'Only customers in the data scope count (by their account manager), with their deployments, interactions, scores, responses and alerts. Served customers are those not churned (an archived customer counts as churned). Days, weeks and months are the tenant’s calendar.';

export function dashboardRoutes(app: FastifyInstance, dashboard: DashboardService): void {
  const action = actionsOf(app, 'dashboard');
  action(
    {
      method: 'get',
      path: '/dashboard/stats',
      summary:
        'Customer-success headline figures: customers by status, health, open alerts, CSAT and NPS in 90 days, renewals due in 90 days, interactions in 30 days, active deployments',
      description: SCOPE,
      permission,
      response: DashboardStats,
    },
    (ctx) => dashboard.stats(ctx),
  );
  action(
    {
      method: 'get',
      path: '/dashboard/health-distribution',
      summary: 'Latest health scores of the served customers in score buckets and by risk level',
      description: SCOPE,
      permission,
      response: HealthDistribution,
    },
    (ctx) => dashboard.healthDistribution(ctx),
  );
  action(
    {
      method: 'get',
      path: '/dashboard/health-trends',
      summary: 'Average customer health per week or month: each customer’s latest score in each period',
      description: `${SCOPE} Read from the score history (customer-level scores); at most 24 months or 52 weeks (422 at /query/periods).`,
      permission,
      query: HealthTrendsQuery,
      response: HealthTrends,
    },
    (ctx, _id, _body, query: HealthTrendsQuery) => dashboard.healthTrends(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/dashboard/csat-trends',
      summary: 'Per month: responses, CSAT average and NPS',
      description: SCOPE,
      permission,
      query: CsatTrendsQuery,
      response: CsatTrends,
    },
    (ctx, _id, _body, query: CsatTrendsQuery) => dashboard.csatTrends(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/dashboard/customer-segments',
      summary:
        'Customers, average health and contract value by industry, status, contract value band and risk',
      description: `${SCOPE} Value bands not ascending or not positive: 422 at /query/value_bands.`,
      permission,
      query: SegmentsQuery,
      response: CustomerSegments,
    },
    (ctx, _id, _body, query: SegmentsQuery) => dashboard.customerSegments(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/dashboard/upcoming-renewals',
      summary:
        'Served customers whose contract ends within N days: days left, value, health, risk, account manager',
      description: SCOPE,
      permission,
      query: RenewalsQuery,
      response: UpcomingRenewals,
    },
    (ctx, _id, _body, query: RenewalsQuery) => dashboard.upcomingRenewals(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/dashboard/recent-activity',
      summary: 'The latest interactions, CSAT responses, alerts and health changes, newest first',
      description: `${SCOPE} A health change is a customer-level score whose risk level differs from the customer’s previous score, among the scores of the last 30 days.`,
      permission,
      query: RecentActivityQuery,
      response: RecentActivity,
    },
    (ctx, _id, _body, query: RecentActivityQuery) => dashboard.recentActivity(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/dashboard/product-performance',
      summary:
        'Per deployed product: customers, deployments, average health, CSAT and NPS in 90 days, open alerts',
      description: SCOPE,
      permission,
      response: ProductPerformance,
    },
    (ctx) => dashboard.productPerformance(ctx),
  );
  action(
    {
      method: 'get',
      path: '/dashboard/account-manager-performance',
      summary:
        'Per account manager: customers, average health, at-risk customers, renewals due in 90 days, interactions in 30 days',
      description: SCOPE,
      permission,
      response: AccountManagerPerformance,
    },
    (ctx) => dashboard.accountManagerPerformance(ctx),
  );
}
