import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { ImportColumn, ImportEntity, RowProblem } from '../../../platform/bulk/index.js';
import { validateAgainstSchema } from '../../../platform/bulk/index.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { parsePhone } from '../../../lib/phone.js';
import { uuidv5 } from '../../../lib/ids.js';
import { activeOutletIdsByCodes, activeProductIdsByCodes } from '../../catalog/index.js';
import { isActiveUserInScope, userIdsByCodeOrUsername } from '../../identity/index.js';
import { startOfLocalDay } from '../clock.js';
import { importAuditSource, importPrincipal } from '../import-context.js';
import { FALLBACK_PHONE_REGION } from '../phone.js';
import { attributionSources, campaigns } from '../tables/campaigns.tables.js';
import { leads } from '../tables/leads.tables.js';
import { captureLeadQueued, captureSettings, FUTURE_TOLERANCE_MS } from './lead-capture.js';
import { CreateLeadBody } from './leads.schemas.js';
import { leadResource } from './leads.repository.js';

/**
 * The namespace of the ids derived for rows without a `client_uuid` (UUID v5): fixed forever, or a
 * file imported again after a change would create its leads a second time.
 */
export const LEAD_IMPORT_NAMESPACE = '3f0b8c52-6a4e-4c1e-9d2a-5b7e1f0c9a61';

/** The id a row without `client_uuid` gets: the same tenant, phone, time and agent give the same id. */
export const derivedClientUuid = (tenantId: string, phone: string, capturedAt: Date, agentId: string) =>
  uuidv5(
    [tenantId, phone, capturedAt.toISOString(), agentId.toLowerCase()].join('\n'),
    LEAD_IMPORT_NAMESPACE,
  );

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export const LEAD_IMPORT_COLUMNS: ImportColumn[] = [
  {
    name: 'client_uuid',
    kind: 'text',
    description: 'The lead’s id on its device; empty: derived from tenant, phone, captured_at and agent',
    example: '',
  },
  { name: 'customer_name', kind: 'text', required: true, description: 'Customer’s name', example: 'Dilnoza' },
  { name: 'phone', kind: 'text', required: true, description: 'Phone (tenant region)', example: '901234567' },
  { name: 'document_number', kind: 'text', description: 'Identity document number', example: 'AA1234567' },
  { name: 'campaign_code', kind: 'text', description: 'Campaign, by code', example: 'SPRING' },
  { name: 'source_code', kind: 'text', description: 'Attribution source, by code', example: 'WALKIN' },
  { name: 'outlet_code', kind: 'text', description: 'Outlet, by code', example: 'O-2001' },
  {
    name: 'agent',
    kind: 'text',
    description: 'Employee code or username (default: the importing user)',
    example: 'E-17',
  },
  { name: 'product_code', kind: 'text', description: 'Product, by code', example: 'P-100' },
  {
    name: 'captured_at',
    kind: 'text',
    required: true,
    description: 'ISO date-time, or YYYY-MM-DD (the start of that day, tenant time)',
    example: '2025-03-14T10:30:00+05:00',
  },
  { name: 'notes', kind: 'text', description: 'Free text', example: '' },
];

/** A checked row: the body `POST /leads` would take, its client_uuid always set. */
type LeadImportRow = CreateLeadBody & { client_uuid: string; captured_at: string };

/** Body fields and the file columns they come from (row errors name the column). */
const COLUMN_OF: Record<string, string> = {
  campaign_id: 'campaign_code',
  source_id: 'source_code',
  outlet_id: 'outlet_code',
  product_id: 'product_code',
  agent_id: 'agent',
};

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

async function idsByCode(
  tx: Tx,
  table: typeof campaigns | typeof attributionSources,
  tenantId: string,
  codes: string[],
) {
  if (!codes.length) return new Map<string, string>();
  const live = table === attributionSources ? isNull(attributionSources.archivedAt) : undefined;
  const rows = await tx.db
    .select({ code: table.code, id: table.id })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), inArray(table.code, codes), live));
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** The agents of the batch the importer may capture for: active users within their data scope. */
async function agentsInScope(
  tx: Tx,
  principalOf: (agentId: string) => Principal,
  tenantId: string,
  ids: Set<string>,
) {
  const allowed = new Set<string>();
  for (const id of ids) if (await isActiveUserInScope(tx, principalOf(id), tenantId, id)) allowed.add(id);
  return allowed;
}

