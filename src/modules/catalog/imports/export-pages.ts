import type { SheetCell } from '../../../platform/bulk/index.js';
import type { TenantContext, TenantDatabase, Tx } from '../../../platform/db/types.js';

/** Where an export's pages are read: one snapshot for the whole export, or a transaction per page. */
export interface PageReader {
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * On PostgreSQL an export holds one `REPEATABLE READ, READ ONLY` transaction (a pooled connection)
 * for its whole stream: every page sees the same snapshot, so rows inserted, updated or deleted
 * meanwhile neither show up half nor shift pages. On PGlite that transaction would hold the one
 * connection — and with it every other request — for the whole download, so each page is its own
 * short transaction instead: keyset paging by code still visits every row that exists throughout
 * exactly once, in code order; rows changed meanwhile show as they are when their page is read.
 */
export function pageReader(db: TenantDatabase, ctx: TenantContext): PageReader {
  if (db.driver === 'pglite') return { read: (fn) => db.withTenant(ctx, fn), close: async () => undefined };
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let opened!: (tx: Tx) => void;
  const open = new Promise<Tx>((resolve) => (opened = resolve));
  const held = db.withTenant(
    ctx,
    async (tx) => {
      opened(tx);
      await released;
    },
    { snapshot: true },
  );
  const ended = held.then(() => Promise.reject(new Error('the export snapshot ended')));
  ended.catch(() => undefined);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async read(fn) {
      const tx = await Promise.race([open, ended]);
      // One connection: page reads run one after the other.
      const next = queue.then(() => fn(tx));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      release();
      await held;
    },
  };
}

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
