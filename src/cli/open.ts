import type { Config } from '../config.js';
import {
  databaseOptionsFrom,
  DirectoryLockedError,
  openDatabase,
  type Database,
} from '../platform/db/index.js';
import { migrate } from '../schema.js';
import type { Progress } from './progress.js';

export class CliError extends Error {}

/** Opens the configured database, turning a held PGlite lock into a clear one-line error. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  try {
    return await openDatabase(databaseOptionsFrom(config, (e) => console.error(`database: ${e.message}`)));
  } catch (error) {
    if (error instanceof DirectoryLockedError) throw new CliError(error.message);
    throw error;
  }
}

export async function migrateWithProgress(db: Database, progress: Progress): Promise<void> {
  progress.step(`Migrating the ${db.driver === 'pglite' ? 'embedded' : 'PostgreSQL'} database`);
  await migrate(db);
  progress.done('Database schema is up to date');
}
