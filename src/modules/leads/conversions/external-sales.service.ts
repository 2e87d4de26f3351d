import { and, asc, count, eq } from 'drizzle-orm';
import { importRuns } from '../../../platform/bulk/imports.tables.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { notFound } from '../../../platform/http/errors.js';
import { tenantReadOf, type CallContext } from '../../../platform/resource/index.js';
import { externalSaleImportRows as rowsTable } from '../tables/external-sales.tables.js';
import type { ExternalSaleRows, ExternalSaleRowsQuery } from './conversions.schemas.js';

/** What an external sales import run did with each row, with the counts per outcome. */
export function createExternalSalesService(deps: { db: TenantDatabase }) {
  const tenantRead = tenantReadOf(deps);
  return {
    rows(ctx: CallContext, importId: string, query: ExternalSaleRowsQuery): Promise<ExternalSaleRows> {
      return tenantRead(ctx, async (tx) => {
        const [run] = await tx.db
          .select({ id: importRuns.id })
          .from(importRuns)
          .where(
            and(
              eq(importRuns.tenantId, ctx.tenantId),
              eq(importRuns.id, importId),
              eq(importRuns.entity, 'external_sales'),
            ),
          );
        if (!run) throw notFound('Import');
        const ofRun = and(eq(rowsTable.tenantId, ctx.tenantId), eq(rowsTable.importRunId, importId));
        const byStatus = await tx.db
          .select({ status: rowsTable.status, n: count() })
          .from(rowsTable)
          .where(ofRun)
          .groupBy(rowsTable.status);
        const n = (status: string) => byStatus.find((s) => s.status === status)?.n ?? 0;
        const filter = and(ofRun, query.status ? eq(rowsTable.status, query.status) : undefined);
        const rows = await tx.db
          .select()
          .from(rowsTable)
          .where(filter)
          .orderBy(asc(rowsTable.rowNumber))
          .limit(query.limit)
          .offset(query.offset);
        const total = query.status ? n(query.status) : byStatus.reduce((sum, s) => sum + s.n, 0);
        return {
          import_id: importId,
          counts: {
            matched: n('created') + n('updated') + n('unchanged'),
            created: n('created'),
            updated: n('updated'),
            unchanged: n('unchanged'),
            unmatched: n('unmatched'),
          },
          rows: rows.map((r) => ({
            row_number: r.rowNumber,
            external_system: r.externalSystem,
            external_sale_id: r.externalSaleId,
            status: r.status,
            reason: r.reason,
            lead_id: r.leadId,
            conversion_id: r.conversionId,
          })),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      });
    },
  };
}

export type ExternalSalesService = ReturnType<typeof createExternalSalesService>;
