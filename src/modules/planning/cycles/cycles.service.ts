import { and, eq, ne } from 'drizzle-orm';
import type { Mailer } from '../../../platform/mail/types.js';
import { sqlState } from '../../../platform/db/pg-errors.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, notFound, validationFailed } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
  type AuditSource,
} from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { planningContext } from '../common.js';
import { sopCycles } from '../tables/planning.tables.js';
import type {
  CreateCycleBody,
  CycleListQuery,
  CycleStats,
  NotifyResult,
  SopCycle,
  UpdateCycleBody,
} from './cycles.schemas.js';
import { cycleStats, mailRepsNotSubmitted } from './progress.js';
import { firstDayOf, monthOf, planningWindow, submissionDeadline } from './window.js';

export type CycleRow = typeof sopCycles.$inferSelect;
const ENTITY = 'sop_cycle';

/** Cycles are the tenant's (no owner): every role with the read permission sees them all. */
export const cycleResource = defineResource({
  table: sopCycles,
  name: 'S&OP cycle',
  tenantId: sopCycles.tenantId,
  id: sopCycles.id,
  scope: () => undefined,
  sorts: {
    anchor_month: sopCycles.anchorMonth,
    created_at: sopCycles.createdAt,
    start_date: sopCycles.startDate,
    name: sopCycles.name,
  },
});

