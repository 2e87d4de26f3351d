/**
 * One worker process of the scheduled-reports benchmark: the app with job workers (mail goes out
 * through the outbox's `mail.deliver` jobs) on BENCH_DATABASE_URL, mailing to BENCH_SMTP_PORT.
 *   BENCH_SETUP=<count>: provisions a tenant with `count` schedules due now, prints `setup <tenantId>`, exits.
 *   otherwise: listens; `POST /api/v1/bench/run-due` generates and mails due schedules, pass after
 *   pass, until none is left; `GET` answers how many this process produced and whether it is done. Prints `listening <port>`.
 */
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { fieldModule } from '../src/modules/field/index.js';
import { catalogModule } from '../src/modules/catalog/index.js';
import { identityModule } from '../src/modules/identity/index.js';
import { hashPassword } from '../src/modules/identity/passwords.js';
import { provisionTenant } from '../src/modules/identity/tenants/provision.js';
import { reportsModule } from '../src/modules/reports/index.js';
import { runDueSchedules } from '../src/modules/reports/due.js';
import { reportDeps } from '../src/modules/reports/jobs.js';
import { openDatabase } from '../src/platform/db/index.js';
import { migrate } from '../src/schema.js';

const url = process.env.BENCH_DATABASE_URL!;
const setup = Number(process.env.BENCH_SETUP ?? 0);
const drain = { produced: 0, done: false };
const db = await openDatabase({ driver: 'postgres', url, poolSize: 10 });
if (setup) await migrate(db);
const config = loadConfig(
  {},
  { logLevel: 'silent', logPretty: false, rateLimitMax: 1_000_000_000, demoData: false },
);
const app = await buildApp(
  {
    ...config,
    workers: !setup,
    smtpUrl: `smtp://127.0.0.1:${process.env.BENCH_SMTP_PORT}`,
    storageDir: process.env.BENCH_STORAGE_DIR ?? config.storageDir,
    jwtSecret: 'bench-secret-bench-secret-bench-secret',
  },
  {
    db,
    modules: [identityModule, catalogModule, fieldModule, reportsModule],
    jobOptions: { pollingIntervalSeconds: 0.5 },
    extraRoutes: async (api, platform) => {
      // Starts draining and answers at once (a drain outlasts any HTTP timeout); GET reports progress.
      api.post('/bench/run-due', { config: { public: true } }, async () => {
        void (async () => {
          for (;;) {
            const runs = await runDueSchedules({ ...reportDeps(platform), system: platform.system }, 50);
            drain.produced += runs.length;
            if (runs.length === 0) break;
          }
          drain.done = true;
        })();
        return { started: true };
      });
      api.get('/bench/run-due', { config: { public: true } }, async () => drain);
    },
  },
);
await app.ready();

if (setup) {
  const slug = `bench-schedules-${Date.now()}`;
  const { tenantId, adminId } = await db.withSystem(async (tx) =>
    provisionTenant(
      tx,
      app.platform.permissions,
      { name: slug, slug },
      { email: `admin@${slug}.bench`, passwordHash: await hashPassword('Bench1234!'), firstName: 'Bench' },
    ),
  );
  await db.withTenant({ tenantId }, (tx) =>
    tx.sql.query(
      `insert into report_schedules (tenant_id, id, name, report_type, format, frequency, hour, parameters,
         recipient_emails, next_run_at, created_by)
       select $1, gen_random_uuid(), 'Bench ' || n, 'field.visit_summary', $3, 'daily', 8, '{"period":"last_7_days"}',
         array['reports-' || n || '@bench.example.com'], now() - interval '1 minute', $2
       from generate_series(1, $4::int) n`,
      [tenantId, adminId, process.env.BENCH_FORMAT ?? 'pdf', setup],
    ),
  );
  process.stdout.write(`setup ${tenantId}\n`);
  await app.close();
  await db.close();
  process.exit(0);
}
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
process.stdout.write(`listening ${port}\n`);
process.on('SIGTERM', () => void app.close().then(() => db.close().then(() => process.exit(0))));
