import { and, eq, inArray, lt, lte, gte, or, sql } from 'drizzle-orm';
import type { AlertCheck, RaisedAlert } from '../../../platform/module.js';
import { teamLeadersOf, tenantSettingsOf } from '../../identity/index.js';
import { addDays, callCycleAdherence } from '../formulas.js';
import { callCycles, callCycleSlots } from '../tables/call-cycles.tables.js';

/**
 * Active cycles whose period includes today and whose adherence so far (visited ÷ due slots, as
 * the cycle status computes it) is below the tenant's `alert_adherence_threshold`. The alert is
 * about the cycle and belongs to its agent, so the agent and whoever's scope covers them hear of it.
 */
export const callCycleAdherenceCheck: AlertCheck = {
  name: 'field.call-cycle-adherence',
  type: 'call_cycle_adherence',
  displayName: 'Call-cycle adherence below the threshold',
  async run(tx, { tenantId, today }) {
    const { alert_adherence_threshold: threshold } = await tenantSettingsOf(tx, tenantId);
    const due = or(
      eq(callCycleSlots.status, 'visited'),
      eq(callCycleSlots.status, 'missed'),
      lt(callCycleSlots.slotDate, today),
    );
    const rows = await tx.db
      .select({
        cycleId: callCycles.id,
        name: callCycles.name,
        agentId: callCycles.agentId,
        outletId: callCycleSlots.outletId,
        planned: sql<number>`count(*)::int`,
        completed: sql<number>`(count(*) filter (where ${callCycleSlots.status} = 'visited'))::int`,
      })
      .from(callCycles)
      .innerJoin(
        callCycleSlots,
        and(eq(callCycleSlots.tenantId, callCycles.tenantId), eq(callCycleSlots.cycleId, callCycles.id)),
      )
      .where(
        and(
          eq(callCycles.tenantId, tenantId),
          eq(callCycles.status, 'active'),
          lte(callCycles.startDate, today),
          gte(callCycles.endDate, today),
          lte(callCycleSlots.slotDate, today),
          due,
        ),
      )
      .groupBy(callCycles.id, callCycles.name, callCycles.agentId, callCycleSlots.outletId);
    const byCycle = new Map<
      string,
      { name: string; agentId: string; outlets: { planned: number; completed: number }[] }
    >();
    for (const row of rows) {
      const cycle = byCycle.get(row.cycleId) ?? { name: row.name, agentId: row.agentId, outlets: [] };
      cycle.outlets.push({ planned: Number(row.planned), completed: Number(row.completed) });
      byCycle.set(row.cycleId, cycle);
    }
    const found: RaisedAlert[] = [];
    for (const [cycleId, cycle] of byCycle) {
      const adherence = callCycleAdherence(cycle.outlets);
      if (adherence >= threshold) continue;
      found.push({
        severity: adherence < threshold / 2 ? 'high' : 'medium',
        title: `Call cycle "${cycle.name}" adherence ${adherence}% (below ${threshold}%)`,
        description: `Visited planned slots are ${adherence}% of those due so far this period; the threshold is ${threshold}%.`,
        entityType: 'call_cycle',
        entityId: cycleId,
        ownerId: cycle.agentId,
      });
    }
    return found;
  },
};

/**
 * Agents who left planned visits unvisited yesterday (tenant-local day): one alert per agent,
 * assigned to their team leader (or, without one, to whoever's scope covers the agent).
 */
export const missedVisitsCheck: AlertCheck = {
  name: 'field.missed-visits',
  type: 'missed_planned_visits',
  displayName: 'Planned visits missed yesterday',
  async run(tx, { tenantId, today }) {
    const yesterday = addDays(today, -1);
    const rows = await tx.db
      .select({ agentId: callCycles.agentId, missed: sql<number>`count(*)::int` })
      .from(callCycleSlots)
      .innerJoin(
        callCycles,
        and(eq(callCycles.tenantId, callCycleSlots.tenantId), eq(callCycles.id, callCycleSlots.cycleId)),
      )
      .where(
        and(
          eq(callCycleSlots.tenantId, tenantId),
          eq(callCycleSlots.slotDate, yesterday),
          inArray(callCycleSlots.status, ['planned', 'missed']),
        ),
      )
      .groupBy(callCycles.agentId);
    const found: RaisedAlert[] = [];
    for (const row of rows) {
      const missed = Number(row.missed);
      const [leader] = await teamLeadersOf(tx, tenantId, row.agentId);
      found.push({
        severity: missed >= 5 ? 'high' : 'medium',
        title: `${missed} planned visit${missed === 1 ? '' : 's'} missed on ${yesterday}`,
        description: `The agent did not visit ${missed} planned outlet${missed === 1 ? '' : 's'} on ${yesterday}.`,
        entityType: 'user',
        entityId: row.agentId,
        ownerId: row.agentId,
        assigneeId: leader ?? null,
      });
    }
    return found;
  },
};

export const FIELD_ALERT_CHECKS: readonly AlertCheck[] = [callCycleAdherenceCheck, missedVisitsCheck];
