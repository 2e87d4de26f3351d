import { and, eq, gte, ilike, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { translateDbError } from '../../../platform/db/pg-errors.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import { AppError, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import {
  envelope,
  likeEscape,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { activeOutletIds, activeProductIds } from '../../catalog/index.js';
import { diff, tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { queueKpiRefreshAt } from '../kpi/kpi-queue.js';
import { normaliseLeadPhone } from '../phone.js';
import { attributionSources } from '../tables/campaigns.tables.js';
import { leads } from '../tables/leads.tables.js';
import {
  captureLeadQueued,
  captureSettings,
  validateItem,
  type CaptureSettings,
  type CapturedLead,
} from './lead-capture.js';
import type {
  CreateLeadBody,
  Lead,
  LeadBatchBody,
  LeadBatchResult,
  LeadListQuery,
  UpdateLeadBody,
} from './leads.schemas.js';
import { leadResource, toLeadJson, updateLead, type NewLeadRow } from './leads.repository.js';

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/** The phone search matches what is stored: digits of the query inside the E.164 number. */
function searchCondition(q: string) {
  const pattern = `%${likeEscape(q)}%`;
  const digits = q.replace(/\D/g, '');
  return or(
    ilike(leads.customerName, pattern),
    digits.length >= 3 ? ilike(leads.phone, `%${digits}%`) : undefined,
  );
}

/** The filters of `GET /leads` (the export applies the same ones). */
export function leadListConditions(query: LeadFilters) {
  return [
    query.q ? searchCondition(query.q) : undefined,
    query.status ? eq(leads.status, query.status) : undefined,
    query.campaign ? eq(leads.campaignId, query.campaign) : undefined,
    query.source ? eq(leads.sourceId, query.source) : undefined,
    query.outlet ? eq(leads.outletId, query.outlet) : undefined,
    query.agent ? eq(leads.agentId, query.agent) : undefined,
    query.product ? eq(leads.productId, query.product) : undefined,
    query.duplicate === undefined
      ? undefined
      : query.duplicate
        ? isNotNull(leads.duplicateOf)
        : isNull(leads.duplicateOf),
    query.date_from ? gte(leads.capturedAt, new Date(`${query.date_from}T00:00:00Z`)) : undefined,
    query.date_to ? lt(leads.capturedAt, new Date(nextDay(query.date_to))) : undefined,
  ];
}

type LeadFilters = Omit<LeadListQuery, 'limit' | 'offset' | 'cursor' | 'sort' | 'include_total'>;

export function createLeadsService(deps: { db: TenantDatabase; jobs: Pick<JobQueue, 'send'> }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  const capture = (tx: Tx, ctx: CallContext, body: CreateLeadBody, settings: CaptureSettings, base: string) =>
    captureLeadQueued(deps.jobs, tx, ctx, body, settings, base);

  /** One batch item in its own transaction: its failure is its result, never the batch's. */
  async function captureItem(ctx: CallContext, item: unknown, index: number, settings: CaptureSettings) {
    const base = `/body/leads/${index}`;
    try {
      const body = validateItem(item, base);
      const { lead, created } = await tenantTx(ctx, (tx) => capture(tx, ctx, body, settings, base));
      return { index, result: created ? ('created' as const) : ('existing' as const), lead, error: null };
    } catch (error) {
      const problem = error instanceof AppError ? error : translateDbError(error);
      if (!problem) throw error;
      return {
        index,
        result: 'failed' as const,
        lead: null,
        error: {
          status: problem.status,
          code: problem.code,
          detail: problem.detail,
          errors: problem.errors ?? [],
        },
      };
    }
  }

  return {
    create(ctx: CallContext, body: CreateLeadBody): Promise<CapturedLead> {
      return tenantTx(ctx, async (tx) =>
        capture(tx, ctx, body, await captureSettings(tx, ctx.tenantId), '/body'),
      );
    },

    /**
     * Leads captured offline, each independently: validated, idempotent by its client_uuid and
     * written in its own transaction, one after the other (a device's batch is small; the order
     * keeps duplicate flags stable — an earlier item is the master of a later one).
     */
    async batch(ctx: CallContext, body: LeadBatchBody): Promise<LeadBatchResult> {
      const settings = await tenantRead(ctx, (tx) => captureSettings(tx, ctx.tenantId));
      const results: LeadBatchResult['results'] = [];
      for (const [index, item] of body.leads.entries())
        results.push(await captureItem(ctx, item, index, settings));
      const count = (r: string) => results.filter((x) => x.result === r).length;
      return { created: count('created'), existing: count('existing'), failed: count('failed'), results };
    },

    list(ctx: CallContext, query: LeadListQuery) {
      return tenantRead(ctx, async (tx) => {
        const page = await leadResource.list(tx, ctx, query, {
          where: leadListConditions(query),
        });
        return envelope('leads', page, toLeadJson);
      });
    },

    get(ctx: CallContext, id: string): Promise<Lead> {
      return tenantRead(ctx, async (tx) => toLeadJson(await leadResource.find(tx, ctx, id)));
    },

    /** Contact facts and attribution; status, agent, campaign and capture facts have their own rules. */
    update(ctx: CallContext, id: string, body: UpdateLeadBody): Promise<Lead> {
      return tenantTx(ctx, async (tx) => {
        const before = await leadResource.find(tx, ctx, id, { lock: true });
        const values: Partial<NewLeadRow> = {};
        const errors: FieldError[] = [];
        if (body.customer_name !== undefined) values.customerName = body.customer_name.trim();
        if (body.phone !== undefined)
          values.phone = normaliseLeadPhone(
            body.phone,
            (await captureSettings(tx, ctx.tenantId)).phoneRegion,
            '/body/phone',
          );
        if (body.document_number !== undefined) values.documentNumber = body.document_number;
        if (body.notes !== undefined) values.notes = body.notes;
        if (body.product_id !== undefined) {
          if (
            body.product_id &&
            !(await activeProductIds(tx, ctx.tenantId, [body.product_id])).has(body.product_id)
          )
            errors.push({ path: '/body/product_id', message: 'no such product' });
          values.productId = body.product_id;
        }
        if (body.outlet_id !== undefined) {
          if (
            body.outlet_id &&
            !(await activeOutletIds(tx, ctx.tenantId, [body.outlet_id])).has(body.outlet_id)
          )
            errors.push({ path: '/body/outlet_id', message: 'no such outlet' });
          values.outletId = body.outlet_id;
        }
        if (body.source_id !== undefined) {
          if (body.source_id) {
            const [row] = await tx.db
              .select({ id: attributionSources.id })
              .from(attributionSources)
              .where(
                and(
                  eq(attributionSources.tenantId, ctx.tenantId),
                  eq(attributionSources.id, body.source_id),
                  isNull(attributionSources.archivedAt),
                ),
              );
            if (!row) errors.push({ path: '/body/source_id', message: 'no such attribution source' });
          }
          values.sourceId = body.source_id;
        }
        if (errors.length) throw validationFailed(errors);
        const row = await updateLead(tx, ctx.tenantId, id, values);
        // The outlet's KPIs count the lead on its capture day: moving it changes two outlets' rows.
        if (row.outletId !== before.outletId)
          await queueKpiRefreshAt(
            deps.jobs,
            tx,
            ctx.tenantId,
            (await tenantSettingsOf(tx, ctx.tenantId)).time_zone,
            [row.capturedAt],
          );
        const strip = ({ created_at: _c, updated_at: _u, ...rest }: Lead) => rest;
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'lead.update',
          entityType: 'lead',
          entityId: id,
          changes: diff(strip(toLeadJson(before)), strip(toLeadJson(row))),
        });
        return toLeadJson(row);
      });
    },
  };
}

export type LeadsService = ReturnType<typeof createLeadsService>;