/**
 * `leads`: leads from a file, each captured as `POST /leads` captures it (`captureLeadQueued`:
 * duplicate flag, `null → new` history, audit, KPI refresh queued). `prepare` resolves the codes,
 * checks every rule the capture would refuse on, and derives a client_uuid for rows without one,
 * so importing the same file again finds every lead stored and creates nothing.
 */
export const leadsImporter: ImportEntity<LeadImportRow> = {
  name: 'leads',
  permission: 'leads:import',
  columns: async () => LEAD_IMPORT_COLUMNS,

  async prepare(tx, { ctx, rows, mode, memory }) {
    const tenantId = ctx.tenantId;
    const settings = await captureSettings(tx, tenantId);
    const principalOf = await importPrincipal(tx, ctx);
    const problems: RowProblem[] = [];
    if (!principalOf) {
      for (const { rowNumber } of rows)
        problems.push({
          rowNumber,
          column: null,
          code: 'IMPORTER_INACTIVE',
          message: 'the importing user is not active',
        });
      return { ready: [], problems };
    }
    const codes = (column: string) => [
      ...new Set(rows.map((r) => text(r.record[column])).filter((c) => c !== null)),
    ];
    const refs = {
      campaign_code: await idsByCode(tx, campaigns, tenantId, codes('campaign_code')),
      source_code: await idsByCode(tx, attributionSources, tenantId, codes('source_code')),
      outlet_code: await activeOutletIdsByCodes(tx, tenantId, codes('outlet_code')),
      product_code: await activeProductIdsByCodes(tx, tenantId, codes('product_code')),
    };
    const agentIds = await userIdsByCodeOrUsername(tx, tenantId, codes('agent'));
    const allowedAgents = await agentsInScope(tx, principalOf, tenantId, new Set(agentIds.values()));
    if (ctx.userId && (await isActiveUserInScope(tx, principalOf(ctx.userId), tenantId, ctx.userId)))
      allowedAgents.add(ctx.userId);
    const candidates: { rowNumber: number; body: LeadImportRow; derived: boolean }[] = [];
    for (const { rowNumber, record } of rows) {
      const rowProblems: RowProblem[] = [];
      const problem = (column: string, code: string, message: string, value: string | null) =>
        rowProblems.push({ rowNumber, column, code, message, value });
      const ids: Record<string, string | null> = {};
      for (const [column, found] of Object.entries(refs)) {
        const code = text(record[column]);
        ids[column] = code ? (found.get(code) ?? null) : null;
        if (code && !ids[column])
          problem(column, 'REFERENCE_UNKNOWN', `no ${column.replace('_code', '')} with code "${code}"`, code);
      }
      const agentKey = text(record.agent);
      const agentId = agentKey ? (agentIds.get(agentKey.toLowerCase()) ?? null) : ctx.userId;
      if (agentKey && !agentId)
        problem(
          'agent',
          'REFERENCE_UNKNOWN',
          `no user with employee code or username "${agentKey}"`,
          agentKey,
        );
      else if (!agentId) problem('agent', 'VALUE_INVALID', 'is required when the import has no user', null);
      else if (!allowedAgents.has(agentId))
        problem('agent', 'VALUE_INVALID', 'no such active user within your scope', agentKey);
      const capturedText = text(record.captured_at);
      let capturedAt: Date | null = null;
      if (!capturedText) problem('captured_at', 'VALUE_INVALID', 'must not be empty', null);
      else {
        capturedAt = DATE_ONLY.test(capturedText)
          ? startOfLocalDay(capturedText, settings.timeZone)
          : new Date(capturedText);
        // Year 0 parses in JavaScript but PostgreSQL has none (1 BC precedes AD 1).
        if (
          Number.isNaN(capturedAt.getTime()) ||
          !/^\d{4}-\d{2}-\d{2}(T.+)?$/.test(capturedText) ||
          capturedText.startsWith('0000')
        )
          problem('captured_at', 'VALUE_INVALID', 'must be an ISO date-time or YYYY-MM-DD', capturedText);
        else if (capturedAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS)
          problem('captured_at', 'VALUE_INVALID', 'is more than a day in the future', capturedText);
      }
      const body: Record<string, unknown> = {
        customer_name: record.customer_name ?? null,
        phone: record.phone ?? null,
        document_number: text(record.document_number),
        campaign_id: ids.campaign_code,
        source_id: ids.source_code,
        outlet_id: ids.outlet_code,
        product_id: ids.product_code,
        notes: typeof record.notes === 'string' && record.notes !== '' ? record.notes : null,
      };
      if (record.client_uuid !== undefined && record.client_uuid !== null)
        body.client_uuid = record.client_uuid;
      if (agentId) body.agent_id = agentId;
      if (capturedAt && !rowProblems.some((p) => p.column === 'captured_at'))
        body.captured_at = capturedAt.toISOString();
      const schemaProblems = validateAgainstSchema(CreateLeadBody, body, rowNumber, (f) => COLUMN_OF[f] ?? f);
      rowProblems.push(...schemaProblems.filter((p) => !rowProblems.some((q) => q.column === p.column)));
      let phone: string | null = null;
      if (typeof body.phone === 'string' && !rowProblems.some((p) => p.column === 'phone')) {
        const parsed = parsePhone(body.phone, settings.phoneRegion || FALLBACK_PHONE_REGION);
        if (parsed.ok) phone = parsed.e164;
        else problem('phone', 'VALUE_INVALID', parsed.error.message, body.phone);
      }
      if (rowProblems.length) {
        problems.push(...rowProblems);
        continue;
      }
      const derived = body.client_uuid === undefined;
      if (derived) body.client_uuid = derivedClientUuid(tenantId, phone!, capturedAt!, agentId!);
      const first = memory.claim('lead', body.client_uuid as string, rowNumber);
      if (first !== undefined) {
        const why = derived ? 'the same phone, captured_at and agent as' : 'the client_uuid of';
        problem(
          derived ? 'phone' : 'client_uuid',
          'DUPLICATE_IN_FILE',
          `has ${why} row ${first}`,
          derived ? phone : (body.client_uuid as string),
        );
        problems.push(...rowProblems);
        continue;
      }
      candidates.push({ rowNumber, body: body as LeadImportRow, derived });
    }
    const stored = await storedClientUuids(
      tx,
      tenantId,
      principalOf(ctx.userId ?? ''),
      candidates.map((c) => c.body.client_uuid),
    );
    const ready = [];
    for (const { rowNumber, body, derived } of candidates) {
      const seen = stored.get(body.client_uuid);
      const column = derived ? 'phone' : 'client_uuid';
      if (seen === 'hidden')
        problems.push({
          rowNumber,
          column,
          code: 'CLIENT_UUID_IN_USE',
          message: 'another lead already uses this client_uuid',
          value: body.client_uuid,
        });
      else if (seen === 'visible' && mode === 'insert')
        problems.push({
          rowNumber,
          column,
          code: 'CODE_EXISTS',
          message: 'this lead is already stored (mode upsert-by-code leaves it as it is)',
          value: body.client_uuid,
        });
      else ready.push({ rowNumber, code: body.client_uuid, value: body });
    }
    return { ready, problems };
  },

  /** In file order: an earlier row is the master of a later duplicate, as in a device's batch. */
  async write(tx, { ctx, rows, services }) {
    const settings = await captureSettings(tx, ctx.tenantId);
    const principalOf = await importPrincipal(tx, ctx);
    // The importing user was deactivated since this chunk was checked: the retry rejects its rows.
    if (!principalOf) throw new Error('The importing user is no longer active');
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const audit = importAuditSource(ctx);
    for (const { value } of rows) {
      const principal = principalOf(value.agent_id!);
      const call = { principal, tenantId: ctx.tenantId, audit };
      const { created } = await captureLeadQueued(services.jobs, tx, call, value, settings);
      if (created) counts.created++;
      else counts.unchanged++;
    }
    return counts;
  },
};

/** Stored client_uuids among `ids`: visible to the importer, or another's lead it may not see. */
async function storedClientUuids(tx: Tx, tenantId: string, principal: Principal, ids: string[]) {
  const found = new Map<string, 'visible' | 'hidden'>();
  if (!ids.length) return found;
  const rows = await tx.db
    .select({ clientUuid: leads.clientUuid, id: leads.id })
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), inArray(leads.clientUuid, ids)));
  if (!rows.length) return found;
  const visible = await tx.db
    .select({ id: leads.id })
    .from(leads)
    .where(
      leadResource.where(
        { principal, tenantId },
        inArray(
          leads.id,
          rows.map((r) => r.id),
        ),
      ),
    );
  const seen = new Set(visible.map((v) => v.id));
  for (const row of rows) found.set(row.clientUuid, seen.has(row.id) ? 'visible' : 'hidden');
  return found;
}
