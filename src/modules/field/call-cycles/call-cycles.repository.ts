import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { iso } from '../../../platform/resource/index.js';
import { callCycleLocations, callCycleSlots } from '../tables/call-cycles.tables.js';
import type { CallCycle, CallCycleLocation } from './call-cycles.schemas.js';
import type { CycleRow } from './slots.js';

export type LocationRow = typeof callCycleLocations.$inferSelect;

export async function locationsOf(tx: Tx, tenantId: string, cycleId: string): Promise<LocationRow[]> {
  return tx.db
    .select()
    .from(callCycleLocations)
    .where(and(eq(callCycleLocations.tenantId, tenantId), eq(callCycleLocations.cycleId, cycleId)))
    .orderBy(asc(callCycleLocations.position), asc(callCycleLocations.id));
}

/** Locations per cycle, for list rows. */
export async function locationCounts(tx: Tx, tenantId: string, cycleIds: string[]) {
  if (cycleIds.length === 0) return new Map<string, number>();
  const rows = await tx.db
    .select({ cycleId: callCycleLocations.cycleId, n: count() })
    .from(callCycleLocations)
    .where(and(eq(callCycleLocations.tenantId, tenantId), inArray(callCycleLocations.cycleId, cycleIds)))
    .groupBy(callCycleLocations.cycleId);
  return new Map(rows.map((r) => [r.cycleId, Number(r.n)]));
}

export async function slotsOf(tx: Tx, tenantId: string, cycleId: string) {
  return tx.db
    .select()
    .from(callCycleSlots)
    .where(and(eq(callCycleSlots.tenantId, tenantId), eq(callCycleSlots.cycleId, cycleId)))
    .orderBy(asc(callCycleSlots.slotDate), asc(callCycleSlots.outletId));
}

export async function renumberLocations(tx: Tx, tenantId: string, orderedIds: readonly string[]) {
  for (const [index, id] of orderedIds.entries())
    await tx.db
      .update(callCycleLocations)
      .set({ position: index + 1 })
      .where(and(eq(callCycleLocations.tenantId, tenantId), eq(callCycleLocations.id, id)));
}

export function toLocationJson(row: LocationRow, cycle: CycleRow, plannedVisits: number): CallCycleLocation {
  return {
    id: row.id,
    outlet_id: row.outletId,
    position: row.position,
    frequency: row.frequency,
    effective_frequency: row.frequency ?? cycle.frequency,
    planned_visits: plannedVisits,
    created_at: row.createdAt.toISOString(),
  };
}

export function toCycleJson(
  row: CycleRow,
  locationCount: number,
  locations?: CallCycleLocation[],
): CallCycle {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    agent_id: row.agentId,
    start_date: row.startDate,
    end_date: row.endDate,
    frequency: row.frequency,
    status: row.status,
    location_count: locationCount,
    ...(locations ? { locations } : {}),
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: iso(row.updatedAt)!,
  };
}
