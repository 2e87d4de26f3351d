import { sql, type SQL } from 'drizzle-orm';
import type { Principal } from '../../../platform/http/auth.js';
import type { KpiTotals } from './kpi.schemas.js';

/**
 * Shared pieces of the KPI reads: sums grouped with a totals row in the same statement, measures
 * computed from sums, and the org-structure predicates the filters use. The org structure is read
 * as raw SQL over identity's tables, as the platform's data-scope predicate does.
 */

/** The sums of one group (a period and key, or the totals row where both are null). */
export interface KpiSums {
  period: string | null;
  key: string | null;
  leads_captured: number;
  leads_converted: number;
  revenue: string;
  cost: string;
  bonus: string;
  net_profit: string;
  convert_seconds: string;
  convert_count: number;
  /** 1 on the totals row. */
  is_total: number;
}

const money = (column: string) => sql.raw(`coalesce(sum(${column}), 0)::numeric(18,2)::text as ${column}`);

/**
 * Sums of `source` (rows of `day, key` and the stored measures) per `period` and key, plus one
 * totals row (`group by grouping sets`): one statement for the rows and their totals. `period` is
 * an expression over `day`; null groups by key alone.
 */
export function kpiSums(source: SQL, period: SQL | null, where: (SQL | undefined)[]): SQL {
  const conditions = where.filter((c): c is SQL => c !== undefined);
  const filter = conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const groups = period ? sql`(period, key)` : sql`(key)`;
  return sql`select ${period ? sql`to_char(period, 'YYYY-MM-DD')` : sql`null`} as period, key,
      coalesce(sum(leads_captured), 0)::int as leads_captured,
      coalesce(sum(leads_converted), 0)::int as leads_converted,
      ${money('revenue')}, ${money('cost')}, ${money('bonus')}, ${money('net_profit')},
      coalesce(sum(convert_seconds), 0)::text as convert_seconds,
      coalesce(sum(convert_count), 0)::int as convert_count,
      grouping(key) as is_total
    from (select ${period ?? sql`null::date`} as period, k.* from (${source}) k ${filter}) grouped
    group by grouping sets (${groups}, ())
    order by is_total, period, key`;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** conversion rate = converted ÷ max(captured, 1) × 100, rounded to two decimals. */
export const conversionRate = (converted: number, captured: number) =>
  round2((converted / Math.max(captured, 1)) * 100);

/** The reported measures of a group: rate and average time from its sums. */
export function measuresOf(row: KpiSums): KpiTotals {
  return {
    leads_captured: row.leads_captured,
    leads_converted: row.leads_converted,
    conversion_rate: conversionRate(row.leads_converted, row.leads_captured),
    revenue: row.revenue,
    cost: row.cost,
    bonus: row.bonus,
    net_profit: row.net_profit,
    avg_time_to_convert_seconds:
      row.convert_count > 0 ? Math.round(Number(row.convert_seconds) / row.convert_count) : null,
  };
}

/** Org units in the subtree of `root` (a uuid expression), by the materialised path. */
const subtreeOf = (tenantId: string, root: SQL) =>
  sql`select ou.id from org_units ou
    join org_units root on root.tenant_id = ou.tenant_id and ou.path like root.path || '%'
    where root.tenant_id = ${tenantId} and root.id = ${root}`;

/** Users assigned to the subtree of `orgUnitId`, or members of teams hanging on it. */
export const usersUnderOrgUnit = (tenantId: string, orgUnitId: string, userColumn: SQL) =>
  sql`${userColumn} in (select u.id from users u
      where u.tenant_id = ${tenantId} and u.org_unit_id in (${subtreeOf(tenantId, sql`${orgUnitId}::uuid`)})
    union select tm.user_id from team_members tm
      join teams t on t.tenant_id = tm.tenant_id and t.id = tm.team_id
      where t.tenant_id = ${tenantId} and t.org_unit_id in (${subtreeOf(tenantId, sql`${orgUnitId}::uuid`)}))`;

/** Current members of a team. */
export const membersOfTeam = (tenantId: string, teamId: string, userColumn: SQL) =>
  sql`${userColumn} in (select tm.user_id from team_members tm
    where tm.tenant_id = ${tenantId} and tm.team_id = ${teamId})`;

/** Outlets whose org unit lies in the subtree of `orgUnitId`. */
export const outletsUnderOrgUnit = (tenantId: string, orgUnitId: string, outletColumn: SQL) =>
  sql`${outletColumn} in (select o.id from outlets o where o.tenant_id = ${tenantId}
    and o.org_unit_id in (${subtreeOf(tenantId, sql`${orgUnitId}::uuid`)}))`;

/**
 * The outlets an org-unit-scoped manager sees: those of their own org unit's subtree. Undefined for
 * tenant scope (every outlet); callers refuse narrower scopes before asking.
 */
export function outletScope(principal: Principal, tenantId: string, outletColumn: SQL): SQL | undefined {
  if (principal.scope === 'tenant') return undefined;
  const mine = sql`(select m.org_unit_id from users m where m.tenant_id = ${tenantId} and m.id = ${principal.userId})`;
  return sql`${outletColumn} in (select o.id from outlets o where o.tenant_id = ${tenantId}
    and o.org_unit_id in (${subtreeOf(tenantId, mine)}))`;
}
