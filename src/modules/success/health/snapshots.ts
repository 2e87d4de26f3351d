import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { scopePredicate } from '../../../platform/resource/index.js';

/*
 * The day's health snapshot (`health_snapshots`): per account manager, the served, scored
 * customers as scoring left them. The trends read it; every figure of a snapshot row is the sum
 * over `customers` rows (served: not archived, not churned; scored: `health_score` set).
 */

/** `owner_id` (of alias `column`) among `owners`, null meaning "no account manager". */
function ownerAmong(column: SQL, owners: readonly (string | null)[]): SQL {
  const ids = owners.filter((o): o is string => o !== null);
  const withNull = owners.includes(null);
  return sql`(${column} = any(${sql.param(ids)}::uuid[])${withNull ? sql` or ${column} is null` : sql``})`;
}

/**
 * Takes tenant-local `day`'s snapshot from the customers' current health: every account manager's
 * row, or only those of `owners` (a single customer's new score) once the day has a snapshot. A
 * row whose account manager no longer has a scored, served customer is zeroed rather than left stale.
 */
export async function refreshHealthSnapshot(
  tx: Tx,
  tenantId: string,
  day: string,
  owners?: readonly (string | null)[],
): Promise<void> {
  // The day's first snapshot is the whole book, so a day never shows only part of it.
  if (owners) {
    const [taken] = await selectRows(
      tx,
      sql`select 1 from health_snapshots where tenant_id = ${tenantId} and day = ${day}::date limit 1`,
    );
    if (!taken) owners = undefined;
  }
  const customersOf = owners ? sql`and ${ownerAmong(sql`c.owner_id`, owners)}` : sql``;
  const rowsOf = owners ? sql`and ${ownerAmong(sql`s.owner_id`, owners)}` : sql``;
  await selectRows(
    tx,
    sql`with fresh as (
        select c.owner_id, count(*)::int as customers, sum(c.health_score)::int as score_sum,
          count(*) filter (where c.health_risk = 'low')::int as low,
          count(*) filter (where c.health_risk = 'medium')::int as medium,
          count(*) filter (where c.health_risk = 'high')::int as high,
          count(*) filter (where c.health_risk = 'critical')::int as critical
        from customers c
        where c.tenant_id = ${tenantId} and c.is_customer and c.archived_at is null
          and c.status <> 'churned' and c.health_score is not null ${customersOf}
        group by c.owner_id),
      zeroed as (
        update health_snapshots s set customers = 0, score_sum = 0, low = 0, medium = 0, high = 0,
          critical = 0, updated_at = now()
        where s.tenant_id = ${tenantId} and s.day = ${day}::date ${rowsOf}
          and not exists (select 1 from fresh f where f.owner_id is not distinct from s.owner_id)
        returning 1)
      insert into health_snapshots (tenant_id, day, owner_id, customers, score_sum, low, medium, high, critical)
      select ${tenantId}, ${day}::date, f.owner_id, f.customers, f.score_sum, f.low, f.medium, f.high, f.critical
      from fresh f
      on conflict (tenant_id, day, owner_id) do update set customers = excluded.customers,
        score_sum = excluded.score_sum, low = excluded.low, medium = excluded.medium,
        high = excluded.high, critical = excluded.critical, updated_at = now()`,
  );
}

export type SnapshotPeriod = 'day' | 'week' | 'month';

export interface SnapshotTrendRow {
  /** The period's first day (a week starts on Monday), YYYY-MM-DD. */
  period: string;
  customers: number;
  average: number | null;
  low: number;
  medium: number;
  high: number;
  critical: number;
}

/**
 * Per period of tenant-local days `from`..`to` that has a snapshot: the book on the period's last
 * snapshot day, summed over the account managers the caller's scope covers (customers without one
 * count for tenant-wide roles only). Periods without a snapshot have no row.
 */
export async function snapshotTrend(
  tx: Tx,
  tenantId: string,
  principal: Principal,
  range: { from: string; to: string },
  period: SnapshotPeriod,
): Promise<SnapshotTrendRow[]> {
  const scoped = scopePredicate(principal, sql`s.owner_id`);
  return selectRows<SnapshotTrendRow>(
    tx,
    sql`with days as (
        select s.day, date_trunc(${sql.raw(`'${period}'`)}, s.day)::date as period,
          sum(s.customers)::int as customers, sum(s.score_sum)::bigint as score_sum,
          sum(s.low)::int as low, sum(s.medium)::int as medium, sum(s.high)::int as high,
          sum(s.critical)::int as critical
        from health_snapshots s
        where s.tenant_id = ${tenantId} and s.day between ${range.from}::date and ${range.to}::date
          ${scoped ? sql`and ${scoped}` : sql``}
        group by s.day)
      select distinct on (d.period) to_char(d.period, 'YYYY-MM-DD') as period, d.customers,
        case when d.customers > 0 then round(d.score_sum::numeric / d.customers, 2)::float8 end as average,
        d.low, d.medium, d.high, d.critical
      from days d
      order by d.period, d.day desc`,
  );
}
