import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { lockDirectory } from './dir-lock.js';
import { startEmbeddedMaintenance } from './pglite-maintenance.js';
import { discardEmbeddedTemplate, loadEmbeddedTemplate, loadSchemaTemplate } from './pglite-template.js';
import { roundTripTally, type RoundTripTally } from './round-trips.js';
import { SNAPSHOT_MODE, type DriverCore } from './transactions.js';
import type { AppDb, Tx } from './types.js';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/**
 * Extensions the migrations create, compiled into PGlite (PostgreSQL ships them as contrib):
 * pg_trgm and btree_gin back the tenant-first trigram indexes of product search (`q=`).
 */
export const PGLITE_EXTENSIONS = { btree_gin, pg_trgm };

export interface PgliteOptions {
  /** A data directory on disk (locked exclusively), or omitted for an in-memory database. */
  dataDir?: string;
  /** Start from a dumped data directory (test templates). */
  loadDataDir?: Blob;
  /** An already-open instance (tests that share one database between two apps). */
  instance?: PGlite;
  /**
   * How often the embedded autovacuum looks for tables to vacuum and analyze (default 30 s; 0 turns
   * it off). Not run on a shared `instance`: its owner does.
   */
  maintenanceIntervalMs?: number;
  /** Let V8 optimise PGlite's hot WebAssembly functions as well (see `useBaselineCompiler`). */
  optimizingCompiler?: boolean;
}

/**
 * Compiles WebAssembly with V8's baseline compiler (Liftoff) only, not also with its optimizing one
 * (TurboFan), which recompiles PGlite's hot functions in background threads. Those compilations
 * leave about 70 MB in the threads' malloc arenas for the life of the process; measured on the
 * production app, RSS after start 417 → 342 MB and after a load 420 → 349 MB, for 6–8 % fewer
 * authenticated reads per second (`bench:production`). PGlite is the process's only WebAssembly,
 * so nothing else is affected; it must be set before the module is compiled.
 */
function useBaselineCompiler(): void {
  v8.setFlagsFromString('--liftoff-only');
}

const MAINTENANCE_INTERVAL_MS = 30_000;

/**
 * PostgreSQL's defaults size shared memory for a server: 128 MB of buffers and 100 connections'
 * worth of lock and process slots, all inside the WebAssembly heap of this one process, where they
 * are resident for good (WebAssembly memory never shrinks). One backend needs far less: 32 MB of
 * buffers holds the demo database and the hot pages of a larger one (the rest is read from the OS
 * page cache, which the process does not own). Measured on the production app: RSS after a restart
 * ~440 MB → ~340 MB, after a first start 553 MB → 483 MB.
 */
const EMBEDDED_SETTINGS = ['shared_buffers=32MB', 'max_connections=10'];
const START_PARAMS = [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((s) => ['-c', s])];

type CreateOptions = NonNullable<Parameters<typeof PGlite.create>[1]>;

/** Whether a PGlite data directory holds no database yet (its first open will make one). */
export const isNewDataDir = (dir: string): boolean => !existsSync(path.join(path.resolve(dir), 'PG_VERSION'));

/**
 * Opens a PGlite database; a new one starts from the installed cluster template when there is one
 * (see pglite-template.ts). A template PGlite cannot start from is discarded, and the database is
 * made the slow way.
 */
async function createPglite(dir: string | undefined, options: CreateOptions): Promise<PGlite> {
  const dirExisted = Boolean(dir && existsSync(dir));
  const isNew = !options.loadDataDir && (!dir || isNewDataDir(dir));
  // A new data directory starts migrated when the install made a template for these migrations;
  // an in-memory database (tests, tools) starts from the empty cluster.
  const template = isNew ? (dir && loadSchemaTemplate()) || loadEmbeddedTemplate() : undefined;
  const create = (loadDataDir?: Blob) =>
    dir
      ? PGlite.create(dir, { ...options, loadDataDir, startParams: START_PARAMS })
      : PGlite.create({ ...options, loadDataDir, startParams: START_PARAMS });
  if (!template) return create(options.loadDataDir);
  try {
    return await create(template);
  } catch {
    discardEmbeddedTemplate();
    if (dir && !dirExisted) rmSync(dir, { recursive: true, force: true });
    return create();
  }
}

/**
 * PGlite runs one transaction at a time, so one Drizzle instance can serve every transaction: its
 * client forwards to whichever transaction is open (building Drizzle per request costs more than
 * the query).
 */
function transactionBinder(): (tx: Transaction, tally?: RoundTripTally) => Tx {
  let current: Transaction | undefined;
  let counting: RoundTripTally | undefined;
  const client = {
    query: (...args: Parameters<Transaction['query']>) => {
      if (!current) throw new Error('PGlite transaction client used outside its transaction');
      counting?.add();
      return current.query(...args);
    },
  };
  const db = drizzle(client as unknown as PGlite) as unknown as AppDb;
  return (tx, tally) => {
    current = tx;
    counting = tally;
    return {
      db,
      sql: {
        query: (text, params) => {
          tally?.add();
          return tx.query(text, params as unknown[]) as never;
        },
      },
    };
  };
}

/**
 * PGlite is a single connection: every statement queues behind the running transaction, so code
 * inside a transaction must use the `Tx` it was given, never this driver directly.
 */
export async function openPglite(options: PgliteOptions): Promise<DriverCore> {
  let release: (() => void) | undefined;
  let client: PGlite;
  if (!options.optimizingCompiler) useBaselineCompiler();
  if (options.instance) {
    client = options.instance;
  } else if (options.dataDir) {
    const dir = path.resolve(options.dataDir);
    const parent = path.dirname(dir);
    if (!existsSync(parent)) mkdirSync(parent, { recursive: true });
    release = lockDirectory(parent, `${dir}.lock`);
    try {
      client = await createPglite(dir, { loadDataDir: options.loadDataDir, extensions: PGLITE_EXTENSIONS });
    } catch (error) {
      release();
      throw error;
    }
  } else {
    client = await createPglite(undefined, {
      loadDataDir: options.loadDataDir,
      extensions: PGLITE_EXTENSIONS,
    });
  }
  const owned = !options.instance;
  const bindTx = transactionBinder();
  const maintenance = owned
    ? startEmbeddedMaintenance(client, options.maintenanceIntervalMs ?? MAINTENANCE_INTERVAL_MS)
    : undefined;

  return {
    driver: 'pglite',
    async transaction(preamble, fn, options) {
      // Counted as on PostgreSQL, where BEGIN, the mode and the preamble travel in one round trip.
      const tally = roundTripTally();
      try {
        return await client.transaction(async (tx) => {
          // The mode and the preamble in one call, as on PostgreSQL.
          const opening = [options?.snapshot ? `set transaction ${SNAPSHOT_MODE}` : '', preamble ?? '']
            .filter(Boolean)
            .join('; ');
          if (opening) await tx.exec(opening);
          return fn(bindTx(tx, tally));
        });
      } finally {
        tally?.end();
      }
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
        await maintenance?.stop();
        if (owned && !client.closed) await client.close();
      } finally {
        release?.();
      }
    },
  };
}
