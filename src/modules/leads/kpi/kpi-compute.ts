import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { conversions, ledgerEntries } from '../tables/conversions.tables.js';
import { kpiAgentDaily, kpiOutletDaily } from '../tables/kpi.tables.js';
import { leads } from '../tables/leads.tables.js';
import { addDays } from './kpi-days.js';

/** Which KPI table: rows per agent or per outlet (the same column name in every source table). */
export type KpiDimension = 'agent' | 'outlet';

export const KPI_TABLES = { agent: kpiAgentDaily, outlet: kpiOutletDaily } as const;
const KEY = { agent: sql.raw('agent_id'), outlet: sql.raw('outlet_id') } as const;

export interface KpiWindow {
  tenantId: string;
  timeZone: string;
  /** The tenant-local days, both included. */
  from: string;
  to: string;
  /** Only these days of the range (a refresh of scattered days); all of them when absent. */
  days?: readonly string[];
}

/** Narrows the recomputation to one campaign or source (the dashboard's filters). */
export interface KpiSourceFilters {
  campaignId?: string;
  sourceId?: string;
}

/** `column` (a timestamp) falls within the window's local days: the instants bounding them. */
export function localWindow(w: Pick<KpiWindow, 'from' | 'to' | 'timeZone'>, column: SQL): SQL {
  return sql`${column} >= (${w.from}::date)::timestamp at time zone ${w.timeZone}
    and ${column} < (${addDays(w.to, 1)}::date)::timestamp at time zone ${w.timeZone}`;
}

/**
 * The conversion `alias` is its lead's first (earliest converted_at, then id): a lead counts as
 * converted once, however many sales follow.
 */
export function firstConversion(alias: string): SQL {
  const c = sql.raw(alias);
  return sql`not exists (select 1 from ${conversions} e
    where e.tenant_id = ${c}.tenant_id and e.lead_id = ${c}.lead_id
      and (e.converted_at, e.id) < (${c}.converted_at, ${c}.id))`;
}

/**
 * The KPI rows of a window recomputed from the raw rows, as one set-based query giving
 * `day, key, leads_captured, leads_converted, revenue, cost, bonus, net_profit, convert_seconds,
 * convert_count` (rows of all zeros left out). The definitions (README, "Daily KPIs"):
 *
 * - leads_captured: leads not merged away, by their agent/outlet and local capture day;
 * - leads_converted, convert_seconds, convert_count: a lead's first conversion (earliest
 *   converted_at, then id) by the conversion's agent/outlet and local day; seconds =
 *   converted_at − lead_captured_at;
 * - revenue, cost, bonus: Σ signed ledger amounts of that component by occurred_at (corrections
 *   and adjustments included, payouts not); net_profit = revenue − cost − bonus.
 *
 * With a campaign (source) filter, leads and conversions of that campaign (source) count, and
 * ledger entries carrying that campaign (entries of a conversion or lead of that source).
 */
