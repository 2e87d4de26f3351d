/**
 * The server of the import benchmark, in its own process (the load generator must not share its
 * event loop): the API on PGlite (or BENCH_DATABASE_URL) with a tenant ready for products, plus
 *   GET  /api/v1/bench/bare          — a bare route (the HTTP ceiling)
 *   POST /api/v1/bench/import?mode=  — starts importing BENCH_FILE (`default` or `all-or-nothing`)
 *   GET  /api/v1/bench/import/{id}   — { status, seconds, rows }
 * Prints `listening <port> <token>` when ready.
 */
import { createReadStream } from 'node:fs';
import { Type } from 'typebox';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { catalogModule } from '../src/modules/catalog/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { hashPassword } from '../src/modules/identity/passwords.js';
import { provisionTenant } from '../src/modules/identity/tenants/provision.js';
import { openDatabase } from '../src/platform/db/index.js';
import { migrate } from '../src/schema.js';

const PASSWORD = 'Bench1234!';
const file = process.env.BENCH_FILE!;
const url = process.env.BENCH_DATABASE_URL;
const db = url
  ? await openDatabase({ driver: 'postgres', url, poolSize: 10 })
  : await openDatabase({ driver: 'pglite', dataDir: process.env.BENCH_PGLITE_DIR });
await migrate(db);
const config = loadConfig(
  {},
  { logLevel: 'silent', logPretty: false, rateLimitMax: 1_000_000_000, demoData: false },
);

const runs = new Map<string, { started: number; seconds?: number; status: string; rows?: number }>();
let tenantId = '';

const app = await buildApp(
  { ...config, workers: false, jwtSecret: 'bench-secret-bench-secret-bench-secret' },
  {
    db,
    start: false,
    modules: [identityModule, catalogModule],
    extraRoutes: async (api, platform) => {
      api.get('/bench/bare', { config: { public: true } }, async () => ({ ok: true }));
      api.post<{ Querystring: { mode?: string } }>(
        '/bench/import',
        // Query strings are closed: the parameter is declared, or the request is refused.
        {
          config: { public: true },
          schema: { querystring: Type.Object({ mode: Type.Optional(Type.String()) }) },
        },
        async (request) => {
          const caller = { tenantId, userId: null, may: () => true };
          const allOrNothing = request.query.mode === 'all-or-nothing';
          const run = await platform.imports.service.start(
            caller,
            { entity: 'products', mode: 'insert', dryRun: false, allOrNothing, fileName: 'products.csv' },
            createReadStream(file),
            { enqueue: false },
          );
          const entry = { started: performance.now(), status: 'running' } as {
            started: number;
            seconds?: number;
            status: string;
            rows?: number;
          };
          runs.set(run.id, entry);
          void platform.imports.runner
            .run({ tenantId, importId: run.id, userId: null })
            .then(async () => {
              const done = await platform.imports.service.get(caller, run.id);
              Object.assign(entry, {
                status: done.status,
                rows: done.progress.rows_written,
                seconds: (performance.now() - entry.started) / 1000,
              });
            })
            .catch((error: Error) => Object.assign(entry, { status: `error: ${error.message}` }));
          return { id: run.id };
        },
      );
      api.get<{ Params: { id: string } }>(
        '/bench/import/:id',
        { config: { public: true } },
        async (request) => runs.get(request.params.id),
      );
    },
  },
);
await app.ready();

const slug = 'bench-imports';
const passwordHash = await hashPassword(PASSWORD);
({ tenantId } = await db.withSystem((tx) =>
  provisionTenant(
    tx,
    app.platform.permissions,
    { name: slug, slug },
    { email: `admin@${slug}.bench`, passwordHash, firstName: 'Bench' },
  ),
));
await db.withTenant({ tenantId }, async (tx) => {
  await tx.sql.query(
    `insert into price_types (tenant_id, id, name, currency) values ($1, gen_random_uuid(), 'Retail', 'UZS')`,
    [tenantId],
  );
  await tx.sql.query(
    `insert into product_folders (tenant_id, id, code, name, path, depth)
     select $1, id, 'F' || n, 'Folder ' || n, '/' || id || '/', 0
       from (select gen_random_uuid() as id, n from generate_series(0, 19) n) f`,
    [tenantId],
  );
  await tx.sql.query(
    `insert into brands (tenant_id, id, code, name, is_own)
     select $1, gen_random_uuid(), 'B' || n, 'Brand ' || n, n < 5 from generate_series(0, 9) n`,
    [tenantId],
  );
});
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
