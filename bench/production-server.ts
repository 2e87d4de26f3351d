/**
 * The server side of the request-path benchmark: the app users run — every module and plugin,
 * NODE_ENV=production settings, request logging on — with two baseline routes mounted in the same
 * process and pool (a bare route, `SELECT 1`). It reports its port and a signed-in admin's token
 * and ids over IPC (stdout carries the production log, which goes to /dev/null here).
 */
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { databaseOptionsFrom, openDatabase } from '../src/platform/db/index.js';
import { hashPassword } from '../src/modules/identity/passwords.js';
import { provisionTenant } from '../src/modules/identity/tenants/provision.js';
import { migrate } from '../src/schema.js';

const config = loadConfig(
  {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
    INTEGRATION_KEYS: 'bench:' + Buffer.alloc(32, 7).toString('base64'),
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  },
  // A benchmark comes from one address; the limiter still runs on every request.
  { rateLimitMax: 1_000_000_000, demoData: false },
);
const db = await openDatabase(databaseOptionsFrom(config));
await migrate(db);
const app = await buildApp(
  { ...config, jwtSecret: config.jwtSecret! },
  {
    db,
    extraRoutes: async (api) => {
      api.get('/bench/bare', { config: { public: true } }, async () => ({ ok: true }));
      api.get('/bench/select1', { config: { public: true } }, async () => {
        const { rows } = await db.query<{ one: number }>('select 1 as one');
        return rows[0];
      });
    },
  },
);
await app.ready();

const admin = { email: `bench-${Date.now()}@bench.local`, password: 'Bench1234!', firstName: 'Bench' };
const passwordHash = await hashPassword(admin.password);
const slug = `bench-${Date.now()}`;
const { adminId } = await db.withSystem((tx) =>
  provisionTenant(tx, app.platform.permissions, { name: 'Bench', slug }, { ...admin, passwordHash }),
);
const login = await app.inject({
  method: 'POST',
  url: '/api/v1/auth/login',
  payload: { email: admin.email, password: admin.password },
});
const { access_token: token } = login.json() as { access_token: string };
const customer = await app.inject({
  method: 'POST',
  url: '/api/v1/customers',
  headers: { authorization: `Bearer ${token}` },
  payload: { code: 'BENCH-1', name: 'Bench customer', email: 'buyer@bench.local' },
});
const { id: customerId } = customer.json() as { id: string };
if (!customerId) throw new Error(`customer not created: ${customer.body}`);

await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
process.send!({ port, token, userId: adminId, customerId });
process.on('SIGTERM', () => {
  void app.close().then(() => db.close().then(() => process.exit(0)));
});
