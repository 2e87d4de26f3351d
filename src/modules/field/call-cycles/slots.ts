import { and, asc, eq, gte, inArray, lt, ne, notInArray, or } from 'drizzle-orm';
import type { SystemAccess } from '../../../platform/db/system.js';
import type { Tx } from '../../../platform/db/types.js';
import { dayAfter, scheduleDates, slotsFulfilledBy, type OpenSlot } from '../formulas.js';
import { callCycleLocations, callCycles, callCycleSlots } from '../tables/call-cycles.tables.js';
import { visits } from '../tables/visits.tables.js';

export type CycleRow = typeof callCycles.$inferSelect;
type VisitRow = typeof visits.$inferSelect;

const CHUNK = 1000;
const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const OPEN = ['planned', 'missed'] as const;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Marks an open slot visited by `visitId`; a slot another visit fulfilled meanwhile keeps its visit. */
async function fulfil(tx: Tx, tenantId: string, slotId: string, visitId: string) {
  await tx.db
    .update(callCycleSlots)
    .set({ status: 'visited', visitId, updatedAt: new Date() })
    .where(
      and(
        eq(callCycleSlots.tenantId, tenantId),
        eq(callCycleSlots.id, slotId),
        inArray(callCycleSlots.status, OPEN),
      ),
    );
}

/**
 * Marks the open slots of one cycle that completed visits already fulfil — after the plan changed
 * (new outlets, other dates, another agent), visits done earlier still count.
 */
async function matchCompletedVisits(tx: Tx, tenantId: string, cycle: CycleRow) {
  const open = await tx.db
    .select({
      id: callCycleSlots.id,
      cycleId: callCycleSlots.cycleId,
      outletId: callCycleSlots.outletId,
      slotDate: callCycleSlots.slotDate,
    })
    .from(callCycleSlots)
    .where(
      and(
        eq(callCycleSlots.tenantId, tenantId),
        eq(callCycleSlots.cycleId, cycle.id),
        inArray(callCycleSlots.status, OPEN),
      ),
    );
  if (open.length === 0) return;
  const used = tx.db
    .select({ id: callCycleSlots.visitId })
    .from(callCycleSlots)
    .where(
      and(
        eq(callCycleSlots.tenantId, tenantId),
        eq(callCycleSlots.cycleId, cycle.id),
        eq(callCycleSlots.status, 'visited'),
      ),
    );
  const outletIds = [...new Set(open.map((s) => s.outletId))];
  const candidates = await tx.db
    .select()
    .from(visits)
    .where(
      and(
        eq(visits.tenantId, tenantId),
        eq(visits.status, 'completed'),
        inArray(visits.outletId, outletIds),
        notInArray(visits.id, used),
        or(
          eq(visits.callCycleId, cycle.id),
          and(
            eq(visits.agentId, cycle.agentId),
            gte(visits.completedAt, new Date(`${cycle.startDate}T00:00:00Z`)),
            lt(visits.completedAt, dayAfter(cycle.endDate)),
          ),
        ),
      ),
    )
    .orderBy(asc(visits.completedAt), asc(visits.id));
  let remaining: OpenSlot[] = open;
  for (const visit of candidates) {
    const [slot] = slotsFulfilledBy(
      factsOf(visit, visit.agentId === cycle.agentId ? [cycle.id] : []),
      remaining,
    );
    if (!slot) continue;
    await fulfil(tx, tenantId, slot.id, visit.id);
    remaining = remaining.filter((s) => s.id !== slot.id);
  }
}

const factsOf = (visit: VisitRow, agentCycleIds: readonly string[]) => ({
  outletId: visit.outletId,
  completedDate: utcDay(visit.completedAt ?? new Date()),
  plannedDate: visit.plannedDate,
  callCycleId: visit.callCycleId,
  agentCycleIds: new Set(agentCycleIds),
});

/**
 * Brings a cycle's slots in line with its plan: one slot per outlet and scheduled date (the
 * outlet's frequency, else the cycle's), removing slots no longer scheduled and adding new ones,
 * then lets completed visits fulfil the open ones. A closed cycle plans nothing more: its planned
 * slots from `today` on are removed, its history stays.
 */
