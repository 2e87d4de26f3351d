import { buildApp } from '../app.js';
import { ensureJwtSecret, type Config } from '../config.js';
import { modules } from '../modules/index.js';
import { formatLogins, seedDemo } from '../seed.js';
import { migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';
import { onShutdownSignal } from './shutdown.js';

export async function serve(rawConfig: Config): Promise<void> {
  const config = ensureJwtSecret(rawConfig);
  const progress = createProgress();
  progress.step('Opening the database');
  const db = await openConfiguredDatabase(config);
  progress.done(
    db.driver === 'pglite' ? `Embedded database in ${config.dataDir}` : 'Connected to PostgreSQL',
  );
  try {
    if (config.migrateOnStart) await migrateWithProgress(db, progress);
    const app = await buildApp(config, { db });
    const logins = config.demoData ? await seedDemo(app.platform, modules, progress) : [];
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const base = `http://localhost:${port}`;
    process.stdout.write(
      `\nSalesOps is running\n` +
        `  API      ${base}/api/v1\n` +
        `  Docs     ${base}/docs\n` +
        `  OpenAPI  ${base}/openapi.json\n` +
        `  Health   ${base}/health/ready\n` +
        (config.demoData ? `\nDemo logins (e-mail  password  role @ tenant):\n${formatLogins(logins)}` : '') +
        `\nPress Ctrl+C to stop.\n`,
    );
    onShutdownSignal(
      async () => {
        await app.close();
        await db.close();
      },
      config.shutdownTimeoutMs,
      (msg) => app.log.info(msg),
    );
  } catch (error) {
    await db.close();
    throw error;
  }
}
