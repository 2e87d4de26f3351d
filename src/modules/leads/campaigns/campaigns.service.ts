import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { envelope, iso, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { activeOutletIds, activeProductIds, brandIdsAmong } from '../../catalog/index.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { localDate } from '../clock.js';
import { campaignOutlets, campaignProducts, campaigns } from '../tables/campaigns.tables.js';
import { leads } from '../tables/leads.tables.js';
import {
  auditable,
  auditWrite,
  byId,
  codedResource,
  codeOrNameMatches,
  removeUnlessLeadsName,
} from './coded-records.js';
import { checkCampaignTransition, effectiveStatus, effectiveStatusSql } from './campaign-status.js';
import type {
  Campaign,
  CampaignActionBody,
  CampaignListQuery,
  CreateCampaignBody,
  UpdateCampaignBody,
} from './campaigns.schemas.js';

type CampaignRow = typeof campaigns.$inferSelect;
const ENTITY = 'campaign';

// The default sort stays creation time (the first key): lists show the newest campaigns first.
export const campaignResource = codedResource(campaigns, 'Campaign', {
  created_at: campaigns.createdAt,
  start_date: campaigns.startDate,
});

interface Links {
  productIds: string[];
  outletIds: string[];
}

export function toCampaignJson(row: CampaignRow, links: Links, today: string): Campaign {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    status: effectiveStatus(row, today),
    start_date: row.startDate,
    end_date: row.endDate,
    budget: row.budget,
    spend: row.spend,
    currency: row.currency,
    brand_id: row.brandId,
    product_ids: links.productIds,
    outlet_ids: links.outletIds,
    activated_at: iso(row.activatedAt),
    ended_at: iso(row.endedAt),
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

async function linksOf(tx: Tx, tenantId: string, ids: string[]): Promise<Map<string, Links>> {
  const map = new Map<string, Links>(ids.map((id) => [id, { productIds: [], outletIds: [] }]));
  if (!ids.length) return map;
  const [products, outlets] = await Promise.all([
    tx.db
      .select({ campaignId: campaignProducts.campaignId, id: campaignProducts.productId })
      .from(campaignProducts)
      .where(and(eq(campaignProducts.tenantId, tenantId), inArray(campaignProducts.campaignId, ids)))
      .orderBy(asc(campaignProducts.productId)),
    tx.db
      .select({ campaignId: campaignOutlets.campaignId, id: campaignOutlets.outletId })
      .from(campaignOutlets)
      .where(and(eq(campaignOutlets.tenantId, tenantId), inArray(campaignOutlets.campaignId, ids)))
      .orderBy(asc(campaignOutlets.outletId)),
  ]);
  for (const p of products) map.get(p.campaignId)!.productIds.push(p.id);
  for (const o of outlets) map.get(o.campaignId)!.outletIds.push(o.id);
  return map;
}

/** 422 naming each brand, product or outlet the tenant does not have (or has archived). */
async function checkReferences(tx: Tx, tenantId: string, body: UpdateCampaignBody) {
  const errors: FieldError[] = [];
  if (body.brand_id && !(await brandIdsAmong(tx, tenantId, [body.brand_id])).has(body.brand_id))
    errors.push({ path: '/body/brand_id', message: 'no such brand' });
  const known = {
    product_ids: body.product_ids ? await activeProductIds(tx, tenantId, body.product_ids) : undefined,
    outlet_ids: body.outlet_ids ? await activeOutletIds(tx, tenantId, body.outlet_ids) : undefined,
  };
  (body.product_ids ?? []).forEach((id, i) => {
    if (!known.product_ids!.has(id))
      errors.push({ path: `/body/product_ids/${i}`, message: 'no such product' });
  });
  (body.outlet_ids ?? []).forEach((id, i) => {
    if (!known.outlet_ids!.has(id)) errors.push({ path: `/body/outlet_ids/${i}`, message: 'no such outlet' });
  });
  if (errors.length) throw validationFailed(errors);
}

function checkDates(start: string | null, end: string | null) {
  if (start && end && end < start)
    throw validationFailed([{ path: '/body/end_date', message: 'must not be before start_date' }]);
}

async function replaceLinks(tx: Tx, tenantId: string, id: string, body: UpdateCampaignBody) {
  if (body.product_ids) {
    await tx.db
      .delete(campaignProducts)
      .where(and(eq(campaignProducts.tenantId, tenantId), eq(campaignProducts.campaignId, id)));
    if (body.product_ids.length)
      await tx.db
        .insert(campaignProducts)
        .values(body.product_ids.map((productId) => ({ tenantId, campaignId: id, productId })));
  }
  if (body.outlet_ids) {
    await tx.db
      .delete(campaignOutlets)
      .where(and(eq(campaignOutlets.tenantId, tenantId), eq(campaignOutlets.campaignId, id)));
    if (body.outlet_ids.length)
      await tx.db
        .insert(campaignOutlets)
        .values(body.outlet_ids.map((outletId) => ({ tenantId, campaignId: id, outletId })));
  }
}

function columnsOf(body: UpdateCampaignBody): Partial<typeof campaigns.$inferInsert> {
  const v: Partial<typeof campaigns.$inferInsert> = {};
  if (body.code !== undefined) v.code = body.code;
  if (body.name !== undefined) v.name = body.name;
  if (body.description !== undefined) v.description = body.description;
  if (body.start_date !== undefined) v.startDate = body.start_date;
  if (body.end_date !== undefined) v.endDate = body.end_date;
  if (body.budget !== undefined) v.budget = body.budget;
  if (body.currency !== undefined) v.currency = body.currency;
  if (body.brand_id !== undefined) v.brandId = body.brand_id;
  return v;
}

export function createCampaignsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  const todayOf = async (tx: Tx, tenantId: string) =>
    localDate(new Date(), (await tenantSettingsOf(tx, tenantId)).time_zone);

  async function present(tx: Tx, ctx: CallContext, row: CampaignRow, today: string) {
    const links = await linksOf(tx, ctx.tenantId, [row.id]);
    return toCampaignJson(row, links.get(row.id)!, today);
  }

  async function write(
    ctx: CallContext,
    id: string,
    action: string,
    change: (
      before: CampaignRow,
      today: string,
      tx: Tx,
    ) => Promise<Partial<CampaignRow>> | Partial<CampaignRow>,
    body?: UpdateCampaignBody,
  ) {
    return tenantTx(ctx, async (tx) => {
      const today = await todayOf(tx, ctx.tenantId);
      const before = await campaignResource.find(tx, ctx, id, { lock: true });
      const beforeJson = await present(tx, ctx, before, today);
      const values = await change(before, today, tx);
      const [row] = await tx.db
        .update(campaigns)
        .set({ ...values, updatedAt: new Date() })
        .where(byId(campaigns, ctx.tenantId, id))
        .returning();
      if (body) await replaceLinks(tx, ctx.tenantId, id, body);
      const json = await present(tx, ctx, row!, today);
      await auditWrite(tx, ctx, { entityType: ENTITY, action, id }, json, beforeJson);
      return json;
    });
  }

  return {
    list(ctx: CallContext, query: CampaignListQuery) {
      return tenantTx(ctx, async (tx) => {
        const today = await todayOf(tx, ctx.tenantId);
        const page = await campaignResource.list(tx, ctx, query, {
          where: [
            codeOrNameMatches(query.q, campaigns.name, campaigns.code),
            query.status ? sql`${effectiveStatusSql(today)} = ${query.status}` : undefined,
            query.brand ? eq(campaigns.brandId, query.brand) : undefined,
            query.outlet
              ? sql`exists (select 1 from ${campaignOutlets} where ${campaignOutlets.tenantId} = ${campaigns.tenantId}
                  and ${campaignOutlets.campaignId} = ${campaigns.id} and ${campaignOutlets.outletId} = ${query.outlet})`
              : undefined,
          ],
        });
        const links = await linksOf(
          tx,
          ctx.tenantId,
          page.rows.map((r) => r.id),
        );
        return envelope('campaigns', page, (r) => toCampaignJson(r, links.get(r.id)!, today));
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) =>
        present(tx, ctx, await campaignResource.find(tx, ctx, id), await todayOf(tx, ctx.tenantId)),
      );
    },

    create(ctx: CallContext, body: CreateCampaignBody) {
      return tenantTx(ctx, async (tx) => {
        checkDates(body.start_date ?? null, body.end_date ?? null);
        await checkReferences(tx, ctx.tenantId, body);
        const settings = await tenantSettingsOf(tx, ctx.tenantId);
        const [row] = await tx.db
          .insert(campaigns)
          .values({
            ...columnsOf(body),
            tenantId: ctx.tenantId,
            code: body.code,
            name: body.name,
            currency: body.currency ?? settings.currency,
            createdBy: ctx.principal.userId,
          })
          .returning();
        await replaceLinks(tx, ctx.tenantId, row!.id, body);
        const json = await present(tx, ctx, row!, localDate(new Date(), settings.time_zone));
        await auditWrite(tx, ctx, { entityType: ENTITY, action: 'create', id: row!.id }, json);
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateCampaignBody) {
      return write(
        ctx,
        id,
        'update',
        async (before, _today, tx) => {
          if (before.status === 'ended')
            throw conflict('CAMPAIGN_ENDED', 'A campaign ended by hand can no longer be changed.');
          checkDates(
            body.start_date !== undefined ? body.start_date : before.startDate,
            body.end_date !== undefined ? body.end_date : before.endDate,
          );
          await checkReferences(tx, ctx.tenantId, body);
          return columnsOf(body);
        },
        body,
      );
    },

    activate(ctx: CallContext, id: string, _body: CampaignActionBody) {
      return write(ctx, id, 'activate', (before, today) => {
        checkCampaignTransition('activate', effectiveStatus(before, today));
        return { status: 'active', activatedAt: new Date() };
      });
    },

    end(ctx: CallContext, id: string, _body: CampaignActionBody) {
      return write(ctx, id, 'end', (before, today) => {
        checkCampaignTransition('end', effectiveStatus(before, today));
        return { status: 'ended', endedAt: new Date() };
      });
    },

    /** Only a campaign no lead names can go: leads keep their campaign for conversions and bonuses. */
    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const today = await todayOf(tx, ctx.tenantId);
        const before = await campaignResource.find(tx, ctx, id, { lock: true });
        await removeUnlessLeadsName(tx, ctx, {
          table: campaigns,
          id,
          leadColumn: leads.campaignId,
          code: 'CAMPAIGN_IN_USE',
          detail: 'Leads were captured under this campaign; end it instead.',
          entityType: ENTITY,
          before: auditable(await present(tx, ctx, before, today)),
        });
      });
    },
  };
}

export type CampaignsService = ReturnType<typeof createCampaignsService>;
