import { and, count, eq, gte, inArray, lte, max } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { activeOutletIds } from '../../catalog/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { daysBetween } from '../formulas.js';
import { callCycleLocations, callCycles, callCycleSlots } from '../tables/call-cycles.tables.js';
import { visits } from '../tables/visits.tables.js';
import { userInScope } from '../visits/visits.repository.js';
import {
  locationCounts,
  locationsOf,
  renumberLocations,
  slotsOf,
  toCycleJson,
  toLocationJson,
} from './call-cycles.repository.js';
import { cycleStatus } from './cycle-status.js';
import type {
  AddLocationsBody,
  CallCycle,
  CallCycleListQuery,
  CreateCallCycleBody,
  LocationOrderBody,
  StatusQuery,
  UpdateCallCycleBody,
} from './call-cycles.schemas.js';
import { syncCycleSlots, type CycleRow } from './slots.js';

/** Bounds the plan a single cycle generates (a daily cycle of a year is about 260 slots per outlet). */
export const MAX_CYCLE_DAYS = 366;

/** A cycle is its agent's route plan: lists and reads are limited to the caller's data scope. */
export const callCycleResource = defineResource({
  table: callCycles,
  name: 'Call cycle',
  tenantId: callCycles.tenantId,
  id: callCycles.id,
  owner: callCycles.agentId,
  sorts: {
    start_date: callCycles.startDate,
    end_date: callCycles.endDate,
    name: callCycles.name,
    created_at: callCycles.createdAt,
  },
});

const cycleClosed = (row: CycleRow) =>
  new AppError(409, 'CALL_CYCLE_CLOSED', `The call cycle is ${row.status}; it can no longer be changed.`, {
    extensions: { call_cycle_id: row.id, status: row.status },
  });

const auditable = (c: CallCycle): Record<string, unknown> => {
  const { created_at: _c, updated_at: _u, locations: _l, location_count: _n, ...rest } = c;
  return rest;
};

function checkPeriod(start: string, end: string, errors: FieldError[]) {
  const days = daysBetween(start, end);
  if (days < 0) errors.push({ path: '/body/end_date', message: 'must not be before start_date' });
  else if (days >= MAX_CYCLE_DAYS)
    errors.push({ path: '/body/end_date', message: `a cycle spans at most ${MAX_CYCLE_DAYS} days` });
}

