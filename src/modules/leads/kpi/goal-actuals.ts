import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { conversions, ledgerEntries } from '../tables/conversions.tables.js';
import { leads } from '../tables/leads.tables.js';

/** The goal metrics the leads data answers. */
export const LEAD_GOAL_METRICS = ['leads_captured', 'conversions', 'revenue'] as const;
export type LeadGoalMetric = (typeof LEAD_GOAL_METRICS)[number];

/** One (goal, user) pair: the user's actual of `metric` over `[from, until)`. */
export interface LeadGoalPair {
  goalId: string;
  userId: string;
  metric: LeadGoalMetric;
  from: Date;
  until: Date;
}

/**
 * Actuals of lead goals for many (goal, user) pairs in one statement:
 * - leads_captured: the user's leads (as agent) captured in the period, merged ones left out;
 * - conversions: the user's conversions (sales) in the period, by converted_at;
 * - revenue: Σ the user's revenue ledger entries occurring in the period (corrections and
 *   adjustments included), the same revenue the daily KPIs report.
 * Returns `goalId/userId` → actual (pairs without data are absent: 0).
 */
export async function leadGoalActuals(
  tx: Tx,
  tenantId: string,
  pairs: readonly LeadGoalPair[],
): Promise<Map<string, number>> {
  if (pairs.length === 0) return new Map();
  const column = <T>(f: (p: LeadGoalPair) => T) => sql.param(pairs.map(f));
  const rows = await selectRows<{ goal_id: string; user_id: string; actual: string }>(
    tx,
    sql`select gu.goal_id, gu.user_id, (case gu.metric
        when 'leads_captured' then (select count(*) from ${leads} l
          where l.tenant_id = ${tenantId} and l.agent_id = gu.user_id and l.merged_at is null
            and l.captured_at >= gu.from_at and l.captured_at < gu.until_at)
        when 'conversions' then (select count(*) from ${conversions} c
          where c.tenant_id = ${tenantId} and c.agent_id = gu.user_id
            and c.converted_at >= gu.from_at and c.converted_at < gu.until_at)
        else (select coalesce(sum(g.amount), 0) from ${ledgerEntries} g
          where g.tenant_id = ${tenantId} and g.agent_id = gu.user_id and g.component = 'revenue'
            and g.occurred_at >= gu.from_at and g.occurred_at < gu.until_at)
      end)::text as actual
      from unnest(${column((p) => p.goalId)}::uuid[], ${column((p) => p.userId)}::uuid[],
        ${column((p) => p.metric)}::text[], ${column((p) => p.from.toISOString())}::timestamptz[],
        ${column((p) => p.until.toISOString())}::timestamptz[])
        as gu(goal_id, user_id, metric, from_at, until_at)`,
  );
  return new Map(rows.map((r) => [`${r.goal_id}/${r.user_id}`, Number(r.actual)]));
}
