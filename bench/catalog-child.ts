/**
 * One step of the catalog benchmark in its own process, so each import's peak memory is its own:
 *   import <csv|xlsx> <file> <tenant-slug>  — provisions the tenant, imports the file, prints JSON
 *   serve <tenant-slug>                      — adds 100,000 outlets, serves the API, prints the port
 * With BENCH_SEED_PRODUCTS=N, `serve` first generates N products (with a barcode and a price each)
 * set-based in SQL, the same rows the import files hold, for scales where importing takes too long.
 * The database is BENCH_DATABASE_URL (PostgreSQL) or PGlite in BENCH_PGLITE_DIR.
 */
import { createReadStream } from 'node:fs';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { catalogModule } from '../src/modules/catalog/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { hashPassword } from '../src/modules/identity/passwords.js';
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
  const passwordHash = await hashPassword(PASSWORD);
  const { tenantId } = await db.withSystem((tx) =>
    provisionTenant(
      tx,
      app.platform.permissions,
      { name: slug, slug },
      { email: `admin@${slug}.bench`, passwordHash, firstName: 'Bench' },
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

/**
 * N products like the benchmark's import files (`P0000042`, `Juice water 1 l #42`, `A-42`, barcode
 * 4780000000042, a Retail price), in batches of 100,000 so each statement stays moderate.
 */
async function generateProducts(tenantId: string, n: number) {
  const existing = await db.withTenant({ tenantId }, (tx) =>
    tx.sql.query<{ n: number }>('select count(*)::int as n from products where tenant_id = $1', [tenantId]),
  );
  const words = `array['Juice','Water','Tea','Coffee','Milk','Yogurt','Bread','Rice','Oil','Sugar']`;
  const sizes = `array['0.33 l','0.5 l','1 l','1.5 l','250 g','500 g','1 kg']`;
  for (let from = existing.rows[0]!.n; from < n; from += 100_000) {
    const to = Math.min(n, from + 100_000) - 1;
    process.stderr.write(`… generating products ${from}–${to}\n`);
    await db.withTenant({ tenantId }, async (tx) => {
      await tx.sql.query(
        `insert into products (tenant_id, id, code, name, article, folder_id, brand_id, vat_rate)
         select $1, gen_random_uuid(), 'P' || lpad(i::text, 7, '0'),
           (${words})[i % 10 + 1] || ' ' || lower((${words})[(i * 7) % 10 + 1]) || ' ' || (${sizes})[i % 7 + 1] || ' #' || i,
           'A-' || i, (f.ids)[i % ${FOLDERS} + 1], (b.ids)[i % ${BRANDS} + 1], 12
         from generate_series($2::int, $3::int) i,
           (select array_agg(id order by code) as ids from product_folders where tenant_id = $1) f,
           (select array_agg(id order by code) as ids from brands where tenant_id = $1) b`,
        [tenantId, from, to],
      );
      await tx.sql.query(
        `insert into product_barcodes (tenant_id, id, product_id, barcode)
         select p.tenant_id, gen_random_uuid(), p.id, (4780000000000 + substr(p.code, 2)::bigint)::text
         from products p where p.tenant_id = $1 and p.code between $2 and $3`,
        [tenantId, `P${String(from).padStart(7, '0')}`, `P${String(to).padStart(7, '0')}`],
      );
      await tx.sql.query(
        `insert into product_prices (tenant_id, id, product_id, price_type_id, amount)
         select p.tenant_id, gen_random_uuid(), p.id, t.id, 1000 + substr(p.code, 2)::int % 9000 + 0.5
         from products p join price_types t on t.tenant_id = p.tenant_id and t.name = 'Retail'
         where p.tenant_id = $1 and p.code between $2 and $3`,
        [tenantId, `P${String(from).padStart(7, '0')}`, `P${String(to).padStart(7, '0')}`],
      );
    });
  }
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
  const seedProducts = Number(process.env.BENCH_SEED_PRODUCTS ?? 0);
  if (seedProducts > 0) await generateProducts(tenantId, seedProducts);
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
