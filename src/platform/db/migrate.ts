import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './types.js';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

/**
 * Brings the schema up to date: the committed drizzle-kit migrations (tables, plus the hand-written
 * role, grant and policy files among them), then whatever else registered an installer (pg-boss).
 */
export async function migrateDatabase(
  db: Database,
  installers: ((db: Database) => Promise<void>)[] = [],
): Promise<void> {
  await db.migrate(MIGRATIONS_DIR);
  for (const install of installers) await install(db);
}
