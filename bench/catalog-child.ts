/**
 * One step of the catalog benchmark in its own process, so each import's peak memory is its own:
 *   import <csv|xlsx> <file> <tenant-slug>  — provisions the tenant, imports the file, prints JSON
 *   serve <tenant-slug>                      — adds 100,000 outlets, serves the API, prints the port
 * The database is BENCH_DATABASE_URL (PostgreSQL) or PGlite in BENCH_PGLITE_DIR.
 */
import { createReadStream } from 'node:fs';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { catalogModule } from '../src/modules/catalog/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { provisionTenant } from '../src/modules/identity/tenants/provision.js';
import { openDatabase } from '../src/platform/db/index.js';
import type { Database } from '../src/platform/db/types.js';
import { migrate } from '../src/schema.js';

const FOLDERS = 20;
const BRANDS = 10;
const PASSWORD = 'Bench1234!';

const [command, ...args] = process.argv.slice(2);
const url = process.env.BENCH_DATABASE_URL;
const db = url
  ? await openDatabase({ driver: 'postgres', url, poolSize: 10 })
  : await openDatabase({ driver: 'pglite', dataDir: process.env.BENCH_PGLITE_DIR });
await migrate(db);
const config = loadConfig(
  {},
  { logLevel: 'silent', logPretty: false, rateLimitMax: 1_000_000_000, demoData: false },
);
const app = await buildApp(
  { ...config, workers: false, jwtSecret: 'bench-secret-bench-secret-bench-secret' },
  { db, start: false, modules: [identityModule, catalogModule] },
);
await app.ready();

/** A tenant with an admin, a Retail price type, coded folders and brands. */
async function tenant(db: Database, slug: string) {
  const existing = await db.query<{ id: string }>('select id from tenants where slug = $1', [slug]);
  if (existing.rows[0]) return existing.rows[0].id;
  const { tenantId } = await db.withSystem((tx) =>
    provisionTenant(
      tx,
      app.platform.permissions,
      { name: slug, slug },
      { email: `admin@${slug}.bench`, password: PASSWORD, firstName: 'Bench' },
    ),
  );
  await db.withTenant({ tenantId }, async (tx) => {
    await tx.sql.query(
      `insert into price_types (tenant_id, id, name, currency) values ($1, gen_random_uuid(), 'Retail', 'UZS')`,
      [tenantId],
    );
    await tx.sql.query(
      `insert into product_folders (tenant_id, id, code, name, path, depth)
       select $1, id, 'F' || n, 'Folder ' || n, '/' || id || '/', 0 from (select gen_random_uuid() as id, n from generate_series(0, ${FOLDERS - 1}) n) f`,
      [tenantId],
    );
    await tx.sql.query(
      `insert into brands (tenant_id, id, code, name, is_own) select $1, gen_random_uuid(), 'B' || n, 'Brand ' || n, n < 5 from generate_series(0, ${BRANDS - 1}) n`,
      [tenantId],
    );
  });
  return tenantId;
}

if (command === 'import') {
  const [format, file, slug] = args as [string, string, string];
  const tenantId = await tenant(db, slug);
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const imports = app.platform.imports;
  const caller = { tenantId, userId: null, may: () => true };
  const run = await imports.service.start(
    caller,
    { entity: 'products', mode: 'insert', dryRun: false, allOrNothing: true, fileName: `products.${format}` },
    createReadStream(file),
    { enqueue: false },
  );
  await imports.runner.run({ tenantId, importId: run.id, userId: null });
  const seconds = (performance.now() - started) / 1000;
  const done = await imports.service.get(caller, run.id);
  process.stdout.write(
    `${JSON.stringify({ status: done.status, error: done.error, rows: done.progress.rows_written, seconds, rssBeforeMb: rssBefore / 2 ** 20, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
} else if (command === 'serve') {
  const [slug] = args as [string];
  const tenantId = await tenant(db, slug);
  // 100,000 outlets scattered over ~30 km around Tashkent, set-based.
  await db.withTenant({ tenantId }, (tx) =>
    tx.sql.query(
      `insert into outlets (tenant_id, id, code, name, latitude, longitude)
       select $1, gen_random_uuid(), 'O' || n, 'Outlet ' || n, 41.31 + (random() - 0.5) * 0.5, 69.28 + (random() - 0.5) * 0.6
         from generate_series(1, 100000) n
       on conflict do nothing`,
      [tenantId],
    ),
  );
  await db.query('analyze');
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: `admin@${slug}.bench`, password: PASSWORD },
  });
  const { access_token: token } = login.json() as { access_token: string };
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  process.stdout.write(`listening ${port} ${token}\n`);
  process.on('SIGTERM', () => void app.close().then(() => db.close().then(() => process.exit(0))));
} else {
  throw new Error(`unknown command ${command}`);
}
if (command !== 'serve') {
  await app.close();
  await db.close();
}
