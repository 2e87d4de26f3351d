import pino from 'pino';
import { ensureJwtSecret, type Config } from '../config.js';
import { modules } from '../modules/index.js';
import { createPlatform } from '../platform/index.js';
import { contributionsOf } from '../platform/module.js';
import { loggerOptions } from '../platform/observability/logger.js';
import { migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';
import { onShutdownSignal } from './shutdown.js';

/** Job workers without the HTTP server: run as many as the queues need against one PostgreSQL. */
export async function worker(rawConfig: Config): Promise<void> {
  const config = ensureJwtSecret(rawConfig);
  const options = loggerOptions(config);
  const log = options === false ? pino({ enabled: false }) : pino(options as pino.LoggerOptions);
  const db = await openConfiguredDatabase(config);
  if (config.migrateOnStart) await migrateWithProgress(db, createProgress());
  const { principalResolver: _resolver, usersInScope: _scope, ...contributions } = contributionsOf(modules);
  const platform = createPlatform(config, db, log, contributions);
  for (const module of modules) module.registerJobs?.(platform);
  await platform.start({ workers: true });
  for (const module of modules) await module.onStart?.(platform);
  log.info({ driver: db.driver }, 'workers started');
  process.stdout.write('SalesOps workers are running. Press Ctrl+C to stop.\n');
  onShutdownSignal(
    async () => {
      await platform.stopRealtime();
      await platform.stopJobs();
      await db.close();
    },
    config.shutdownTimeoutMs,
    (msg) => log.info(msg),
  );
}
