import { and, eq, isNull } from 'drizzle-orm';
import { Compile } from 'typebox/compile';
import type { Tx } from '../../../platform/db/types.js';
import type { JobQueue } from '../../../platform/jobs/types.js';
import { installTypeBoxFormats } from '../../../platform/http/formats.js';
import { conflict, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import type { CallContext } from '../../../platform/resource/index.js';
import { activeOutletIds, activeProductIds } from '../../catalog/index.js';
import { isActiveUserInScope, tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { queueKpiRefreshAt } from '../kpi/kpi-queue.js';
import { normaliseLeadPhone } from '../phone.js';
import { attributionSources, campaigns } from '../tables/campaigns.tables.js';
import { leads } from '../tables/leads.tables.js';
import { CreateLeadBody, type Lead } from './leads.schemas.js';
import {
  findMaster,
  insertHistory,
  insertLead,
  leadByClientUuid,
  leadResource,
  toLeadJson,
} from './leads.repository.js';

installTypeBoxFormats();
const itemValidator = Compile(CreateLeadBody);

/** What capture needs of the tenant's settings. */
export interface CaptureSettings {
  phoneRegion: string;
  duplicateWindowDays: number;
  /** The tenant's time zone: KPI days are its calendar days. */
  timeZone: string;
}

export interface CapturedLead {
  lead: Lead;
  /** False when the client_uuid named a lead already stored (a retry). */
  created: boolean;
}

export async function captureSettings(tx: Tx, tenantId: string): Promise<CaptureSettings> {
  const settings = await tenantSettingsOf(tx, tenantId);
  return {
    phoneRegion: settings.default_phone_region,
    duplicateWindowDays: settings.lead_duplicate_window_days,
    timeZone: settings.time_zone,
  };
}

/** A device clock a day ahead is wrong, not early: such a capture time would skew every report. */
export const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

/**
 * Checks one batch item against the same schema as `POST /leads`, with the API's pointers: a
 * missing or unknown member is named itself, and of a field's errors the one a person can act on
 * is kept (not a union's umbrella, nor "must be null" from a nullable field's null branch).
 */
export function validateItem(item: unknown, base: string): CreateLeadBody {
  if (itemValidator.Check(item)) return item;
  const byPath = new Map<string, FieldError>();
  const add = (path: string, message: string) => {
    if (!byPath.has(path)) byPath.set(path, { path, message });
  };
  const errors = [...(itemValidator.Errors(item) as Iterable<SchemaError>)];
  for (const e of errors) {
    if (e.keyword === 'required')
      for (const name of e.params.requiredProperties as string[]) add(`${base}/${name}`, 'is required');
    else if (e.keyword === 'additionalProperties')
      for (const name of e.params.additionalProperties as string[])
        add(`${base}/${name}`, 'is not an allowed property');
  }
  for (const e of errors) {
    if (['required', 'additionalProperties', 'anyOf', 'boolean'].includes(e.keyword)) continue;
    if (e.keyword === 'type' && e.params.type === 'null') continue;
    add(`${base}${e.instancePath}`, e.message);
  }
  throw validationFailed(
    byPath.size ? [...byPath.values()] : [{ path: base, message: 'is not a valid lead' }],
  );
}

/** 422 naming every reference the caller may not use. */
async function checkReferences(
  tx: Tx,
  ctx: CallContext,
  body: CreateLeadBody,
  agentId: string,
  base: string,
) {
  const errors: FieldError[] = [];
  const tenantId = ctx.tenantId;
  if (body.campaign_id) {
    const [row] = await tx.db
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, body.campaign_id)));
    if (!row) errors.push({ path: `${base}/campaign_id`, message: 'no such campaign' });
  }
  if (body.source_id) {
    const [row] = await tx.db
      .select({ id: attributionSources.id })
      .from(attributionSources)
      .where(
        and(
          eq(attributionSources.tenantId, tenantId),
          eq(attributionSources.id, body.source_id),
          isNull(attributionSources.archivedAt),
        ),
      );
    if (!row) errors.push({ path: `${base}/source_id`, message: 'no such attribution source' });
  }
  if (body.product_id && !(await activeProductIds(tx, tenantId, [body.product_id])).has(body.product_id))
    errors.push({ path: `${base}/product_id`, message: 'no such product' });
  if (body.outlet_id && !(await activeOutletIds(tx, tenantId, [body.outlet_id])).has(body.outlet_id))
    errors.push({ path: `${base}/outlet_id`, message: 'no such outlet' });
  if (!(await isActiveUserInScope(tx, ctx.principal, tenantId, agentId)))
    errors.push({ path: `${base}/agent_id`, message: 'no such active user within your scope' });
  if (errors.length) throw validationFailed(errors);
}

