import path from 'node:path';
import type { Config } from '../../config.js';
import { openPglite, type PgliteOptions } from './pglite-driver.js';
import { openPostgres } from './postgres-driver.js';
import { withTenancy } from './transactions.js';
import type { Database } from './types.js';

export type DatabaseOptions =
  | { driver: 'postgres'; url: string; poolSize?: number; onError?: (error: Error) => void }
  | ({ driver: 'pglite' } & PgliteOptions);

/** The factory: PGlite in DATA_DIR unless DATABASE_URL names a PostgreSQL server. */
export function databaseOptionsFrom(config: Config, onError?: (error: Error) => void): DatabaseOptions {
  return config.databaseUrl
    ? { driver: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize, onError }
    : {
        driver: 'pglite',
        dataDir: path.join(config.dataDir, 'pglite'),
        optimizingCompiler: config.embeddedOptimizingCompiler,
      };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const core =
    options.driver === 'postgres'
      ? await openPostgres({ url: options.url, poolSize: options.poolSize ?? 10, onError: options.onError })
      : await openPglite(options);
  return withTenancy(core);
}

export { APP_ROLE } from './preamble.js';
export { DirectoryLockedError } from './dir-lock.js';
export { translateDbError } from './pg-errors.js';
export { isNewDataDir, PGLITE_EXTENSIONS } from './pglite-driver.js';
export type { AppDb, Database, SqlClient, TenantContext, Tx } from './types.js';
export { pageReader, type PageReader } from './page-reader.js';
