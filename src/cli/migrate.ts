import type { Config } from '../config.js';
import { migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';

export async function migrateCommand(config: Config): Promise<void> {
  const db = await openConfiguredDatabase(config);
  try {
    await migrateWithProgress(db, createProgress());
  } finally {
    await db.close();
  }
}
