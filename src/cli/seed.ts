import { buildApp } from '../app.js';
import { ensureJwtSecret, type Config } from '../config.js';
import { modules } from '../modules/index.js';
import { formatLogins, seedDemo } from '../seed.js';
import { migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';

export async function seedCommand(rawConfig: Config): Promise<void> {
  const config = ensureJwtSecret({ ...rawConfig, logLevel: 'warn' });
  const db = await openConfiguredDatabase(config);
  try {
    const progress = createProgress();
    await migrateWithProgress(db, progress);
    const app = await buildApp({ ...config, workers: false }, { db });
    try {
      const logins = await seedDemo(app.platform, modules, progress);
      process.stdout.write(`Demo logins:\n${formatLogins(logins)}`);
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}