export function createCallCyclesService(deps: { db: TenantDatabase; today?: () => string }) {
  const tenantTx = tenantTxOf(deps);
  const today = deps.today ?? (() => new Date().toISOString().slice(0, 10));

  async function present(tx: Tx, tenantId: string, row: CycleRow): Promise<CallCycle> {
    const locations = await locationsOf(tx, tenantId, row.id);
    const planned = await tx.db
      .select({ outletId: callCycleSlots.outletId, n: count() })
      .from(callCycleSlots)
      .where(and(eq(callCycleSlots.tenantId, tenantId), eq(callCycleSlots.cycleId, row.id)))
      .groupBy(callCycleSlots.outletId);
    const perOutlet = new Map(planned.map((p) => [p.outletId, Number(p.n)]));
    return toCycleJson(
      row,
      locations.length,
      locations.map((l) => toLocationJson(l, row, perOutlet.get(l.outletId) ?? 0)),
    );
  }

  async function checkAgent(tx: Tx, ctx: CallContext, agentId: string, errors: FieldError[]) {
    if (!(await userInScope(tx, ctx.principal, ctx.tenantId, agentId)))
      errors.push({ path: '/body/agent_id', message: 'no such active user within your scope' });
  }

  /** Checks new locations (known, live, not repeated, not yet in the cycle) and appends them. */
  async function appendLocations(
    tx: Tx,
    ctx: CallContext,
    cycle: CycleRow,
    locations: NonNullable<CreateCallCycleBody['locations']>,
    path: string,
  ) {
    const errors: FieldError[] = [];
    const ids = locations.map((l) => l.outlet_id);
    const liveIds = await activeOutletIds(tx, ctx.tenantId, ids);
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (!liveIds.has(id)) errors.push({ path: `${path}/${i}/outlet_id`, message: 'no such outlet' });
      else if (seen.has(id)) errors.push({ path: `${path}/${i}/outlet_id`, message: 'listed twice' });
      seen.add(id);
    });
    if (errors.length) throw validationFailed(errors);
    const present = await tx.db
      .select({ outletId: callCycleLocations.outletId })
      .from(callCycleLocations)
      .where(
        and(
          eq(callCycleLocations.tenantId, ctx.tenantId),
          eq(callCycleLocations.cycleId, cycle.id),
          inArray(callCycleLocations.outletId, ids),
        ),
      );
    if (present.length)
      throw new AppError(409, 'LOCATION_ALREADY_IN_CYCLE', 'An outlet is already in this call cycle.', {
        extensions: { outlet_ids: present.map((p) => p.outletId) },
      });
    const [last] = await tx.db
      .select({ position: max(callCycleLocations.position) })
      .from(callCycleLocations)
      .where(and(eq(callCycleLocations.tenantId, ctx.tenantId), eq(callCycleLocations.cycleId, cycle.id)));
    const first = (last?.position ?? 0) + 1;
    await tx.db.insert(callCycleLocations).values(
      locations.map((l, i) => ({
        tenantId: ctx.tenantId,
        cycleId: cycle.id,
        outletId: l.outlet_id,
        position: first + i,
        frequency: l.frequency ?? null,
      })),
    );
  }

  async function audit(
    tx: Tx,
    ctx: CallContext,
    action: string,
    id: string,
    changes: Parameters<typeof writeAudit>[2]['changes'],
  ) {
    await writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action,
      entityType: 'call_cycle',
      entityId: id,
      changes,
    });
  }

  return {
    list(ctx: CallContext, query: CallCycleListQuery) {
      return tenantTx(ctx, async (tx) => {
        const inCycle = query.outlet
          ? inArray(
              callCycles.id,
              tx.db
                .select({ id: callCycleLocations.cycleId })
                .from(callCycleLocations)
                .where(
                  and(
                    eq(callCycleLocations.tenantId, ctx.tenantId),
                    eq(callCycleLocations.outletId, query.outlet),
                  ),
                ),
            )
          : undefined;
        const page = await callCycleResource.list(tx, ctx, query, {
          where: [
            query.agent ? eq(callCycles.agentId, query.agent) : undefined,
            query.status ? eq(callCycles.status, query.status) : undefined,
            query.active_on ? lte(callCycles.startDate, query.active_on) : undefined,
            query.active_on ? gte(callCycles.endDate, query.active_on) : undefined,
            inCycle,
          ],
        });
        const counts = await locationCounts(
          tx,
          ctx.tenantId,
          page.rows.map((r) => r.id),
        );
        return envelope('call_cycles', page, (r) => toCycleJson(r, counts.get(r.id) ?? 0));
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) =>
        present(tx, ctx.tenantId, await callCycleResource.find(tx, ctx, id)),
      );
    },

    /** Creates an active cycle (for the caller unless `agent_id` names someone in scope) and plans its slots. */
    create(ctx: CallContext, body: CreateCallCycleBody) {
      return tenantTx(ctx, async (tx) => {
        const errors: FieldError[] = [];
        const agentId = body.agent_id ?? ctx.principal.userId;
        await checkAgent(tx, ctx, agentId, errors);
        checkPeriod(body.start_date, body.end_date, errors);
        if (errors.length) throw validationFailed(errors);
        const [row] = await tx.db
          .insert(callCycles)
          .values({
            tenantId: ctx.tenantId,
            name: body.name,
            description: body.description ?? null,
            agentId,
            startDate: body.start_date,
            endDate: body.end_date,
            frequency: body.frequency,
            createdBy: ctx.principal.userId,
          })
          .returning();
        if (body.locations?.length) await appendLocations(tx, ctx, row!, body.locations, '/body/locations');
        await syncCycleSlots(tx, ctx.tenantId, row!, today());
        const json = await present(tx, ctx.tenantId, row!);
        await audit(tx, ctx, 'call_cycle.create', row!.id, {
          after: { ...auditable(json), outlet_ids: json.locations!.map((l) => l.outlet_id) },
        });
        return json;
      });
    },

    /**
     * Changes a cycle. New dates, frequency or agent re-plan its slots; completing or cancelling
     * it removes the planned slots from today on. Closed cycles cannot change (409).
     */
    update(ctx: CallContext, id: string, body: UpdateCallCycleBody) {
      return tenantTx(ctx, async (tx) => {
        const before = await callCycleResource.find(tx, ctx, id, { lock: true });
        if (before.status !== 'active') throw cycleClosed(before);
        const errors: FieldError[] = [];
        if (body.agent_id !== undefined && body.agent_id !== before.agentId)
          await checkAgent(tx, ctx, body.agent_id, errors);
        checkPeriod(body.start_date ?? before.startDate, body.end_date ?? before.endDate, errors);
        if (errors.length) throw validationFailed(errors);
        const [row] = await tx.db
          .update(callCycles)
          .set({
            name: body.name,
            description: body.description,
            agentId: body.agent_id,
            startDate: body.start_date,
            endDate: body.end_date,
            frequency: body.frequency,
            status: body.status,
            updatedAt: new Date(),
          })
          .where(and(eq(callCycles.tenantId, ctx.tenantId), eq(callCycles.id, id)))
          .returning();
        await syncCycleSlots(tx, ctx.tenantId, row!, today());
        const json = await present(tx, ctx.tenantId, row!);
        await audit(
          tx,
          ctx,
          'call_cycle.update',
          id,
          diff(auditable(toCycleJson(before, 0)), auditable(json)),
        );
        return json;
      });
    },

    /**
     * A cycle no visit refers to and none of whose slots was visited is deleted with its plan;
     * otherwise it is cancelled, keeping its history. Deleting a cancelled cycle again is a no-op.
     */
    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const row = await callCycleResource.find(tx, ctx, id, { lock: true });
        if (row.status === 'cancelled') return;
        const [linked] = await tx.db
          .select({ id: visits.id })
          .from(visits)
          .where(and(eq(visits.tenantId, ctx.tenantId), eq(visits.callCycleId, id)))
          .limit(1);
        const [visited] = await tx.db
          .select({ id: callCycleSlots.id })
          .from(callCycleSlots)
          .where(
            and(
              eq(callCycleSlots.tenantId, ctx.tenantId),
              eq(callCycleSlots.cycleId, id),
              eq(callCycleSlots.status, 'visited'),
            ),
          )
          .limit(1);
        const where = and(eq(callCycles.tenantId, ctx.tenantId), eq(callCycles.id, id));
        const keep = Boolean(linked ?? visited);
        if (keep) {
          const [cancelled] = await tx.db
            .update(callCycles)
            .set({ status: 'cancelled', updatedAt: new Date() })
            .where(where)
            .returning();
          await syncCycleSlots(tx, ctx.tenantId, cancelled!, today());
        } else await tx.db.delete(callCycles).where(where);
        await audit(tx, ctx, keep ? 'call_cycle.cancel' : 'call_cycle.delete', id, {
          before: auditable(toCycleJson(row, 0)),
        });
      });
    },

    /** Appends outlets in the given order and plans their slots. */
    addLocations(ctx: CallContext, id: string, body: AddLocationsBody) {
      return tenantTx(ctx, async (tx) => {
        const row = await callCycleResource.find(tx, ctx, id, { lock: true });
        if (row.status !== 'active') throw cycleClosed(row);
        await appendLocations(tx, ctx, row, body.locations, '/body/locations');
        await syncCycleSlots(tx, ctx.tenantId, row, today());
        const json = await present(tx, ctx.tenantId, row);
        await audit(tx, ctx, 'call_cycle.locations.add', id, {
          after: { outlet_ids: body.locations.map((l) => l.outlet_id) },
        });
        return json;
      });
    },

    reorderLocations(ctx: CallContext, id: string, body: LocationOrderBody) {
      return tenantTx(ctx, async (tx) => {
        const row = await callCycleResource.find(tx, ctx, id, { lock: true });
        if (row.status !== 'active') throw cycleClosed(row);
        const current = await locationsOf(tx, ctx.tenantId, id);
        const given = new Set(body.location_ids);
        if (
          given.size !== body.location_ids.length ||
          given.size !== current.length ||
          current.some((l) => !given.has(l.id))
        )
          throw validationFailed([
            { path: '/body/location_ids', message: 'must name every location of the cycle exactly once' },
          ]);
        await renumberLocations(tx, ctx.tenantId, body.location_ids);
        await audit(tx, ctx, 'call_cycle.locations.reorder', id, {
          before: { location_ids: current.map((l) => l.id) },
          after: { location_ids: body.location_ids },
        });
        return present(tx, ctx.tenantId, row);
      });
    },

    /** Removes an outlet and its planned, visited and missed slots (the visits themselves stay). */
    removeLocation(ctx: CallContext, id: string, locationId: string) {
      return tenantTx(ctx, async (tx) => {
        const row = await callCycleResource.find(tx, ctx, id, { lock: true });
        if (row.status !== 'active') throw cycleClosed(row);
        const [removed] = await tx.db
          .delete(callCycleLocations)
          .where(
            and(
              eq(callCycleLocations.tenantId, ctx.tenantId),
              eq(callCycleLocations.cycleId, id),
              eq(callCycleLocations.id, locationId),
            ),
          )
          .returning();
        if (!removed) throw new AppError(404, 'NOT_FOUND', 'Call cycle location not found.');
        const rest = await locationsOf(tx, ctx.tenantId, id);
        await renumberLocations(
          tx,
          ctx.tenantId,
          rest.map((l) => l.id),
        );
        await audit(tx, ctx, 'call_cycle.locations.remove', id, { before: { outlet_id: removed.outletId } });
      });
    },

    status(ctx: CallContext, id: string, query: StatusQuery) {
      return tenantTx(ctx, async (tx) => {
        const row = await callCycleResource.find(tx, ctx, id);
        const [locations, slots] = [
          await locationsOf(tx, ctx.tenantId, id),
          await slotsOf(tx, ctx.tenantId, id),
        ];
        return cycleStatus(row, locations, slots, query.as_of ?? today(), query.upcoming_limit);
      });
    },
  };
}

export type CallCyclesService = ReturnType<typeof createCallCyclesService>;
