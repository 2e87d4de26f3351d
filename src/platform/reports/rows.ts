import type { Tx } from '../db/types.js';
import type { ReportQueryContext, ReportRow, ReportRowSource, ReportSection } from './types.js';

/** Rows per page a detail table is read in: enough to amortise the query, little enough to stay small. */
export const REPORT_PAGE_SIZE = 5000;

export const isRowSource = (rows: ReportSection['rows']): rows is ReportRowSource => !Array.isArray(rows);

/** How many rows a section holds (a source's counted rows). */
export const rowCountOf = (section: ReportSection): number =>
  isRowSource(section.rows) ? section.rows.count : section.rows.length;

/** The section's rows a batch at a time, whether held or read page by page. */
export async function* rowBatches(section: ReportSection, size = 1000): AsyncGenerator<readonly ReportRow[]> {
  const rows = section.rows;
  if (isRowSource(rows)) {
    yield* rows.pages();
    return;
  }
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/**
 * A table read by keyset pages (`page(tx, last row of the previous page or null, limit)`, never
 * OFFSET), each through `ctx.read`: on PostgreSQL inside the report's snapshot, on PGlite a short
 * transaction per page. `page` must order by a unique key and continue after the row it is given.
 */
export function keysetRows<T extends ReportRow>(
  ctx: Pick<ReportQueryContext, 'read'>,
  count: number,
  page: (tx: Tx, after: T | null, limit: number) => Promise<T[]>,
  pageSize = REPORT_PAGE_SIZE,
): ReportRowSource {
  return {
    count,
    async *pages(): AsyncGenerator<readonly ReportRow[]> {
      let after: T | null = null;
      for (;;) {
        const last: T | null = after;
        const rows: T[] = await ctx.read((tx) => page(tx, last, pageSize));
        if (rows.length > 0) yield rows;
        if (rows.length < pageSize) return;
        after = rows.at(-1)!;
      }
    },
  };
}
