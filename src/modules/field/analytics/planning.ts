import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { scopePredicate } from '../../identity/index.js';
import { goalInScope, visibleAssignmentsOf } from '../goals/goals.repository.js';
import { goalsProgressOf } from '../goals/progress.js';
import { callCycles } from '../tables/call-cycles.tables.js';
import { goals } from '../tables/goals.tables.js';
import { selectRows } from '../../../platform/db/rows.js';
import type { Filters } from './analytics.repository.js';
import { dayOf, percent, round2, type Period } from './period.js';
import type { CycleCoverage } from './analytics.schemas.js';

/**
 * The measures built on goals and call cycles. Both follow the definitions the goals and call-cycle
 * modules use themselves (goal progress from `goalsProgressOf`, slot states as in `cycleStatus`), so
 * the overview never disagrees with a goal's or a cycle's own page.
 */

export interface Comparison {
  current: number;
  previous: number;
}

/** Goals averaged per period; a bound keeps the overview fast for tenants with very many goals. */
const MAX_GOALS = 200;
const MAX_CYCLES = 500;

/**
 * Average overall progress (min(100, actual ÷ target × 100)) of the active goals whose period
 * overlaps `period` and that have an assignment the caller can see. Goals whose metric has no data
 * source yet (leads, conversions, revenue) are left out rather than counted as 0.
 * 0 when there is no such goal.
 */
async function averageGoalProgress(tx: Tx, principal: Principal, tenantId: string, period: Period) {
  const rows = await tx.db
    .select()
    .from(goals)
    .where(
      and(
        eq(goals.tenantId, tenantId),
        eq(goals.isActive, true),
        sql`${goals.archivedAt} is null`,
        lte(goals.periodStart, period.to),
        gte(goals.periodEnd, period.from),
        goalInScope(tx, principal, tenantId),
      ),
    )
    .orderBy(desc(goals.periodEnd), goals.id)
    .limit(MAX_GOALS);
  const assignments = await visibleAssignmentsOf(
    tx,
    principal,
    tenantId,
    rows.map((goal) => goal.id),
  );
  const withAssignments = rows
    .map((goal) => ({ goal, assignments: assignments.get(goal.id) ?? [] }))
    .filter((item) => item.assignments.length > 0);
  const progress = (await goalsProgressOf(tx, tenantId, withAssignments))
    .filter((result) => result.data_available)
    .map((result) => result.overall.progress_percent);
  return progress.length ? round2(progress.reduce((a, b) => a + b, 0) / progress.length) : 0;
}

export async function goalAttainment(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  current: Period,
  previous: Period,
): Promise<Comparison> {
  return {
    current: await averageGoalProgress(tx, principal, tenantId, current),
    previous: await averageGoalProgress(tx, principal, tenantId, previous),
  };
}

/**
 * A slot is due when it was visited, marked missed, or its date has passed (the daily job may not
 * have marked it yet) — the same rule as a cycle's status page, so future slots do not lower it.
 */
const due = (today: string) => sql`(sl.status in ('visited', 'missed') or sl.slot_date < ${today})`;

/**
 * Adherence over the call-cycle slots dated in each period, for cycles of agents in the caller's
 * scope: visited slots ÷ due slots × 100. One slot is one planned visit of one outlet on one date
 * and a visit fulfils at most one, so an outlet never counts more than its planned number.
 */
