import { eq, gte, lt } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { envelope, tenantReadOf, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { activeProductIds } from '../../catalog/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { dayAfter, startOfLocalDay } from '../clock.js';
import { leadResource } from '../leads/leads.repository.js';
import { conversions } from '../tables/conversions.tables.js';
import {
  conversionSettings,
  correctConversion,
  externalSaleExists,
  recordConversion,
  refusalOf,
  saleChanged,
  type Jobs,
} from './conversion-writer.js';
import type {
  Conversion,
  ConversionListQuery,
  CreateConversionBody,
  UpdateConversionBody,
} from './conversions.schemas.js';
import { conversionByExternalId, conversionResource, toConversionJson } from './conversions.repository.js';

const ENTITY = 'conversion';
/** A device or server clock a little ahead is tolerated; a sale further in the future is a mistake. */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;

/** 422 at `path` when `at` lies more than the skew ahead. */
export function checkNotFuture(at: Date, path: string): FieldError[] {
  return at.getTime() > Date.now() + FUTURE_SKEW_MS ? [{ path, message: 'must not be in the future' }] : [];
}

async function checkProduct(tx: Tx, tenantId: string, productId: string | null | undefined) {
  if (productId && !(await activeProductIds(tx, tenantId, [productId])).has(productId))
    return [{ path: '/body/product_id', message: 'no such product' }];
  return [];
}

export function createConversionsService(deps: { db: TenantDatabase; jobs: Jobs }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  return {
    /** Records a sale of a lead in scope and converts the lead, in one transaction. */
    create(ctx: CallContext, body: CreateConversionBody): Promise<Conversion> {
      return tenantTx(ctx, async (tx) => {
        const errors: FieldError[] = [];
        if ((body.external_system === undefined) !== (body.external_sale_id === undefined)) {
          const missing = body.external_system === undefined ? 'external_system' : 'external_sale_id';
          errors.push({ path: `/body/${missing}`, message: 'is required with the other external field' });
        }
        const convertedAt = body.converted_at ? new Date(body.converted_at) : new Date();
        errors.push(...checkNotFuture(convertedAt, '/body/converted_at'));
        errors.push(...(await checkProduct(tx, ctx.tenantId, body.product_id)));
        if (errors.length) throw validationFailed(errors);
        // The lead is locked first, so concurrent sales of one lead queue up behind each other.
        const lead = await leadResource.find(tx, ctx, body.lead_id, { lock: true });
        const external = body.external_system
          ? { system: body.external_system, saleId: body.external_sale_id! }
          : null;
        if (external) {
          const existing = await conversionByExternalId(tx, ctx.tenantId, external.system, external.saleId);
          if (existing) throw externalSaleExists(existing);
        }
        const settings = await conversionSettings(tx, ctx.tenantId);
        const refusal = refusalOf(lead, settings.repeatSales);
        if (refusal) throw refusal;
        const row = await recordConversion(tx, deps.jobs, settings, lead, {
          amount: body.amount,
          cost: body.cost ?? '0',
          currency: body.currency ?? settings.currency,
          productId: body.product_id ?? null,
          convertedAt,
          notes: body.notes ?? null,
          origin: 'manual',
          externalSystem: external?.system ?? null,
          externalSaleId: external?.saleId ?? null,
          importRunId: null,
          by: ctx.principal.userId,
        });
        if (!row)
          throw externalSaleExists(
            (await conversionByExternalId(tx, ctx.tenantId, external!.system, external!.saleId))!,
          );
        const { created_at: _c, updated_at: _u, ...after } = toConversionJson(row);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'conversion.create',
          entityType: ENTITY,
          entityId: row.id,
          changes: { after },
        });
        return toConversionJson(row);
      });
    },

    list(ctx: CallContext, query: ConversionListQuery) {
      return tenantRead(ctx, async (tx) => {
        const zone =
          query.date_from || query.date_to ? (await conversionSettings(tx, ctx.tenantId)).timeZone : 'UTC';
        const page = await conversionResource.list(tx, ctx, query, {
          where: [
            query.agent ? eq(conversions.agentId, query.agent) : undefined,
            query.outlet ? eq(conversions.outletId, query.outlet) : undefined,
            query.campaign ? eq(conversions.campaignId, query.campaign) : undefined,
            query.source ? eq(conversions.sourceId, query.source) : undefined,
            query.lead ? eq(conversions.leadId, query.lead) : undefined,
            query.origin ? eq(conversions.origin, query.origin) : undefined,
            query.date_from
              ? gte(conversions.convertedAt, startOfLocalDay(query.date_from, zone))
              : undefined,
            query.date_to
              ? lt(conversions.convertedAt, startOfLocalDay(dayAfter(query.date_to), zone))
              : undefined,
          ],
        });
        return envelope('conversions', page, toConversionJson);
      });
    },

    get(ctx: CallContext, id: string): Promise<Conversion> {
      return tenantRead(ctx, async (tx) => toConversionJson(await conversionResource.find(tx, ctx, id)));
    },

    /** Corrects a sale; the ledger gets entries carrying the differences. */
    update(ctx: CallContext, id: string, body: UpdateConversionBody): Promise<Conversion> {
      return tenantTx(ctx, async (tx) => {
        const before = await conversionResource.find(tx, ctx, id, { lock: true });
        const convertedAt = body.converted_at ? new Date(body.converted_at) : before.convertedAt;
        const errors = [
          ...(body.converted_at ? checkNotFuture(convertedAt, '/body/converted_at') : []),
          ...(await checkProduct(tx, ctx.tenantId, body.product_id)),
        ];
        if (errors.length) throw validationFailed(errors);
        const next = {
          amount: body.amount ?? before.amount,
          cost: body.cost ?? before.cost,
          currency: before.currency,
          productId: body.product_id === undefined ? before.productId : body.product_id,
          convertedAt,
          notes: body.notes === undefined ? before.notes : body.notes,
        };
        if (!saleChanged(before, next)) return toConversionJson(before);
        const settings = await conversionSettings(tx, ctx.tenantId);
        const row = await correctConversion(tx, deps.jobs, settings, before, next, ctx.principal.userId);
        const strip = ({ created_at: _c, updated_at: _u, ...rest }: Conversion) => rest;
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'conversion.update',
          entityType: ENTITY,
          entityId: id,
          changes: diff(strip(toConversionJson(before)), strip(toConversionJson(row))),
        });
        return toConversionJson(row);
      });
    },
  };
}

export type ConversionsService = ReturnType<typeof createConversionsService>;