export function toCycleJson(row: CycleRow, timeZone: string): SopCycle {
  return {
    id: row.id,
    name: row.name,
    anchor_month: monthOf(row.anchorMonth),
    start_date: row.startDate,
    end_date: row.endDate,
    status: row.status,
    window: planningWindow(monthOf(row.anchorMonth)),
    submission_deadline: submissionDeadline(row.endDate, timeZone).toISOString(),
    opened_at: iso(row.openedAt),
    opened_by: row.openedBy,
    closed_at: iso(row.closedAt),
    closed_by: row.closedBy,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function checkDates(start: string, end: string) {
  if (end < start)
    throw validationFailed([{ path: '/body/end_date', message: 'must not be before start_date' }]);
}

const auditable = ({ created_at: _c, updated_at: _u, window: _w, ...rest }: SopCycle) => rest;

/** Only one cycle may be open per tenant (the partial unique index `sop_cycles_one_open_uq`). */
const alreadyOpen = (name?: string) =>
  conflict(
    'SOP_CYCLE_ALREADY_OPEN',
    name
      ? `The cycle "${name}" is open; close it before opening another.`
      : 'Another cycle is open; close it before opening another.',
  );

/** Closes an open cycle (by a user, or by the auto-close job with `by` null). */
export async function closeCycle(
  tx: Tx,
  tenantId: string,
  row: CycleRow,
  by: string | null,
  audit: AuditSource,
) {
  const [closed] = await tx.db
    .update(sopCycles)
    .set({ status: 'closed', closedAt: new Date(), closedBy: by, updatedAt: new Date() })
    .where(and(eq(sopCycles.tenantId, tenantId), eq(sopCycles.id, row.id), eq(sopCycles.status, 'open')))
    .returning();
  if (!closed) throw conflict('SOP_CYCLE_NOT_OPEN', 'Only an open cycle can be closed.');
  await writeAudit(tx, audit, {
    tenantId,
    action: `${ENTITY}.close`,
    entityType: ENTITY,
    entityId: row.id,
    changes: { before: { status: 'open' }, after: { status: 'closed', automatic: by === null } },
  });
  return closed;
}

export function createCyclesService(deps: { db: TenantDatabase; mailer: Pick<Mailer, 'send'> }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);
  const zoneOf = async (tx: Tx, ctx: CallContext) => (await planningContext(tx, ctx.tenantId)).timeZone;

  async function audit(tx: Tx, ctx: CallContext, action: string, id: string, changes: object) {
    await writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action: `${ENTITY}.${action}`,
      entityType: ENTITY,
      entityId: id,
      changes,
    });
  }

  return {
    list(ctx: CallContext, query: CycleListQuery) {
      return tenantTx(ctx, async (tx) => {
        const timeZone = await zoneOf(tx, ctx);
        const page = await cycleResource.list(tx, ctx, query, {
          where: [query.status ? eq(sopCycles.status, query.status) : undefined],
        });
        return envelope('sop_cycles', page, (row) => toCycleJson(row as CycleRow, timeZone));
      });
    },

    get(ctx: CallContext, id: string): Promise<SopCycle> {
      return tenantTx(ctx, async (tx) =>
        toCycleJson(await cycleResource.find(tx, ctx, id), await zoneOf(tx, ctx)),
      );
    },

    /** The open cycle; 404 NO_ACTIVE_CYCLE when none is open. */
    active(ctx: CallContext): Promise<SopCycle> {
      return tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .select()
          .from(sopCycles)
          .where(and(eq(sopCycles.tenantId, ctx.tenantId), eq(sopCycles.status, 'open')));
        if (!row) throw notFound('Open S&OP cycle', 'NO_ACTIVE_CYCLE');
        return toCycleJson(row, await zoneOf(tx, ctx));
      });
    },

    create(ctx: CallContext, body: CreateCycleBody): Promise<SopCycle> {
      return tenantTx(ctx, async (tx) => {
        checkDates(body.start_date, body.end_date);
        const [row] = await tx.db
          .insert(sopCycles)
          .values({
            tenantId: ctx.tenantId,
            name: body.name.trim(),
            anchorMonth: firstDayOf(body.anchor_month)!,
            startDate: body.start_date,
            endDate: body.end_date,
            createdBy: ctx.principal.userId,
          })
          .returning();
        const json = toCycleJson(row!, await zoneOf(tx, ctx));
        await audit(tx, ctx, 'create', row!.id, { after: auditable(json) });
        return json;
      });
    },

    /** Drafts change freely; an open cycle its name and dates (not its anchor); a closed one not at all. */
    update(ctx: CallContext, id: string, body: UpdateCycleBody): Promise<SopCycle> {
      return tenantTx(ctx, async (tx) => {
        const before = await cycleResource.find(tx, ctx, id, { lock: true });
        if (before.status === 'closed')
          throw conflict('SOP_CYCLE_CLOSED', 'A closed cycle cannot be changed.');
        const anchor = body.anchor_month ? firstDayOf(body.anchor_month)! : undefined;
        if (before.status === 'open' && anchor !== undefined && anchor !== before.anchorMonth)
          throw conflict('SOP_CYCLE_NOT_DRAFT', 'The anchor month of an open cycle cannot change.');
        checkDates(body.start_date ?? before.startDate, body.end_date ?? before.endDate);
        const [row] = await tx.db
          .update(sopCycles)
          .set({
            ...(body.name !== undefined ? { name: body.name.trim() } : {}),
            ...(anchor !== undefined ? { anchorMonth: anchor } : {}),
            ...(body.start_date !== undefined ? { startDate: body.start_date } : {}),
            ...(body.end_date !== undefined ? { endDate: body.end_date } : {}),
            updatedAt: new Date(),
          })
          .where(and(eq(sopCycles.tenantId, ctx.tenantId), eq(sopCycles.id, id)))
          .returning();
        const timeZone = await zoneOf(tx, ctx);
        const json = toCycleJson(row!, timeZone);
        await audit(tx, ctx, 'update', id, diff(auditable(toCycleJson(before, timeZone)), auditable(json)));
        return json;
      });
    },

    /** Only drafts are deleted (an opened cycle has forecasts and history): 409 otherwise. */
    remove(ctx: CallContext, id: string): Promise<void> {
      return tenantTx(ctx, async (tx) => {
        const before = await cycleResource.find(tx, ctx, id, { lock: true });
        if (before.status !== 'draft')
          throw conflict(
            'SOP_CYCLE_NOT_DRAFT',
            `Only a draft cycle can be deleted; this one is ${before.status}.`,
          );
        await tx.db.delete(sopCycles).where(and(eq(sopCycles.tenantId, ctx.tenantId), eq(sopCycles.id, id)));
        await audit(tx, ctx, 'delete', id, { before: { name: before.name, status: before.status } });
      });
    },

    /**
     * draft → open. Only one cycle is open per tenant: another open one is 409 SOP_CYCLE_ALREADY_OPEN,
     * and the partial unique index answers the same when two opens race.
     */
    open(ctx: CallContext, id: string): Promise<SopCycle> {
      return tenantTx(ctx, async (tx) => {
        const before = await cycleResource.find(tx, ctx, id, { lock: true });
        if (before.status !== 'draft')
          throw conflict(
            'SOP_CYCLE_NOT_DRAFT',
            `Only a draft cycle can be opened; this one is ${before.status}.`,
          );
        const [other] = await tx.db
          .select({ name: sopCycles.name })
          .from(sopCycles)
          .where(
            and(eq(sopCycles.tenantId, ctx.tenantId), eq(sopCycles.status, 'open'), ne(sopCycles.id, id)),
          );
        if (other) throw alreadyOpen(other.name);
        let row: CycleRow | undefined;
        try {
          [row] = await tx.db
            .update(sopCycles)
            .set({
              status: 'open',
              openedAt: new Date(),
              openedBy: ctx.principal.userId,
              updatedAt: new Date(),
            })
            .where(and(eq(sopCycles.tenantId, ctx.tenantId), eq(sopCycles.id, id)))
            .returning();
        } catch (error) {
          if (sqlState(error) === '23505') throw alreadyOpen();
          throw error;
        }
        await audit(tx, ctx, 'open', id, { before: { status: 'draft' }, after: { status: 'open' } });
        return toCycleJson(row!, await zoneOf(tx, ctx));
      });
    },

    /** open → closed; anything else is 409 SOP_CYCLE_NOT_OPEN. */
    close(ctx: CallContext, id: string): Promise<SopCycle> {
      return tenantTx(ctx, async (tx) => {
        const before = await cycleResource.find(tx, ctx, id, { lock: true });
        if (before.status !== 'open')
          throw conflict(
            'SOP_CYCLE_NOT_OPEN',
            `Only an open cycle can be closed; this one is ${before.status}.`,
          );
        const row = await closeCycle(tx, ctx.tenantId, before, ctx.principal.userId, ctx.audit);
        return toCycleJson(row, await zoneOf(tx, ctx));
      });
    },

    /** E-mails every rep who has not submitted all their forecasts of the open cycle. */
    notify(ctx: CallContext, id: string): Promise<NotifyResult> {
      return tenantTx(ctx, async (tx) => {
        const cycle = await cycleResource.find(tx, ctx, id);
        if (cycle.status !== 'open')
          throw conflict(
            'SOP_CYCLE_NOT_OPEN',
            `Reps are notified of an open cycle only; this one is ${cycle.status}.`,
          );
        const timeZone = await zoneOf(tx, ctx);
        const reps = await mailRepsNotSubmitted(
          tx,
          deps.mailer,
          ctx.tenantId,
          cycle,
          submissionDeadline(cycle.endDate, timeZone),
          timeZone,
        );
        await audit(tx, ctx, 'notify', id, { after: { notified: reps.length } });
        return { notified: reps.length, rep_ids: reps };
      });
    },

    stats(ctx: CallContext, id: string): Promise<CycleStats> {
      return tenantRead(ctx, async (tx) => {
        await cycleResource.find(tx, ctx, id);
        return cycleStats(tx, ctx.tenantId, id);
      });
    },
  };
}

export type CyclesService = ReturnType<typeof createCyclesService>;
