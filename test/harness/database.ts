import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/index.js';
import { tracked } from './leftovers.js';
import { adminQuery, TEST_DB_PREFIX, testDatabaseUrl, urlFor } from './template.js';

export const driverUnderTest: Database['driver'] = testDatabaseUrl() ? 'postgres' : 'pglite';

export interface TestDatabase {
  db: Database;
  /** Postgres only: the database's URL (for tests that need a second pool or process). */
  url?: string;
  name?: string;
  close(): Promise<void>;
}

/** A fresh, migrated database for one test file, copied from the run's template. */
/** A database from the template; `poolSize` (PostgreSQL) 1 makes every call reuse one connection. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const template = inject('dbTemplate');
  if (!testDatabaseUrl()) {
    const tarball = await readFile(template);
    const db = await openDatabase({ driver: 'pglite', loadDataDir: new Blob([tarball]) });
    return tracked({ db, close: () => db.close() });
  }
  const name = `${TEST_DB_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const drop = () => adminQuery(`drop database if exists "${name}" with (force)`);
  await adminQuery(`create database "${name}" template "${template}"`);
  const url = urlFor(name);
  const db = await openDatabase({ driver: 'postgres', url, poolSize: options.poolSize ?? 5 }).catch(
    async (error: unknown) => {
      await drop();
      throw error;
    },
  );
  return tracked({
    db,
    url,
    name,
    async close() {
      try {
        await db.close();
      } finally {
        await drop();
      }
    },
  });
}
