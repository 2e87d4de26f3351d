import { and, asc, eq, inArray } from 'drizzle-orm';
import { sqlState } from '../../../platform/db/pg-errors.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, conflict, forbidden } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { writeAudit } from '../../identity/index.js';
import {
  checkReferences,
  fromCents,
  monthText,
  num,
  planningContext,
  toCents,
  refNameFields,
  refNamesJson,
  type RefNames,
} from '../common.js';
import { futureMonths, monthOf, submissionDeadline } from '../cycles/window.js';
import { repScope } from '../scope.js';
import { forecastLines, forecasts, sopCycles } from '../tables/planning.tables.js';
import type {
  CreateForecastBody,
  Forecast,
  ForecastListQuery,
  RejectBody,
  UpdateForecastBody,
} from './forecasts.schemas.js';
import { checkLines, matrixPrice, replaceLines, type LineDraft } from './lines.js';

type Row = typeof forecasts.$inferSelect;
type LineRow = typeof forecastLines.$inferSelect;
export type CycleRow = typeof sopCycles.$inferSelect;
const ENTITY = 'forecast';

/** Forecasts belong to their rep: scoped as every planning record (scope.ts). */
export const forecastResource = defineResource({
  table: forecasts,
  name: 'Forecast',
  tenantId: forecasts.tenantId,
  id: forecasts.id,
  scope: (ctx) => repScope(ctx, forecasts.repId),
  sorts: {
    created_at: forecasts.createdAt,
    updated_at: forecasts.updatedAt,
    submitted_at: forecasts.submittedAt,
  },
});

const FIELDS = refNameFields(forecasts);
type Named = Row & RefNames;

