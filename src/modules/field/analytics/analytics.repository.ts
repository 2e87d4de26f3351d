import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { scopePredicate } from '../../identity/index.js';
import { photos } from '../tables/photos.tables.js';
import { visits } from '../tables/visits.tables.js';
import { endOf, startOf, type Interval, type Period } from './period.js';

/**
 * Set-based aggregation for the field analytics: each report is one or two statements that scan
 * the tenant's visits or photos once (filtered aggregates for every measure and both periods), so
 * the cost grows with the rows in the period, not with the number of measures.
 */

export interface Filters {
  agent?: string;
  outlet?: string;
  org_unit?: string;
  survey?: string;
  brand?: string;
}

const and = (parts: (SQL | undefined)[]): SQL =>
  sql.join(
    parts.filter((p): p is SQL => p !== undefined),
    sql` and `,
  );

/** Outlets whose org unit is `orgUnitId` or lies below it (materialised-path prefix). */
const outletsUnder = (tenantId: string, orgUnitId: string): SQL => sql`select o.id from outlets o
  where o.tenant_id = ${tenantId} and o.org_unit_id in (
    select u.id from org_units u join org_units r on r.tenant_id = u.tenant_id and u.path like r.path || '%'
    where r.tenant_id = ${tenantId} and r.id = ${orgUnitId})`;

/** Tenant, data scope (on the visit's agent) and filters for statements over `visits`. */
function visitConditions(principal: Principal, tenantId: string, filters: Filters): SQL[] {
  return [
    sql`${visits.tenantId} = ${tenantId}`,
    scopePredicate(principal, visits.agentId),
    filters.agent ? sql`${visits.agentId} = ${filters.agent}` : undefined,
    filters.outlet ? sql`${visits.outletId} = ${filters.outlet}` : undefined,
    filters.survey ? sql`${visits.surveyId} = ${filters.survey}` : undefined,
    filters.org_unit ? sql`${visits.outletId} in (${outletsUnder(tenantId, filters.org_unit)})` : undefined,
  ].filter((p): p is SQL => p !== undefined);
}

/** The same for `photos`, which carry their visit's agent and outlet. */
function photoConditions(principal: Principal, tenantId: string, filters: Filters): SQL[] {
  return [
    sql`${photos.tenantId} = ${tenantId}`,
    scopePredicate(principal, photos.agentId),
    filters.agent ? sql`${photos.agentId} = ${filters.agent}` : undefined,
    filters.outlet ? sql`${photos.outletId} = ${filters.outlet}` : undefined,
    filters.org_unit ? sql`${photos.outletId} in (${outletsUnder(tenantId, filters.org_unit)})` : undefined,
  ].filter((p): p is SQL => p !== undefined);
}

/** A quadrant's share of its photo: area % when given, else distinct marked cells ÷ grid cells × 100. */
const quadrantShare = sql`round(coalesce(sq.area_percent,
  jsonb_array_length(sq.cells) * 100.0 / (${photos.gridRows} * ${photos.gridCols}))::numeric, 2)`;

export interface SeriesRow {
  bucket: string;
  total: number;
  s_planned: number;
  s_in_progress: number;
  s_completed: number;
  s_cancelled: number;
  s_missed: number;
  t_planned: number;
  t_unplanned: number;
  t_follow_up: number;
}

/** Visit counts per bucket of `planned_date`, by status and by type. */
export function visitSeries(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  period: Period,
  interval: Interval,
  filters: Filters,
): Promise<SeriesRow[]> {
  const status = (s: string) => sql`count(*) filter (where ${visits.status} = ${s})::int`;
  const type = (t: string) => sql`count(*) filter (where ${visits.visitType} = ${t})::int`;
  return selectRows<SeriesRow>(
    tx,
    sql`select to_char(date_trunc(${interval}, ${visits.plannedDate}::timestamp), 'YYYY-MM-DD') as bucket,
        count(*)::int as total,
        ${status('planned')} as s_planned, ${status('in_progress')} as s_in_progress,
        ${status('completed')} as s_completed, ${status('cancelled')} as s_cancelled,
        ${status('missed')} as s_missed,
        ${type('planned')} as t_planned, ${type('unplanned')} as t_unplanned, ${type('follow_up')} as t_follow_up
      from ${visits}
      where ${and([
        ...visitConditions(principal, tenantId, filters),
        sql`${visits.plannedDate} between ${period.from} and ${period.to}`,
      ])}
      group by 1 order by 1`,
  );
}

