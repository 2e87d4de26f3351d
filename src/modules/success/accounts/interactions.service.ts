import { and, eq } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import {
  envelope,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
  type PageQuery,
} from '../../../platform/resource/index.js';
import { diff, tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { customerInScope } from '../scope.js';
import { customerInteractions } from '../tables/interactions.tables.js';
import { checkRange, referencedCustomer } from './common.js';
import { raiseEscalation, type AlertDeps } from './escalation.js';
import {
  checkedValues,
  INTERACTION_FIELDS,
  interactionConditions,
  interactionResource,
  toInteractionJson,
  type InteractionFilters,
} from './interaction-rules.js';
import type {
  CreateInteractionBody,
  CustomerInteractionsQuery,
  Interaction,
  InteractionListQuery,
  UpdateInteractionBody,
} from './interactions.schemas.js';

const ENTITY = 'interaction';
/** An interaction as audited: without its timestamps and its customer's (changing) name. */
const auditable = ({ created_at: _c, updated_at: _u, customer_name: _n, ...rest }: Interaction) => rest;

type Customer = Awaited<ReturnType<typeof customerInScope>>;

export function createInteractionsService(deps: { db: TenantDatabase } & AlertDeps) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);
  const timeZoneOf = async (tx: Tx, tenantId: string) => (await tenantSettingsOf(tx, tenantId)).time_zone;

  async function list(tx: Tx, ctx: CallContext, query: PageQuery & Partial<InteractionFilters>) {
    checkRange(query.date_from, query.date_to, '/query/date_to');
    const dated = query.date_from || query.date_to;
    const timeZone = dated ? await timeZoneOf(tx, ctx.tenantId) : 'UTC';
    const page = await interactionResource.list<{ customerName: string }>(tx, ctx, query, {
      where: interactionConditions(query, timeZone),
      fields: INTERACTION_FIELDS,
    });
    return envelope('interactions', page, toInteractionJson);
  }

  /** An escalation raises its alert in the transaction that logs it (once per customer and day). */
  async function alertIfEscalation(tx: Tx, ctx: CallContext, customer: Customer, row: Interaction) {
    if (row.interaction_type !== 'escalation') return;
    await raiseEscalation(deps, tx, ctx.tenantId, {
      customerId: customer.id,
      customerName: customer.name,
      ownerId: customer.ownerId,
      subject: row.subject,
      description: row.description,
    });
  }

  return {
    list(ctx: CallContext, query: InteractionListQuery) {
      return tenantRead(ctx, (tx) => list(tx, ctx, query));
    },

    /** A customer's interactions: 404 when the customer is not in the tenant or the caller's scope. */
    forCustomer(ctx: CallContext, customerId: string, query: CustomerInteractionsQuery) {
      return tenantRead(ctx, async (tx) => {
        await customerInScope(tx, ctx.principal, customerId);
        return list(tx, ctx, { ...query, customer_id: customerId });
      });
    },

    get(ctx: CallContext, id: string): Promise<Interaction> {
      return tenantRead(ctx, async (tx) =>
        toInteractionJson(
          await interactionResource.read<{ customerName: string }>(tx, ctx, id, INTERACTION_FIELDS),
        ),
      );
    },

    create(ctx: CallContext, body: CreateInteractionBody): Promise<Interaction> {
      return tenantTx(ctx, async (tx) => {
        const customer = await referencedCustomer(tx, ctx.principal, body.customer_id, '/body/customer_id');
        const now = new Date();
        const timeZone = await timeZoneOf(tx, ctx.tenantId);
        const values = await checkedValues(
          tx,
          { tenantId: ctx.tenantId, customerId: customer.id, timeZone, now },
          body,
        );
        const [row] = await tx.db
          .insert(customerInteractions)
          .values({
            interactionDate: now,
            performedBy: ctx.principal.userId,
            ...values,
            interactionType: body.interaction_type,
            subject: body.subject.trim(),
            tenantId: ctx.tenantId,
            customerId: customer.id,
            createdBy: ctx.principal.userId,
          })
          .returning();
        const json = toInteractionJson({ ...row!, customerName: customer.name });
        await alertIfEscalation(tx, ctx, customer, json);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: `${ENTITY}.create`,
          entityType: ENTITY,
          entityId: row!.id,
          changes: { after: auditable(json) },
        });
        return json;
      });
    },

    /** A partial change; a change to `escalation` raises the alert as logging one does. */
    update(ctx: CallContext, id: string, body: UpdateInteractionBody): Promise<Interaction> {
      return tenantTx(ctx, async (tx) => {
        const before = await interactionResource.find(tx, ctx, id, { lock: true });
        const customer = await customerInScope(tx, ctx.principal, before.customerId);
        const values = await checkedValues(
          tx,
          {
            tenantId: ctx.tenantId,
            customerId: before.customerId,
            timeZone: await timeZoneOf(tx, ctx.tenantId),
            now: new Date(),
          },
          body,
          before,
        );
        const [row] = await tx.db
          .update(customerInteractions)
          .set({ ...values, updatedAt: new Date() })
          .where(and(eq(customerInteractions.tenantId, ctx.tenantId), eq(customerInteractions.id, id)))
          .returning();
        const json = toInteractionJson({ ...row!, customerName: customer.name });
        if (before.interactionType !== 'escalation') await alertIfEscalation(tx, ctx, customer, json);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: `${ENTITY}.update`,
          entityType: ENTITY,
          entityId: id,
          changes: diff(
            auditable(toInteractionJson({ ...before, customerName: customer.name })),
            auditable(json),
          ),
        });
        return json;
      });
    },

    remove(ctx: CallContext, id: string): Promise<void> {
      return tenantTx(ctx, async (tx) => {
        const before = await interactionResource.find(tx, ctx, id, { lock: true });
        await tx.db
          .delete(customerInteractions)
          .where(and(eq(customerInteractions.tenantId, ctx.tenantId), eq(customerInteractions.id, id)));
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: `${ENTITY}.delete`,
          entityType: ENTITY,
          entityId: id,
          changes: { before: auditable(toInteractionJson({ ...before, customerName: '' })) },
        });
      });
    },
  };
}

export type InteractionsService = ReturnType<typeof createInteractionsService>;