export function kpiRecomputation(dimension: KpiDimension, w: KpiWindow, filters: KpiSourceFilters = {}): SQL {
  const key = KEY[dimension];
  const inWindow = (column: SQL) => localWindow(w, column);
  const localDay = (column: SQL) => sql`(${column} at time zone ${w.timeZone})::date`;
  const onDays = w.days ? sql`and day = any(${`{${w.days.join(',')}}`}::date[])` : sql``;
  const leadFilter = (alias: string) =>
    sql.join(
      [
        filters.campaignId ? sql`and ${sql.raw(alias)}.campaign_id = ${filters.campaignId}` : sql``,
        filters.sourceId ? sql`and ${sql.raw(alias)}.source_id = ${filters.sourceId}` : sql``,
      ],
      sql` `,
    );
  const ledgerFilter = sql.join(
    [
      filters.campaignId ? sql`and g.campaign_id = ${filters.campaignId}` : sql``,
      filters.sourceId
        ? sql`and (g.conversion_id in (select s.id from ${conversions} s
              where s.tenant_id = ${w.tenantId} and s.source_id = ${filters.sourceId})
            or g.lead_id in (select s.id from ${leads} s
              where s.tenant_id = ${w.tenantId} and s.source_id = ${filters.sourceId}))`
        : sql``,
    ],
    sql` `,
  );
  return sql`select day, key,
      sum(captured)::int as leads_captured, sum(converted)::int as leads_converted,
      sum(revenue) as revenue, sum(cost) as cost, sum(bonus) as bonus,
      sum(revenue) - sum(cost) - sum(bonus) as net_profit,
      sum(seconds) as convert_seconds, sum(converted)::int as convert_count
    from (
      select ${localDay(sql`l.captured_at`)} as day, l.${key} as key, 1 as captured, 0 as converted,
          0::numeric as revenue, 0::numeric as cost, 0::numeric as bonus, 0::numeric as seconds
        from ${leads} l
        where l.tenant_id = ${w.tenantId} and l.merged_at is null and l.${key} is not null
          and ${inWindow(sql`l.captured_at`)} ${leadFilter('l')}
      union all
      select ${localDay(sql`c.converted_at`)}, c.${key}, 0, 1, 0, 0, 0,
          extract(epoch from c.converted_at - c.lead_captured_at)::numeric
        from ${conversions} c
        where c.tenant_id = ${w.tenantId} and c.${key} is not null and ${inWindow(sql`c.converted_at`)}
          ${leadFilter('c')}
          and ${firstConversion('c')}
      union all
      select ${localDay(sql`g.occurred_at`)}, g.${key}, 0, 0,
          case when g.component = 'revenue' then g.amount else 0 end,
          case when g.component = 'cost' then g.amount else 0 end,
          case when g.component = 'bonus' then g.amount else 0 end, 0
        from ${ledgerEntries} g
        where g.tenant_id = ${w.tenantId} and g.${key} is not null
          and g.component in ('revenue', 'cost', 'bonus') and ${inWindow(sql`g.occurred_at`)} ${ledgerFilter}
    ) raw
    where true ${onDays}
    group by day, key
    having sum(captured) <> 0 or sum(converted) <> 0 or sum(revenue) <> 0 or sum(cost) <> 0
      or sum(bonus) <> 0`;
}

/**
 * Replaces the KPI rows of `days` (one tenant) by their recomputation, in the caller's transaction.
 * Each day is locked first (a transaction advisory lock per tenant and day, taken in day order so
 * two refreshes never deadlock): a second refresh of the same day waits until the first commits,
 * then recomputes from what is committed, so refreshes never interleave into a stale result.
 */
export async function refreshKpiDays(
  tx: Tx,
  tenantId: string,
  timeZone: string,
  days: readonly string[],
): Promise<void> {
  if (days.length === 0) return;
  const sorted = [...new Set(days)].sort();
  const dayArray = sql`${`{${sorted.join(',')}}`}::date[]`;
  await tx.db.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${tenantId}::text || ':kpi:' || d::text, 0))
      from (select d from unnest(${dayArray}) d order by d) locked`,
  );
  const window: KpiWindow = { tenantId, timeZone, from: sorted[0]!, to: sorted.at(-1)!, days: sorted };
  for (const dimension of ['agent', 'outlet'] as const) {
    const table = KPI_TABLES[dimension];
    await tx.db.execute(sql`delete from ${table} where tenant_id = ${tenantId} and day = any(${dayArray})`);
    await tx.db.execute(
      sql`insert into ${table} (tenant_id, day, ${KEY[dimension]}, leads_captured, leads_converted,
          revenue, cost, bonus, net_profit, convert_seconds, convert_count)
        select ${tenantId}::uuid, day, key, leads_captured, leads_converted, revenue, cost, bonus, net_profit,
          convert_seconds, convert_count
        from (${kpiRecomputation(dimension, window)}) recomputed`,
    );
  }
}
