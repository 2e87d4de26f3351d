import type { SheetCell } from '../../../platform/bulk/index.js';
import type { PageReader } from '../../../platform/db/index.js';
import type { Tx } from '../../../platform/db/types.js';

/**
 * The rows of an export, page by page by code (keyset: `code > last code`, never OFFSET, and no
 * count). The first page is read before this resolves: a filter the database refuses, or any other
 * failure of the first query, is still an error answer (a problem document), not a 200 whose
 * download breaks off after the header. When it rejects the caller closes the reader; once it has
 * resolved, the stream closes it when it ends, fails or is abandoned.
 */
export async function keysetRows<T extends { code: string }>(
  reader: PageReader,
  pageSize: number,
  page: (tx: Tx, afterCode: string | null, limit: number) => Promise<T[]>,
  cells: (tx: Tx, items: T[]) => Promise<SheetCell[][]>,
): Promise<AsyncIterable<SheetCell[]>> {
  const read = (after: string | null) =>
    reader.read(async (tx) => {
      const items = await page(tx, after, pageSize);
      return { items, rows: await cells(tx, items) };
    });
  const first = await read(null);
  async function* pages(): AsyncGenerator<SheetCell[]> {
    let current = first;
    try {
      for (;;) {
        yield* current.rows;
        if (current.items.length < pageSize) return;
        current = await read(current.items.at(-1)!.code);
      }
    } finally {
      await reader.close();
    }
  }
  return pages();
}
