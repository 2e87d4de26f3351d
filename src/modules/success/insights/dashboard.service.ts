import type { TenantDatabase } from '../../../platform/db/types.js';
import type { CallContext } from '../../../platform/resource/index.js';
import type { RecentActivityQuery, RenewalsQuery } from './activity.schemas.js';
import type { CsatTrendsQuery, HealthTrendsQuery, SegmentsQuery } from './dashboard.schemas.js';
import { insightContext, type InsightContext } from './insight-context.js';
import { recentActivity, upcomingRenewals } from './lists.queries.js';
import { customerSegments, dashboardStats, healthDistribution, valueBands } from './overview.queries.js';
import { accountManagerPerformance, productPerformance } from './performance.queries.js';
import { checkPeriods, csatTrends, healthTrends } from './trends.queries.js';

/**
 * The customer-success dashboard: each read runs in the caller's tenant (RLS) and data scope, in
 * the tenant's time zone, "now" being the moment of the request. Parameters the schemas cannot
 * judge alone are checked before the database is touched.
 */
export function createDashboardService(deps: { db: TenantDatabase }) {
  const read = <T>(ctx: CallContext, fn: (insight: InsightContext) => Promise<T>): Promise<T> =>
    deps.db.readTenant({ tenantId: ctx.tenantId }, async (tx) =>
      fn(await insightContext(tx, ctx.tenantId, ctx.principal, new Date())),
    );

  return {
    stats: (ctx: CallContext) => read(ctx, dashboardStats),
    healthDistribution: (ctx: CallContext) => read(ctx, healthDistribution),
    healthTrends(ctx: CallContext, query: HealthTrendsQuery) {
      checkPeriods(query.interval, query.periods);
      return read(ctx, (insight) => healthTrends(insight, query.interval, query.periods));
    },
    csatTrends: (ctx: CallContext, query: CsatTrendsQuery) =>
      read(ctx, (insight) => csatTrends(insight, query.months)),
    customerSegments(ctx: CallContext, query: SegmentsQuery) {
      const limits = valueBands(query.value_bands);
      return read(ctx, (insight) => customerSegments(insight, limits));
    },
    upcomingRenewals: (ctx: CallContext, query: RenewalsQuery) =>
      read(ctx, (insight) => upcomingRenewals(insight, query)),
    recentActivity: (ctx: CallContext, query: RecentActivityQuery) =>
      read(ctx, (insight) => recentActivity(insight, query.limit)),
    productPerformance: (ctx: CallContext) => read(ctx, productPerformance),
    accountManagerPerformance: (ctx: CallContext) => read(ctx, accountManagerPerformance),
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
