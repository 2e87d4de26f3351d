import { sql, type SQL } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { scopePredicate, type CallContext } from '../../../platform/resource/index.js';
import { bonusRuns } from '../tables/bonus.tables.js';

/**
 * A run's stored totals cover every agent of the tenant. A caller whose data scope is narrower
 * (an agent, a team leader, an area manager) must not learn what the others earn, so for them a
 * run's total, item count and agent count are summed over the items of the agents in their scope.
 * Tenant-wide callers keep the stored totals (no extra work).
 */

export interface ScopedTotals {
  total: string;
  items: number;
  agents: number;
}

/** One row of totals over the items of `run` (SQL) whose agent `scope` admits. */
const totalsOver = (tenantId: SQL, runId: SQL, scope: SQL) =>
  sql`select coalesce(sum(i.amount), 0)::numeric(18,2)::text as total, count(*)::int as items,
      count(distinct i.agent_id)::int as agents
    from bonus_run_items i where i.tenant_id = ${tenantId} and i.run_id = ${runId} and ${scope}`;

const itemScope = (ctx: Pick<CallContext, 'principal'>) => scopePredicate(ctx.principal, sql`i.agent_id`);

/**
 * For lists: a correlated subquery selecting each run's scoped totals as JSON in the list's own
 * statement (one statement for the page, whatever its length); undefined for tenant-wide callers.
 */
export function scopedTotalsField(ctx: Pick<CallContext, 'principal'>): SQL | undefined {
  const scope = itemScope(ctx);
  if (!scope) return undefined;
  return sql`(select row_to_json(t) from (${totalsOver(sql`${bonusRuns.tenantId}`, sql`${bonusRuns.id}`, scope)}) t)`;
}

/** The drivers hand JSON back parsed or as text. */
export const parseScopedTotals = (value: unknown): ScopedTotals =>
  (typeof value === 'string' ? JSON.parse(value) : value) as ScopedTotals;

/** One run's scoped totals, or undefined for tenant-wide callers. */
export async function scopedTotalsOf(
  tx: Tx,
  ctx: Pick<CallContext, 'principal' | 'tenantId'>,
  runId: string,
): Promise<ScopedTotals | undefined> {
  const scope = itemScope(ctx);
  if (!scope) return undefined;
  const [row] = await selectRows<ScopedTotals>(tx, totalsOver(sql`${ctx.tenantId}`, sql`${runId}`, scope));
  return row;
}