export async function syncCycleSlots(tx: Tx, tenantId: string, cycle: CycleRow, today: string) {
  const ofCycle = and(eq(callCycleSlots.tenantId, tenantId), eq(callCycleSlots.cycleId, cycle.id));
  if (cycle.status !== 'active') {
    await tx.db
      .delete(callCycleSlots)
      .where(and(ofCycle, eq(callCycleSlots.status, 'planned'), gte(callCycleSlots.slotDate, today)));
    return;
  }
  const locations = await tx.db
    .select({ outletId: callCycleLocations.outletId, frequency: callCycleLocations.frequency })
    .from(callCycleLocations)
    .where(and(eq(callCycleLocations.tenantId, tenantId), eq(callCycleLocations.cycleId, cycle.id)));
  const wanted = new Set<string>();
  for (const location of locations)
    for (const date of scheduleDates(cycle.startDate, cycle.endDate, location.frequency ?? cycle.frequency))
      wanted.add(`${location.outletId}|${date}`);
  const existing = await tx.db
    .select({ id: callCycleSlots.id, outletId: callCycleSlots.outletId, slotDate: callCycleSlots.slotDate })
    .from(callCycleSlots)
    .where(ofCycle);
  const have = new Set<string>();
  const stale: string[] = [];
  for (const slot of existing) {
    const key = `${slot.outletId}|${slot.slotDate}`;
    if (wanted.has(key)) have.add(key);
    else stale.push(slot.id);
  }
  for (const ids of chunks(stale))
    await tx.db.delete(callCycleSlots).where(and(ofCycle, inArray(callCycleSlots.id, ids)));
  const fresh = [...wanted]
    .filter((key) => !have.has(key))
    .map((key) => {
      const [outletId, slotDate] = key.split('|') as [string, string];
      return { tenantId, cycleId: cycle.id, outletId, slotDate };
    });
  for (const rows of chunks(fresh)) await tx.db.insert(callCycleSlots).values(rows).onConflictDoNothing();
  await matchCompletedVisits(tx, tenantId, cycle);
}

/**
 * Called in the transaction that completes a visit: marks the slot it fulfils in each cycle (its
 * own cycle, and active cycles of its agent at that outlet), so adherence is current at once. A
 * slot already marked missed turns visited when a late-synced completion arrives for its date.
 */
export async function markSlotsVisitedByVisit(tx: Tx, tenantId: string, visit: VisitRow) {
  if (visit.status !== 'completed' || !visit.completedAt) return;
  const completedDate = utcDay(visit.completedAt);
  const ownCycle = visit.callCycleId
    ? and(
        eq(callCycles.id, visit.callCycleId),
        inArray(callCycleSlots.slotDate, [completedDate, visit.plannedDate]),
      )
    : undefined;
  const candidates = await tx.db
    .select({
      id: callCycleSlots.id,
      cycleId: callCycleSlots.cycleId,
      outletId: callCycleSlots.outletId,
      slotDate: callCycleSlots.slotDate,
      agentId: callCycles.agentId,
    })
    .from(callCycleSlots)
    .innerJoin(
      callCycles,
      and(eq(callCycles.tenantId, callCycleSlots.tenantId), eq(callCycles.id, callCycleSlots.cycleId)),
    )
    .where(
      and(
        eq(callCycleSlots.tenantId, tenantId),
        eq(callCycleSlots.outletId, visit.outletId),
        inArray(callCycleSlots.status, OPEN),
        ne(callCycles.status, 'cancelled'),
        or(and(eq(callCycles.agentId, visit.agentId), eq(callCycleSlots.slotDate, completedDate)), ownCycle),
      ),
    );
  if (candidates.length === 0) return;
  const agentCycles = candidates.filter((c) => c.agentId === visit.agentId).map((c) => c.cycleId);
  for (const slot of slotsFulfilledBy(factsOf(visit, agentCycles), candidates))
    await fulfil(tx, tenantId, slot.id, visit.id);
}

/**
 * `markSlotsVisitedByVisit`'s decision without its reads: of the open slots a completion may
 * fulfil (loaded with the visit), the ids of those it does.
 */
export function slotsToMark(
  visit: Pick<VisitRow, 'outletId' | 'agentId' | 'plannedDate' | 'callCycleId'> & { completedAt: Date },
  candidates: readonly {
    id: string;
    cycle_id: string;
    outlet_id: string;
    slot_date: string;
    agent_id: string;
  }[],
): string[] {
  const open = candidates.map((c) => ({
    id: c.id,
    cycleId: c.cycle_id,
    outletId: c.outlet_id,
    slotDate: c.slot_date,
    agentId: c.agent_id,
  }));
  const agentCycles = open.filter((c) => c.agentId === visit.agentId).map((c) => c.cycleId);
  return slotsFulfilledBy(factsOf(visit as VisitRow, agentCycles), open).map((slot) => slot.id);
}

/** The daily job that marks missed slots (its name is also why it may work across tenants). */
export const MARK_MISSED_JOB = 'field.call-cycles.mark-missed';

/**
 * The daily job's work: planned slots dated before `today` become missed, in every tenant (a system
 * transaction, so RLS does not narrow it to one). Running it again changes nothing.
 */
export async function markMissedSlots(system: SystemAccess, today: string): Promise<number> {
  return system.crossTenantJob(MARK_MISSED_JOB, async (tx) => {
    const rows = await tx.db
      .update(callCycleSlots)
      .set({ status: 'missed', updatedAt: new Date() })
      .where(and(eq(callCycleSlots.status, 'planned'), lt(callCycleSlots.slotDate, today)))
      .returning({ id: callCycleSlots.id });
    return rows.length;
  });
}