function toJson(row: Named, lines: LineRow[]): Forecast {
  const cents = lines.reduce((sum, l) => sum + toCents(l.revenue), 0n);
  return {
    id: row.id,
    cycle_id: row.cycleId,
    ...refNamesJson(row),
    status: row.status,
    comment: row.comment,
    submitted_at: iso(row.submittedAt),
    approved_at: iso(row.approvedAt),
    rejected_at: iso(row.rejectedAt),
    decided_by: row.decidedBy,
    total_quantity: Math.round(lines.reduce((sum, l) => sum + num(l.quantity), 0) * 1000) / 1000,
    total_revenue: fromCents(cents),
    lines: lines.map((l) => ({
      month: monthText(l.month),
      quantity: num(l.quantity),
      price_override: l.priceOverride,
      price: l.price,
      revenue: l.revenue,
    })),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

async function linesOf(tx: Tx, tenantId: string, ids: string[]): Promise<Map<string, LineRow[]>> {
  const map = new Map<string, LineRow[]>(ids.map((id) => [id, []]));
  if (!ids.length) return map;
  const rows = await tx.db
    .select()
    .from(forecastLines)
    .where(and(eq(forecastLines.tenantId, tenantId), inArray(forecastLines.forecastId, ids)))
    .orderBy(asc(forecastLines.month));
  for (const line of rows) map.get(line.forecastId)?.push(line);
  return map;
}

export const forecastExists = () =>
  conflict(
    'FORECAST_EXISTS',
    'You already have a forecast of this customer and product in this cycle; change that one.',
  );

const notDraft = (status: string) =>
  conflict('FORECAST_NOT_DRAFT', `Only a draft forecast can be changed or submitted; this one is ${status}.`);

/** The cycle by id (422 at cycle_id when it is not the tenant's), open (409 otherwise). */
export async function openCycle(tx: Tx, tenantId: string, cycleId: string, path = '/body/cycle_id') {
  const [cycle] = await tx.db
    .select()
    .from(sopCycles)
    .where(and(eq(sopCycles.tenantId, tenantId), eq(sopCycles.id, cycleId)));
  if (!cycle)
    throw new AppError(422, 'VALIDATION_FAILED', 'Unknown reference.', {
      errors: [{ path, message: 'no such S&OP cycle' }],
    });
  if (cycle.status !== 'open')
    throw conflict(
      'SOP_CYCLE_NOT_OPEN',
      `Forecasts are saved into an open cycle; this one is ${cycle.status}.`,
    );
  return cycle;
}

/** Inserts a draft (409 FORECAST_EXISTS when the rep has a live one for the pair) with its lines. */
export async function insertDraft(
  tx: Tx,
  tenantId: string,
  keys: { cycleId: string; customerId: string; productId: string; repId: string },
  lines: readonly LineDraft[],
  base = '/body/lines',
): Promise<Row> {
  let row: Row | undefined;
  try {
    [row] = await tx.db
      .insert(forecasts)
      .values({ tenantId, ...keys })
      .returning();
  } catch (error) {
    if (sqlState(error) === '23505') throw forecastExists();
    throw error;
  }
  const price = await matrixPrice(tx, tenantId, keys.customerId, keys.productId);
  await replaceLines(tx, tenantId, row!.id, lines, price, base);
  return row!;
}

export function createForecastsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  async function audit(tx: Tx, ctx: CallContext, action: string, id: string, changes: object) {
    await writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action: `${ENTITY}.${action}`,
      entityType: ENTITY,
      entityId: id,
      changes,
    });
  }

  async function view(tx: Tx, ctx: CallContext, id: string): Promise<Forecast> {
    const row = await forecastResource.read<Named>(tx, ctx, id, FIELDS);
    return toJson(row, (await linesOf(tx, ctx.tenantId, [id])).get(id)!);
  }

  /** The caller's own forecast, locked: 404 outside the scope, 403 someone else's. */
  async function own(tx: Tx, ctx: CallContext, id: string): Promise<Row> {
    const row = await forecastResource.find(tx, ctx, id, { lock: true });
    if (row.repId !== ctx.principal.userId)
      throw forbidden('Only the rep who owns a forecast can change it.', 'NOT_FORECAST_OWNER');
    return row;
  }

  async function setStatus(tx: Tx, ctx: CallContext, id: string, values: Partial<Row>) {
    await tx.db
      .update(forecasts)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(forecasts.tenantId, ctx.tenantId), eq(forecasts.id, id)));
  }

  /** Approvers: the forecasts:approve permission and a role named in the approver_roles setting. */
  async function decide(tx: Tx, ctx: CallContext, id: string) {
    const { planning } = await planningContext(tx, ctx.tenantId);
    if (!ctx.principal.roles.some((role) => planning.approver_roles.includes(role)))
      throw forbidden(
        'Your roles are not among the approver roles of the planning settings.',
        'NOT_AN_APPROVER',
      );
    const row = await forecastResource.find(tx, ctx, id, { lock: true });
    if (row.status !== 'submitted')
      throw conflict(
        'FORECAST_NOT_SUBMITTED',
        `Only a submitted forecast can be approved or rejected; this one is ${row.status}.`,
      );
    return row;
  }

  return {
    list(ctx: CallContext, query: ForecastListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await forecastResource.list<Omit<Named, keyof Row>>(tx, ctx, query, {
          fields: FIELDS,
          where: [
            query.cycle_id ? eq(forecasts.cycleId, query.cycle_id) : undefined,
            query.customer_id ? eq(forecasts.customerId, query.customer_id) : undefined,
            query.product_id ? eq(forecasts.productId, query.product_id) : undefined,
            query.rep_id ? eq(forecasts.repId, query.rep_id) : undefined,
            query.status ? eq(forecasts.status, query.status) : undefined,
          ],
        });
        const lines = await linesOf(
          tx,
          ctx.tenantId,
          page.rows.map((r) => r.id),
        );
        return envelope('forecasts', page, (row) => toJson(row as Named, lines.get(row.id)!));
      });
    },

    get: (ctx: CallContext, id: string) => tenantTx(ctx, (tx) => view(tx, ctx, id)),

    /** A draft of the caller (the rep) in an open cycle; one live per (cycle, customer, product, rep). */
    create(ctx: CallContext, body: CreateForecastBody): Promise<Forecast> {
      return tenantTx(ctx, async (tx) => {
        const cycle = await openCycle(tx, ctx.tenantId, body.cycle_id);
        await checkReferences(tx, ctx.tenantId, {
          customer_id: body.customer_id,
          product_id: body.product_id,
        });
        checkLines(body.lines, monthOf(cycle.anchorMonth));
        const row = await insertDraft(
          tx,
          ctx.tenantId,
          {
            cycleId: cycle.id,
            customerId: body.customer_id,
            productId: body.product_id,
            repId: ctx.principal.userId,
          },
          body.lines,
        );
        const json = await view(tx, ctx, row.id);
        await audit(tx, ctx, 'create', row.id, { after: { status: 'draft', lines: json.lines.length } });
        return json;
      });
    },

    /** The owner's draft in an open cycle: the lines are replaced as a whole. */
    update(ctx: CallContext, id: string, body: UpdateForecastBody): Promise<Forecast> {
      return tenantTx(ctx, async (tx) => {
        const row = await own(tx, ctx, id);
        if (row.status !== 'draft') throw notDraft(row.status);
        const cycle = await openCycle(tx, ctx.tenantId, row.cycleId);
        checkLines(body.lines, monthOf(cycle.anchorMonth));
        const before = await view(tx, ctx, id);
        const price = await matrixPrice(tx, ctx.tenantId, row.customerId, row.productId);
        await replaceLines(tx, ctx.tenantId, id, body.lines, price);
        await setStatus(tx, ctx, id, {});
        const json = await view(tx, ctx, id);
        await audit(tx, ctx, 'update', id, {
          before: { total_quantity: before.total_quantity, lines: before.lines.length },
          after: { total_quantity: json.total_quantity, lines: json.lines.length },
        });
        return json;
      });
    },

    /**
     * draft → submitted by its owner: the cycle open, now not after the deadline, and at least
     * min_future_months of the forecast months (anchor … anchor + 11) with quantity > 0.
     */
    submit(ctx: CallContext, id: string): Promise<Forecast> {
      return tenantTx(ctx, async (tx) => {
        const row = await own(tx, ctx, id);
        if (row.status !== 'draft') throw notDraft(row.status);
        const cycle = await openCycle(tx, ctx.tenantId, row.cycleId);
        const { timeZone, planning } = await planningContext(tx, ctx.tenantId);
        const deadline = submissionDeadline(cycle.endDate, timeZone);
        if (new Date() > deadline)
          throw conflict(
            'SUBMISSION_DEADLINE_PASSED',
            `The submission deadline of this cycle passed at ${deadline.toISOString()}.`,
          );
        const future = new Set(futureMonths(monthOf(cycle.anchorMonth)));
        const lines = (await linesOf(tx, ctx.tenantId, [id])).get(id)!;
        const filled = lines.filter((l) => future.has(monthText(l.month)) && num(l.quantity) > 0).length;
        if (filled < planning.min_future_months)
          throw new AppError(
            422,
            'FORECAST_INCOMPLETE',
            `A forecast needs at least ${planning.min_future_months} of the months ${[...future][0]}–${[...future].at(-1)} with a quantity above 0; this one has ${filled}.`,
            {
              errors: [
                { path: '/lines', message: `${filled} of ${planning.min_future_months} months filled` },
              ],
            },
          );
        await setStatus(tx, ctx, id, { status: 'submitted', submittedAt: new Date() });
        await audit(tx, ctx, 'submit', id, { before: { status: 'draft' }, after: { status: 'submitted' } });
        return view(tx, ctx, id);
      });
    },

    approve(ctx: CallContext, id: string): Promise<Forecast> {
      return tenantTx(ctx, async (tx) => {
        await decide(tx, ctx, id);
        await setStatus(tx, ctx, id, {
          status: 'approved',
          approvedAt: new Date(),
          decidedBy: ctx.principal.userId,
        });
        await audit(tx, ctx, 'approve', id, {
          before: { status: 'submitted' },
          after: { status: 'approved' },
        });
        return view(tx, ctx, id);
      });
    },

    reject(ctx: CallContext, id: string, body: RejectBody): Promise<Forecast> {
      return tenantTx(ctx, async (tx) => {
        await decide(tx, ctx, id);
        const comment = body.comment.trim();
        await setStatus(tx, ctx, id, {
          status: 'rejected',
          rejectedAt: new Date(),
          decidedBy: ctx.principal.userId,
          comment,
        });
        await audit(tx, ctx, 'reject', id, {
          before: { status: 'submitted' },
          after: { status: 'rejected', comment },
        });
        return view(tx, ctx, id);
      });
    },

    /** A rejected forecast of the caller becomes a new draft with the same lines (the cycle open). */
    reopen(ctx: CallContext, id: string): Promise<Forecast> {
      return tenantTx(ctx, async (tx) => {
        const row = await own(tx, ctx, id);
        if (row.status !== 'rejected')
          throw conflict(
            'FORECAST_NOT_REJECTED',
            `Only a rejected forecast can be reopened; this one is ${row.status}.`,
          );
        await openCycle(tx, ctx.tenantId, row.cycleId);
        const lines = (await linesOf(tx, ctx.tenantId, [id])).get(id)!;
        const draft = await insertDraft(
          tx,
          ctx.tenantId,
          { cycleId: row.cycleId, customerId: row.customerId, productId: row.productId, repId: row.repId },
          lines.map((l) => ({
            month: monthText(l.month),
            quantity: num(l.quantity),
            price_override: l.priceOverride,
          })),
        );
        await audit(tx, ctx, 'reopen', draft.id, { after: { status: 'draft', reopened_from: id } });
        return view(tx, ctx, draft.id);
      });
    },
  };
}

export type ForecastsService = ReturnType<typeof createForecastsService>;
