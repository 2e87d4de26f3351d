import { callCycleAdherence, callCycleCoverage } from '../formulas.js';
import type { callCycleSlots } from '../tables/call-cycles.tables.js';
import type { LocationRow } from './call-cycles.repository.js';
import type { CallCycleStatus } from './call-cycles.schemas.js';
import type { CycleRow } from './slots.js';

type SlotRow = typeof callCycleSlots.$inferSelect;
type SlotJson = CallCycleStatus['visited_slots'][number];

/**
 * The status of a cycle seen from `asOf`. A slot is visited when a completed visit fulfilled it;
 * missed when it is marked so, or still planned with a date before `asOf` (the daily job may not
 * have run yet); otherwise upcoming. Slots due are the visited and missed ones, so adherence is
 * not dragged down by visits that cannot have happened yet.
 */
export function cycleStatus(
  cycle: CycleRow,
  locations: readonly LocationRow[],
  slots: readonly SlotRow[],
  asOf: string,
  upcomingLimit: number,
): CallCycleStatus {
  const position = new Map(locations.map((l) => [l.outletId, l.position]));
  const perOutlet = new Map(
    locations.map((l) => [
      l.outletId,
      {
        outlet_id: l.outletId,
        position: l.position,
        frequency: l.frequency ?? cycle.frequency,
        planned_total: 0,
        planned_due: 0,
        visited: 0,
        missed: 0,
        upcoming: 0,
      },
    ]),
  );
  const visited: SlotJson[] = [];
  const missed: SlotJson[] = [];
  const upcoming: SlotJson[] = [];
  const byDateThenPosition = [...slots].sort(
    (a, b) =>
      a.slotDate.localeCompare(b.slotDate) ||
      (position.get(a.outletId) ?? 0) - (position.get(b.outletId) ?? 0),
  );
  for (const slot of byDateThenPosition) {
    const outlet = perOutlet.get(slot.outletId);
    if (!outlet) continue;
    outlet.planned_total++;
    const json: SlotJson = {
      id: slot.id,
      date: slot.slotDate,
      outlet_id: slot.outletId,
      status: slot.status,
      visit_id: slot.visitId,
    };
    if (slot.status === 'visited') {
      outlet.visited++;
      outlet.planned_due++;
      visited.push(json);
    } else if (slot.status === 'missed' || slot.slotDate < asOf) {
      outlet.missed++;
      outlet.planned_due++;
      missed.push({ ...json, status: 'missed' });
    } else {
      outlet.upcoming++;
      upcoming.push(json);
    }
  }
  const outlets = [...perOutlet.values()].sort((a, b) => a.position - b.position);
  const outletsVisited = outlets.filter((o) => o.visited > 0).length;
  return {
    call_cycle_id: cycle.id,
    status: cycle.status,
    as_of: asOf,
    adherence_percent: callCycleAdherence(
      outlets.map((o) => ({ planned: o.planned_due, completed: o.visited })),
    ),
    coverage_percent: callCycleCoverage(outletsVisited, outlets.length),
    outlets_total: outlets.length,
    outlets_visited: outletsVisited,
    planned_total: outlets.reduce((n, o) => n + o.planned_total, 0),
    planned_due: visited.length + missed.length,
    visited: visited.length,
    missed: missed.length,
    upcoming: upcoming.length,
    outlets,
    visited_slots: visited,
    missed_slots: missed,
    upcoming_schedule: upcoming.slice(0, upcomingLimit),
  };
}
