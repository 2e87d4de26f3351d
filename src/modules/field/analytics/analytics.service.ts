import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { type CallContext, inTenant } from '../../identity/index.js';
import {
  shelfShareRows,
  visitHeat,
  visitSeries,
  type Filters,
  type ShelfGrouping,
  type ShelfRow,
} from './analytics.repository.js';
import { periodTotals, type PeriodTotals } from './overview.repository.js';
import { coverageOfCycles, goalAttainment, callCycleAdherence } from './planning.js';
import {
  bucketsBetween,
  metric,
  percent,
  previousPeriod,
  resolvePeriod,
  round2,
  type Interval,
} from './period.js';
import type {
  BrandShare,
  CoverageQuery,
  Overview,
  PeriodQuery,
  ShelfShareGroup,
  ShelfShareQuery,
  VisitBucket,
  VisitSeriesQuery,
} from './analytics.schemas.js';

/**
 * Shares of one group from its per-brand sums: Σ brand's shares ÷ Σ all brands' shares × 100
 * (DESIGN §6), and own brands against competitors the same way.
 */
export function sharesOf(rows: readonly ShelfRow[]): Omit<ShelfShareGroup, 'key' | 'name' | 'photos'> {
  const total = rows.reduce((sum, r) => sum + Number(r.share_sum), 0);
  const own = rows.filter((r) => r.is_own).reduce((sum, r) => sum + Number(r.share_sum), 0);
  const brands: BrandShare[] = rows
    .map((r) => ({
      brand_id: r.brand_id,
      brand_name: r.brand_name,
      is_own: r.is_own,
      share_percent: percent(Number(r.share_sum), total),
      photos: Number(r.photos),
    }))
    .sort((a, b) => b.share_percent - a.share_percent || a.brand_id.localeCompare(b.brand_id));
  return {
    own_percent: percent(own, total),
    competitor_percent: total > 0 ? percent(total - own, total) : 0,
    brands,
  };
}

function groupRows(rows: readonly ShelfRow[]): ShelfShareGroup[] {
  const groups = new Map<string, ShelfRow[]>();
  for (const row of rows) groups.set(row.key, [...(groups.get(row.key) ?? []), row]);
  return [...groups.entries()].map(([key, members]) => ({
    key,
    name: members[0]!.name,
    photos: Number(members[0]!.group_photos),
    ...sharesOf(members),
  }));
}

const bucketJson = (row: {
  total: number;
  s_planned: number;
  s_in_progress: number;
  s_completed: number;
  s_cancelled: number;
  s_missed: number;
  t_planned: number;
  t_unplanned: number;
  t_follow_up: number;
}): Omit<VisitBucket, 'period_start'> => ({
  total: row.total,
  by_status: {
    planned: row.s_planned,
    in_progress: row.s_in_progress,
    completed: row.s_completed,
    cancelled: row.s_cancelled,
    missed: row.s_missed,
  },
  by_type: { planned: row.t_planned, unplanned: row.t_unplanned, follow_up: row.t_follow_up },
  completion_rate: percent(row.s_completed, row.total),
});

const EMPTY_BUCKET = {
  total: 0,
  s_planned: 0,
  s_in_progress: 0,
  s_completed: 0,
  s_cancelled: 0,
  s_missed: 0,
  t_planned: 0,
  t_unplanned: 0,
  t_follow_up: 0,
};

export function createAnalyticsService(deps: { db: TenantDatabase }) {
  const tenantTx = <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>) => inTenant(deps, ctx, fn);

  return {
    overview(ctx: CallContext, query: PeriodQuery): Promise<Overview> {
      const current = resolvePeriod(query);
      const previous = previousPeriod(current);
      return tenantTx(ctx, async (tx) => {
        const { principal, tenantId } = ctx;
        const v = await periodTotals(tx, principal, tenantId, current, previous);
        const goals = await goalAttainment(tx, principal, tenantId, current, previous);
        const adherence = await callCycleAdherence(tx, principal, tenantId, current, previous);
        const rate = (t: PeriodTotals) => percent(t.completed, t.planned);
        const geofence = (t: PeriodTotals) => percent(t.geofence_inside, t.geofence_verified);
        const ownShare = (t: PeriodTotals) => percent(t.share_own, t.share_all);
        return {
          from: current.from,
          to: current.to,
          previous_from: previous.from,
          previous_to: previous.to,
          visits_planned: metric(v.current.planned, v.previous.planned),
          visits_completed: metric(v.current.completed, v.previous.completed),
          completion_rate: metric(rate(v.current), rate(v.previous)),
          geofence_compliance: metric(geofence(v.current), geofence(v.previous)),
          surveys_completed: metric(v.current.surveys_completed, v.previous.surveys_completed),
          photos: metric(v.current.photos, v.previous.photos),
          shelf_share_own: metric(ownShare(v.current), ownShare(v.previous)),
          goal_attainment: metric(round2(goals.current), round2(goals.previous)),
          call_cycle_adherence: metric(adherence.current, adherence.previous),
        };
      });
    },

    visits(ctx: CallContext, query: VisitSeriesQuery) {
      const period = resolvePeriod(query);
      const interval: Interval = query.interval ?? 'day';
      return tenantTx(ctx, async (tx) => {
        const rows = await visitSeries(tx, ctx.principal, ctx.tenantId, period, interval, query as Filters);
        const byBucket = new Map(rows.map((r) => [r.bucket, r]));
        const totals = { ...EMPTY_BUCKET };
        for (const row of rows)
          for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += Number(row[k]);
        return {
          from: period.from,
          to: period.to,
          interval,
          // Every bucket of the period is listed, empty ones with zeros, so charts need no gap filling.
          series: bucketsBetween(period, interval).map((bucket) => ({
            period_start: bucket,
            ...bucketJson(byBucket.get(bucket) ?? EMPTY_BUCKET),
          })),
          totals: bucketJson(totals),
        };
      });
    },

    shelfShare(ctx: CallContext, query: ShelfShareQuery) {
      const period = resolvePeriod(query);
      const interval: Interval = query.interval ?? 'day';
      const filters = query as Filters;
      return tenantTx(ctx, async (tx) => {
        const { principal, tenantId } = ctx;
        const overall = await shelfShareRows(tx, principal, tenantId, period, 'all', interval, filters, 1);
        const grouping: ShelfGrouping | undefined = query.group_by;
        const groups = grouping
          ? groupRows(
              await shelfShareRows(tx, principal, tenantId, period, grouping, interval, filters, query.limit),
            )
          : [];
        return {
          from: period.from,
          to: period.to,
          photos: Number(overall[0]?.group_photos ?? 0),
          ...sharesOf(overall),
          group_by: grouping ?? null,
          groups,
        };
      });
    },

    coverage(ctx: CallContext, query: CoverageQuery) {
      const period = resolvePeriod(query);
      return tenantTx(ctx, async (tx) => {
        const heat = await visitHeat(tx, ctx.principal, ctx.tenantId, period, query as Filters);
        const cycles = await coverageOfCycles(tx, ctx.principal, ctx.tenantId, period, query as Filters);
        return {
          from: period.from,
          to: period.to,
          outlets_visited: heat.length,
          visits_completed: heat.reduce((sum, h) => sum + Number(h.weight), 0),
          cycles,
          // An outlet without coordinates counts as visited but cannot be placed on the map.
          heatmap: heat
            .filter((h) => h.lat !== null && h.lng !== null)
            .map((h) => ({
              outlet_id: h.outlet_id,
              lat: Number(h.lat),
              lng: Number(h.lng),
              weight: Number(h.weight),
            })),
        };
      });
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
