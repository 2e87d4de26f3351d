import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { sendDownload, sheetContentType, writeSheet, type SheetCell } from '../../platform/bulk/index.js';
import { pageReader, type PageReader } from '../../platform/db/index.js';
import type { TenantDatabase, Tx } from '../../platform/db/types.js';
import { callContext, tenantTxOf, type CallContext } from '../../platform/resource/index.js';
import { writeAudit } from '../identity/index.js';

/** Rows per page (keyset by id: no OFFSET, no count, constant memory). */
export const EXPORT_PAGE = 1000;

export interface SheetExport<Q extends { format: 'csv' | 'xlsx' }, R extends { id: string }> {
  path: string;
  tag: string;
  permission: string;
  summary: string;
  query: TSchema;
  /** The file name's stem and the audit entity (`sales_history` → `sales_history.export`). */
  entity: string;
  header: string[];
  /** One page of rows in scope after `afterId`, in id order (at most EXPORT_PAGE). */
  page(tx: Tx, ctx: CallContext, query: Q, afterId: string | null): Promise<R[]>;
  cells(row: R): SheetCell[];
}

/** Reads page after page; the first before the response starts, so its failure is still a problem. */
async function rowsOf<Q extends { format: 'csv' | 'xlsx' }, R extends { id: string }>(
  reader: PageReader,
  spec: SheetExport<Q, R>,
  ctx: CallContext,
  query: Q,
) {
  const read = (after: string | null) => reader.read((tx) => spec.page(tx, ctx, query, after));
  const first = await read(null);
  async function* rows(): AsyncGenerator<SheetCell[]> {
    let current = first;
    try {
      for (;;) {
        for (const row of current) yield spec.cells(row);
        if (current.length < EXPORT_PAGE) return;
        current = await read(current.at(-1)!.id);
      }
    } finally {
      await reader.close();
    }
  }
  return rows();
}

/** A streamed CSV/XLSX export of a list in the caller's scope, audited. */
export function exportRoute<Q extends { format: 'csv' | 'xlsx' }, R extends { id: string }>(
  app: FastifyInstance,
  db: TenantDatabase,
  spec: SheetExport<Q, R>,
): void {
  const tenantTx = tenantTxOf({ db });
  app.get(
    spec.path,
    {
      config: { permission: spec.permission },
      schema: {
        summary: spec.summary,
        tags: [spec.tag],
        querystring: spec.query,
        response: { 200: Type.String({ description: 'CSV or XLSX file' }) },
      },
    },
    async (request, reply) => {
      const ctx = callContext(request);
      const query = request.query as Q;
      const { format, ...filters } = query;
      await tenantTx(ctx, (tx) =>
        writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: `${spec.entity}.export`,
          entityType: spec.entity,
          changes: { after: { format, filters } },
        }),
      );
      const reader = pageReader(db, { tenantId: ctx.tenantId });
      reply.raw.once('close', () => void reader.close());
      let rows: AsyncIterable<SheetCell[]>;
      try {
        rows = await rowsOf(reader, spec, ctx, query);
      } catch (error) {
        await reader.close();
        throw error;
      }
      const stamp = new Date().toISOString().slice(0, 10);
      return sendDownload(
        reply,
        sheetContentType(format),
        `${spec.entity}-${stamp}.${format}`,
        writeSheet(format, spec.header, rows),
      );
    },
  );
}
