import type { TenantContext, TenantDatabase, Tx } from './types.js';

/** Where a long read's pages run: one snapshot for the whole read, or a transaction per page. */
export interface PageReader {
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * On PostgreSQL the reader holds one `REPEATABLE READ, READ ONLY` tenant transaction (a pooled
 * connection) until `close`: every page sees the same snapshot, so rows written meanwhile neither
 * show up half nor shift keyset pages. On PGlite that transaction would hold the one connection —
 * and with it every other request — for the whole read, so each page is its own short transaction;
 * keyset paging still visits every row that exists throughout exactly once.
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
  const ended = held.then(() => Promise.reject(new Error('the read snapshot ended')));
  ended.catch(() => undefined);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async read(fn) {
      const tx = await Promise.race([open, ended]);
      // One connection: reads run one after the other.
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
