import { migrateDatabase } from './platform/db/migrate.js';
import type { Database } from './platform/db/types.js';
import { installJobSchema } from './platform/jobs/schema.js';

/** Brings a database fully up to date: committed migrations, then the job queue's own schema. */
export async function migrate(db: Database): Promise<void> {
  await migrateDatabase(db, [installJobSchema]);
}