/**
 * The stored lead for a repeated client_uuid. One outside the caller's scope is another device's
 * id colliding, not a retry: 409, and nothing about it is shown.
 */
async function existing(tx: Tx, ctx: CallContext, clientUuid: string): Promise<CapturedLead | undefined> {
  const row = await leadByClientUuid(tx, ctx.tenantId, clientUuid);
  if (!row) return undefined;
  const visible = await tx.db
    .select({ id: leads.id })
    .from(leads)
    .where(leadResource.where(ctx, eq(leads.id, row.id)));
  if (!visible.length) throw conflict('CLIENT_UUID_IN_USE', 'Another lead already uses this client_uuid.');
  return { lead: toLeadJson(row), created: false };
}

/**
 * Captures one lead inside the caller's transaction: a client_uuid already stored answers the
 * stored lead; otherwise the references are checked, the phone normalised, a master looked for,
 * and the lead inserted with ON CONFLICT DO NOTHING — a concurrent repeat that got there first
 * is read back in the same transaction, so every repeat lands on one row.
 */
export async function captureLead(
  tx: Tx,
  ctx: CallContext,
  body: CreateLeadBody,
  settings: CaptureSettings,
  base = '/body',
): Promise<CapturedLead> {
  const clientUuid = body.client_uuid ?? uuidv7();
  if (body.client_uuid) {
    const found = await existing(tx, ctx, clientUuid);
    if (found) return found;
  }
  const now = new Date();
  const capturedAt = body.captured_at ? new Date(body.captured_at) : now;
  if (capturedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
    throw validationFailed([{ path: `${base}/captured_at`, message: 'is more than a day in the future' }]);
  const phone = normaliseLeadPhone(body.phone, settings.phoneRegion, `${base}/phone`);
  const agentId = body.agent_id ?? ctx.principal.userId;
  await checkReferences(tx, ctx, body, agentId, base);
  const campaignId = body.campaign_id ?? null;
  const master = await findMaster(
    tx,
    ctx.tenantId,
    { phone, campaignId, capturedAt },
    settings.duplicateWindowDays,
  );
  const id = uuidv7();
  const row = await insertLead(tx, {
    tenantId: ctx.tenantId,
    id,
    clientUuid,
    customerName: body.customer_name.trim(),
    phone,
    documentNumber: body.document_number ?? null,
    productId: body.product_id ?? null,
    campaignId,
    sourceId: body.source_id ?? null,
    agentId,
    outletId: body.outlet_id ?? null,
    status: 'new',
    statusChangedAt: now,
    capturedAt,
    receivedAt: now,
    latitude: body.latitude ?? null,
    longitude: body.longitude ?? null,
    accuracyM: body.accuracy_m ?? null,
    notes: body.notes ?? null,
    duplicateOf: master ?? null,
    createdBy: ctx.principal.userId,
  });
  if (!row) return (await existing(tx, ctx, clientUuid))!;
  await insertHistory(tx, {
    tenantId: ctx.tenantId,
    leadId: id,
    from: null,
    to: 'new',
    reason: master ? 'duplicate of an earlier lead' : null,
    by: ctx.principal.userId,
    at: now,
  });
  const lead = toLeadJson(row);
  const { created_at: _c, updated_at: _u, ...after } = lead;
  await writeAudit(tx, ctx.audit, {
    tenantId: ctx.tenantId,
    action: 'lead.create',
    entityType: 'lead',
    entityId: id,
    changes: { after },
  });
  return { lead, created: true };
}

/**
 * Captures one lead and, when it is new, queues the KPI refresh of its capture day in the same
 * transaction: every way a lead comes in (the API, a device's batch, a file import) goes through here.
 */
export async function captureLeadQueued(
  jobs: Pick<JobQueue, 'send'>,
  tx: Tx,
  ctx: CallContext,
  body: CreateLeadBody,
  settings: CaptureSettings,
  base = '/body',
): Promise<CapturedLead> {
  const captured = await captureLead(tx, ctx, body, settings, base);
  if (captured.created)
    await queueKpiRefreshAt(jobs, tx, ctx.tenantId, settings.timeZone, [new Date(captured.lead.captured_at)]);
  return captured;
}