export type ShelfGrouping = 'all' | 'outlet' | 'org_unit' | 'period';

export interface ShelfRow {
  key: string;
  name: string | null;
  brand_id: string;
  brand_name: string;
  is_own: boolean;
  share_sum: number;
  photos: number;
  group_photos: number;
}

/**
 * Per group and brand: Σ of the brand's per-photo shares (area % when given, else distinct marked
 * cells ÷ grid cells × 100, each rounded to two decimals like `photoShelfShare`) and the photos it
 * is marked on. Only the `limit` groups with the most marked photos are returned.
 */
export function shelfShareRows(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  period: Period,
  grouping: ShelfGrouping,
  interval: Interval,
  filters: Filters,
  limit: number,
): Promise<ShelfRow[]> {
  const key: Record<ShelfGrouping, SQL> = {
    all: sql`'all'`,
    outlet: sql`${photos.outletId}::text`,
    org_unit: sql`coalesce(o.org_unit_id::text, 'none')`,
    period: sql`to_char(date_trunc(${interval}, ${photos.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`,
  };
  const name: Record<ShelfGrouping, SQL> = {
    all: sql`null::text`,
    outlet: sql`(select name from outlets where tenant_id = ${tenantId} and id = g.key::uuid)`,
    org_unit: sql`(select name from org_units where tenant_id = ${tenantId} and id::text = g.key)`,
    period: sql`null::text`,
  };
  const needsOutlet = grouping === 'org_unit';
  return selectRows<ShelfRow>(
    tx,
    sql`with q as (
        select ${key[grouping]} as key, sq.brand_id, ${photos.id} as photo_id,
          ${quadrantShare} as share
        from shelf_quadrants sq
        join ${photos} on ${photos.tenantId} = sq.tenant_id and ${photos.id} = sq.photo_id
        ${needsOutlet ? sql`left join outlets o on o.tenant_id = ${photos.tenantId} and o.id = ${photos.outletId}` : sql``}
        where ${and([
          sql`sq.tenant_id = ${tenantId}`,
          ...photoConditions(principal, tenantId, filters),
          sql`${photos.createdAt} >= ${startOf(period.from)}`,
          sql`${photos.createdAt} < ${endOf(period.to)}`,
          filters.brand
            ? sql`sq.photo_id in (select photo_id from shelf_quadrants where tenant_id = ${tenantId} and brand_id = ${filters.brand})`
            : undefined,
        ])}
      ),
      g as (
        select key, count(distinct photo_id)::int as group_photos from q
        group by key order by group_photos desc, key limit ${limit}
      )
      select g.key, ${name[grouping]} as name, g.group_photos, q.brand_id, b.name as brand_name, b.is_own,
        sum(q.share)::float8 as share_sum, count(distinct q.photo_id)::int as photos
      from q join g on g.key = q.key
      join brands b on b.tenant_id = ${tenantId} and b.id = q.brand_id
      group by g.key, g.group_photos, q.brand_id, b.name, b.is_own
      order by g.group_photos desc, g.key, share_sum desc, q.brand_id`,
  );
}

export interface HeatRow {
  outlet_id: string;
  lat: number | null;
  lng: number | null;
  weight: number;
}

/** Completed visits per outlet (coordinates null when the outlet has none). */
export function visitHeat(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  period: Period,
  filters: Filters,
): Promise<HeatRow[]> {
  return selectRows<HeatRow>(
    tx,
    sql`select o.id as outlet_id, o.latitude as lat, o.longitude as lng, v.weight
      from (
        select ${visits.outletId} as outlet_id, count(*)::int as weight from ${visits}
        where ${and([
          ...visitConditions(principal, tenantId, filters),
          sql`${visits.status} = 'completed'`,
          sql`${visits.plannedDate} between ${period.from} and ${period.to}`,
        ])}
        group by 1
      ) v
      join outlets o on o.tenant_id = ${tenantId} and o.id = v.outlet_id
      order by v.weight desc, o.id`,
  );
}
