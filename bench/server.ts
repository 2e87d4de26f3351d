/**
 * The server side of the platform benchmark, run as its own process so the load generator does not
 * share its event loop: three routes that isolate the cost of HTTP, of the per-request tenant
 * transaction, and of the database round trip itself.
 */
import { eq } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { uuidv7 } from '../src/lib/ids.js';
import { openDatabase } from '../src/platform/db/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { hashPassword } from '../src/modules/identity/passwords.js';
import { provisionTenant } from '../src/modules/identity/tenants/provision.js';
import { migrate } from '../src/schema.js';
import { rlsProbe } from '../test/fixtures/probe.tables.js';
import { createProbeTable } from '../test/harness/probe-table.js';

const url = process.env.BENCH_DATABASE_URL;
const db = url
  ? await openDatabase({ driver: 'postgres', url, poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10) })
  : await openDatabase({ driver: 'pglite' });
await migrate(db);
await createProbeTable(db);

const tenantId = uuidv7();
const id = await db.withTenant({ tenantId }, async (tx) => {
  const [row] = await tx.db.insert(rlsProbe).values({ tenantId, name: 'bench', amount: 1 }).returning();
  return row!.id;
});

const config = loadConfig(
  {},
  { logLevel: 'silent', logPretty: false, rateLimitMax: 1_000_000_000, demoData: false },
);
const app = await buildApp(
  { ...config, jwtSecret: 'bench-secret-bench-secret-bench-secret' },
  {
    db,
    modules: [identityModule],
    extraRoutes: async (api) => {
      api.get('/bench/bare', { config: { public: true } }, async () => ({ ok: true }));
      api.get('/bench/select1', { config: { public: true } }, async () => {
        const { rows } = await db.query<{ one: number }>('select 1 as one');
        return rows[0];
      });
      api.get('/bench/tenant', { config: { public: true } }, async () =>
        db.withTenant({ tenantId }, async (tx) => {
          const [row] = await tx.db.select().from(rlsProbe).where(eq(rlsProbe.id, id));
          return row;
        }),
      );
    },
  },
);
await app.ready();

// A real tenant, user and access token for the authenticated cases.
const admin = { email: 'bench-admin@bench.local', password: 'Bench1234!', firstName: 'Bench' };
const passwordHash = await hashPassword(admin.password);
const { adminId } = await db.withSystem((tx) =>
  provisionTenant(tx, app.platform.permissions, { name: 'Bench', slug: 'bench' }, { ...admin, passwordHash }),
);
const login = await app.inject({
  method: 'POST',
  url: '/api/v1/auth/login',
  payload: { email: admin.email, password: admin.password },
});
const { access_token: token } = login.json() as { access_token: string };

await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
process.stdout.write(`listening ${port} ${adminId} ${token}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => db.close().then(() => process.exit(0)));
});