export async function callCycleAdherence(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  current: Period,
  previous: Period,
): Promise<Comparison> {
  const today = dayOf(new Date());
  const scope = scopePredicate(principal, callCycles.agentId);
  const cur = sql`sl.slot_date >= ${current.from}`;
  const [row] = await selectRows<{ cv: number; cd: number; pv: number; pd: number }>(
    tx,
    sql`select count(*) filter (where ${cur} and sl.status = 'visited')::int as cv,
        count(*) filter (where ${cur} and ${due(today)})::int as cd,
        count(*) filter (where not (${cur}) and sl.status = 'visited')::int as pv,
        count(*) filter (where not (${cur}) and ${due(today)})::int as pd
      from call_cycle_slots sl
      join ${callCycles} on ${callCycles.tenantId} = sl.tenant_id and ${callCycles.id} = sl.cycle_id
      where sl.tenant_id = ${tenantId} and sl.slot_date between ${previous.from} and ${current.to}
        ${scope ? sql`and ${scope}` : sql``}`,
  );
  return {
    current: percent(Number(row?.cv ?? 0), Number(row?.cd ?? 0)),
    previous: percent(Number(row?.pv ?? 0), Number(row?.pd ?? 0)),
  };
}

interface CycleRow {
  id: string;
  name: string;
  outlets: number;
  outlets_visited: number;
  planned: number;
  visited: number;
  due: number;
}

/**
 * Per call cycle running in the period (agent in scope): coverage = distinct cycle outlets with a
 * visited slot in the period ÷ outlets in the cycle × 100; adherence = visited ÷ due slots × 100.
 * The outlet and org-unit filters narrow the outlets counted; the agent filter the cycles.
 */
export async function coverageOfCycles(
  tx: Tx,
  principal: Principal,
  tenantId: string,
  period: Period,
  filters: Filters,
): Promise<CycleCoverage[]> {
  const today = dayOf(new Date());
  const scope = scopePredicate(principal, callCycles.agentId);
  const outletFilter = (column: SQL): SQL =>
    sql`${filters.outlet ? sql`and ${column} = ${filters.outlet}` : sql``}
      ${
        filters.org_unit
          ? sql`and ${column} in (select o.id from outlets o where o.tenant_id = ${tenantId} and o.org_unit_id in (
              select u.id from org_units u join org_units r on r.tenant_id = u.tenant_id and u.path like r.path || '%'
              where r.tenant_id = ${tenantId} and r.id = ${filters.org_unit}))`
          : sql``
      }`;
  const rows = await selectRows<CycleRow>(
    tx,
    sql`select ${callCycles.id} as id, ${callCycles.name} as name,
        (select count(*) from call_cycle_locations l
          where l.tenant_id = ${callCycles.tenantId} and l.cycle_id = ${callCycles.id} ${outletFilter(sql`l.outlet_id`)})::int as outlets,
        s.outlets_visited, s.planned, s.visited, s.due
      from ${callCycles}
      cross join lateral (
        select count(distinct sl.outlet_id) filter (where sl.status = 'visited')::int as outlets_visited,
          count(*)::int as planned,
          count(*) filter (where sl.status = 'visited')::int as visited,
          count(*) filter (where ${due(today)})::int as due
        from call_cycle_slots sl
        where sl.tenant_id = ${callCycles.tenantId} and sl.cycle_id = ${callCycles.id}
          and sl.slot_date between ${period.from} and ${period.to} ${outletFilter(sql`sl.outlet_id`)}
      ) s
      where ${callCycles.tenantId} = ${tenantId}
        and ${callCycles.startDate} <= ${period.to} and ${callCycles.endDate} >= ${period.from}
        ${scope ? sql`and ${scope}` : sql``}
        ${filters.agent ? sql`and ${callCycles.agentId} = ${filters.agent}` : sql``}
      order by ${callCycles.startDate} desc, ${callCycles.name}, ${callCycles.id}
      limit ${MAX_CYCLES}`,
  );
  return rows.map((r) => ({
    call_cycle_id: r.id,
    name: r.name,
    outlets: r.outlets,
    outlets_visited: Math.min(r.outlets_visited, r.outlets),
    coverage_percent: percent(Math.min(r.outlets_visited, r.outlets), r.outlets),
    planned_visits: r.planned,
    completed_planned_visits: r.visited,
    adherence_percent: percent(r.visited, r.due),
    missed: r.due - r.visited,
  }));
}
