import { buildApp } from '../app.js';
import { ensureJwtSecret, type Config } from '../config.js';
import { modules } from '../modules/index.js';
import type { Database } from '../platform/db/index.js';
import type { DemoLogin } from '../platform/module.js';
import { formatLogins, seedDemo } from '../seed.js';
import { migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';
import { onShutdownSignal } from './shutdown.js';

/**
 * Whether anyone could sign in: a user exists in any tenant (super admins included). Only decides
 * what the banner says, so a failure counts as yes and prints nothing more.
 */
async function anyAccount(db: Database): Promise<boolean> {
  try {
    const { rows } = await db.withSystem((tx) =>
      tx.sql.query('select exists (select 1 from users) as "any"'),
    );
    return (rows[0] as { any?: boolean } | undefined)?.any !== false;
  } catch {
    return true;
  }
}

/**
 * What `serve` prints once it listens: the addresses, then the way in — the demo logins, or, on a
 * database without demo data where nobody has an account yet, the commands that create one.
 */
export function startBanner(base: string, way: { logins?: DemoLogin[]; noAccounts?: boolean }): string {
  const wayIn = way.logins
    ? `\nDemo logins (e-mail  password  role @ tenant):\n${formatLogins(way.logins)}`
    : way.noAccounts
      ? `\nNobody can sign in yet: this database has no accounts and no demo data (DEMO_DATA is off).\n` +
        `  npx salesops seed                 load the demo tenants and logins (or restart with DEMO_DATA=true)\n` +
        `  npx salesops create-superadmin    create a super admin (--email, --password)\n` +
        `  npx salesops create-tenant        create a tenant and its admin (--name, --admin-email, --admin-password)\n`
      : '';
  return (
    `\nSalesOps is running\n` +
    `  API      ${base}/api/v1\n` +
    `  Docs     ${base}/docs\n` +
    `  OpenAPI  ${base}/openapi.json\n` +
    `  Health   ${base}/health/ready\n` +
    wayIn +
    `\nPress Ctrl+C to stop.\n`
  );
}

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
    const noAccounts = !config.demoData && !(await anyAccount(db));
    process.stdout.write(startBanner(base, config.demoData ? { logins } : { noAccounts }));
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
