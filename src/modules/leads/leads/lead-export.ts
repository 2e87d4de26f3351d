import { and, asc, eq, gt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { sendDownload, sheetContentType, writeSheet, type SheetCell } from '../../../platform/bulk/index.js';
import { pageReader, type PageReader } from '../../../platform/db/index.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { callContext, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { outletCodesByIds, productCodesByIds } from '../../catalog/index.js';
import { userFacts, writeAudit } from '../../identity/index.js';
import { attributionSources, campaigns } from '../tables/campaigns.tables.js';
import { leads } from '../tables/leads.tables.js';
import { leadResource } from './leads.repository.js';
import { LeadListQuery } from './leads.schemas.js';
import { leadListConditions } from './leads.service.js';

/** Rows per page (keyset by id: no OFFSET, no count, constant memory). */
const PAGE = 1000;

const {
  limit: _l,
  offset: _o,
  cursor: _c,
  sort: _s,
  include_total: _t,
  ...filters
} = LeadListQuery.properties;
export const LeadExportQuery = Type.Object({
  ...filters,
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
});
export type LeadExportQuery = Static<typeof LeadExportQuery>;

/**
 * The columns of the file: the import's columns first (so an export edited and imported again
 * names the same things), then what only the server knows.
 */
export const LEAD_EXPORT_HEADER = [
  'client_uuid',
  'customer_name',
  'phone',
  'document_number',
  'campaign_code',
  'source_code',
  'outlet_code',
  'agent',
  'product_code',
  'captured_at',
  'notes',
  'agent_name',
  'status',
  'is_duplicate',
  'received_at',
];

type PageRow = { lead: typeof leads.$inferSelect; campaignCode: string | null; sourceCode: string | null };

/** One page of the leads in scope matching the filters, after `afterId`, in id (creation) order. */
function pageOf(ctx: CallContext, query: LeadExportQuery) {
  const conditions = leadListConditions(query);
  return (tx: Tx, afterId: string | null): Promise<PageRow[]> =>
    tx.db
      .select({ lead: leads, campaignCode: campaigns.code, sourceCode: attributionSources.code })
      .from(leads)
      .leftJoin(campaigns, and(eq(campaigns.tenantId, leads.tenantId), eq(campaigns.id, leads.campaignId)))
      .leftJoin(
        attributionSources,
        and(eq(attributionSources.tenantId, leads.tenantId), eq(attributionSources.id, leads.sourceId)),
      )
      .where(leadResource.where(ctx, ...conditions, afterId ? gt(leads.id, afterId) : undefined))
      .orderBy(asc(leads.id))
      .limit(PAGE);
}

/** The cells of a page, references written as codes and the agent as username (or employee code). */
async function cellsOf(tx: Tx, tenantId: string, rows: PageRow[]): Promise<SheetCell[][]> {
  const [outletCodes, productCodes, agents] = await Promise.all([
    outletCodesByIds(
      tx,
      tenantId,
      rows.map((r) => r.lead.outletId),
    ),
    productCodesByIds(
      tx,
      tenantId,
      rows.map((r) => r.lead.productId),
    ),
    userFacts(
      tx,
      tenantId,
      rows.map((r) => r.lead.agentId),
    ),
  ]);
  return rows.map(({ lead, campaignCode, sourceCode }) => {
    const agent = agents.get(lead.agentId);
    return [
      lead.clientUuid,
      lead.customerName,
      lead.phone,
      lead.documentNumber,
      campaignCode,
      sourceCode,
      lead.outletId ? (outletCodes.get(lead.outletId) ?? null) : null,
      agent ? (agent.username ?? agent.employeeCode ?? agent.email) : null,
      lead.productId ? (productCodes.get(lead.productId) ?? null) : null,
      lead.capturedAt.toISOString(),
      lead.notes,
      agent ? `${agent.firstName} ${agent.lastName}`.trim() : null,
      lead.status,
      lead.duplicateOf !== null,
      lead.receivedAt.toISOString(),
    ];
  });
}

/**
 * The rows page by page. The first page is read before the response starts, so a failure there is
 * still a problem document; afterwards the stream closes the reader however it ends.
 */
async function rowsOf(reader: PageReader, ctx: CallContext, query: LeadExportQuery) {
  const page = pageOf(ctx, query);
  const read = (after: string | null) =>
    reader.read(async (tx) => {
      const items = await page(tx, after);
      return { items, cells: await cellsOf(tx, ctx.tenantId, items) };
    });
  const first = await read(null);
  async function* rows(): AsyncGenerator<SheetCell[]> {
    let current = first;
    try {
      for (;;) {
        yield* current.cells;
        if (current.items.length < PAGE) return;
        current = await read(current.items.at(-1)!.lead.id);
      }
    } finally {
      await reader.close();
    }
  }
  return rows();
}

export function leadExportRoute(app: FastifyInstance, db: TenantDatabase): void {
  const tenantTx = tenantTxOf({ db });
  app.get<{ Querystring: LeadExportQuery }>(
    '/leads/export',
    {
      config: { permission: 'leads:read' },
      schema: {
        summary: 'Export the leads in scope as CSV or XLSX (the list’s filters apply)',
        description:
          'Streamed page by page. References are written as codes (campaign, source, outlet, product), the agent ' +
          'by username (else employee code, else e-mail) and name; text a spreadsheet would run as a formula is ' +
          'escaped. Each export is audited (`lead.export`, with its filters).',
        tags: ['leads'],
        querystring: LeadExportQuery,
        response: { 200: Type.String({ description: 'CSV or XLSX file' }) },
      },
    },
    async (request, reply) => {
      const ctx = callContext(request);
      const { format, ...filters } = request.query;
      await tenantTx(ctx, (tx) =>
        writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'lead.export',
          entityType: 'lead',
          changes: { after: { format, filters } },
        }),
      );
      const reader = pageReader(db, { tenantId: ctx.tenantId });
      // However the download ends, the snapshot's connection goes back to the pool (closing twice is harmless).
      reply.raw.once('close', () => void reader.close());
      let rows: AsyncIterable<SheetCell[]>;
      try {
        rows = await rowsOf(reader, ctx, request.query);
      } catch (error) {
        await reader.close();
        throw error;
      }
      const stamp = new Date().toISOString().slice(0, 10);
      return sendDownload(
        reply,
        sheetContentType(format),
        `leads-${stamp}.${format}`,
        writeSheet(format, LEAD_EXPORT_HEADER, rows),
      );
    },
  );
}
