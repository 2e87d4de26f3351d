import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { lockDirectory } from './dir-lock.js';
import type { DriverCore } from './transactions.js';
import type { AppDb, Tx } from './types.js';

export interface PgliteOptions {
  /** A data directory on disk (locked exclusively), or omitted for an in-memory database. */
  dataDir?: string;
  /** Start from a dumped data directory (test templates). */
  loadDataDir?: Blob;
  /** An already-open instance (tests that share one database between two apps). */
  instance?: PGlite;
}

function bindTx(tx: Transaction): Tx {
  return {
    // Drizzle only needs `query`; a PGlite transaction provides it on the locked connection.
    db: drizzle(tx as unknown as PGlite) as unknown as AppDb,
    sql: { query: (text, params) => tx.query(text, params as unknown[]) as never },
  };
}

/**
 * PGlite is a single connection: every statement queues behind the running transaction, so code
 * inside a transaction must use the `Tx` it was given, never this driver directly.
 */
export async function openPglite(options: PgliteOptions): Promise<DriverCore> {
  let release: (() => void) | undefined;
  let client: PGlite;
  if (options.instance) {
    client = options.instance;
  } else if (options.dataDir) {
    const dir = path.resolve(options.dataDir);
    const parent = path.dirname(dir);
    if (!existsSync(parent)) mkdirSync(parent, { recursive: true });
    release = lockDirectory(parent, `${dir}.lock`);
    try {
      client = await PGlite.create(dir, { loadDataDir: options.loadDataDir });
    } catch (error) {
      release();
      throw error;
    }
  } else {
    client = await PGlite.create({ loadDataDir: options.loadDataDir });
  }
  const owned = !options.instance;

  return {
    driver: 'pglite',
    async transaction(preamble, fn) {
      return client.transaction(async (tx) => {
        if (preamble) await tx.exec(preamble);
        return fn(bindTx(tx));
      });
    },
    query: (text, params) => client.query(text, params as unknown[]) as never,
    async exec(text) {
      await client.exec(text);
    },
    async listen(channel, listener) {
      const unsubscribe = await client.listen(channel, listener);
      return async () => unsubscribe();
    },
    migrate: (migrationsFolder) => migrate(drizzle(client), { migrationsFolder }),
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      try {
        if (owned && !client.closed) await client.close();
      } finally {
        release?.();
      }
    },
  };
}
