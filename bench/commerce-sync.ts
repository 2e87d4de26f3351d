/**
 * `npx tsx bench/commerce-sync.ts`: a full MoySklad sync at scale, on PostgreSQL only (skipped
 * without it). Starts the fake MoySklad on loopback with BENCH_SYNC_PRODUCTS products (default
 * 100,000) and BENCH_SYNC_DOCUMENTS documents (default 200,000) under the real rate limit (45
 * requests per 3 s, 5 in parallel), seeds the demo tenant, connects it to the fake, and runs a full
 * sync through `salesops serve` (the production app with its workers) to the job's end. Reports the
 * time, the requests the job made and the highest number of request units any 3-s window saw at
 * the fake, which must never exceed the limit.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createVault } from '../src/modules/commerce/integrations/credentials.js';
import { startFakeMoysklad } from '../src/modules/commerce/index.js';
import { postgresDatabase } from './databases.js';
import { quietScheduler, r1, salesopsRun, serve, writeReport } from './serve.js';

const PRODUCTS = Number(process.env.BENCH_SYNC_PRODUCTS ?? 100_000);
const DOCUMENTS = Number(process.env.BENCH_SYNC_DOCUMENTS ?? 200_000);
const PORT = 39_800 + (process.pid % 90);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const postgres = await postgresDatabase('commerce_sync');
if (!postgres) {
  process.stderr.write(
    'bench:commerce-sync needs PostgreSQL (BENCH_DATABASE_URL or 127.0.0.1:5432); skipped.\n',
  );
  process.exit(0);
}
const key = { id: 'bench', key: randomBytes(32) };
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-sync-'));
const env = {
  DATABASE_URL: postgres.url,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  RATE_LIMIT_MAX: '1000000',
  INTEGRATION_KEYS: `${key.id}:${key.key.toString('base64')}`,
};
process.stderr.write(`… starting the fake: ${PRODUCTS} products, ${DOCUMENTS} documents\n`);
const fake = await startFakeMoysklad({
  sizes: {
    products: PRODUCTS,
    documents: DOCUMENTS,
    folders: Math.max(12, Math.round(PRODUCTS / 500)),
    services: Math.max(10, Math.round(PRODUCTS / 100)),
    counterparties: Math.max(60, Math.round(DOCUMENTS / 50)),
    stores: 5,
  },
});
const database = new pg.Client({ connectionString: postgres.url });
const lines: string[] = [];
try {
  await salesopsRun(['seed'], env);
  await database.connect();
  const { rows } = await database.query<{ tenant_id: string }>(
    `select tenant_id from users where email = 'admin@demo.salesops.local'`,
  );
  const tenantId = rows[0]!.tenant_id;
  const vault = createVault([key]);
  const credentials = vault.seal({
    type: 'basic',
    login: fake.credentials.login,
    password: fake.credentials.password,
  });
  const token = vault.seal(randomBytes(16).toString('hex'));
  const { rows: created } = await database.query<{ id: string }>(
    `insert into integrations (tenant_id, id, provider, name, base_url, auth_type, credentials_cipher,
       credentials_key_id, webhook_token_cipher, account_id, sync_interval_minutes, last_sync_at)
     values ($1, gen_random_uuid(), 'moysklad', 'Bench MoySklad', $2, 'basic', $3, $4, $5, $6, 10080, now())
     returning id`,
    [tenantId, fake.baseUrl, credentials.cipher, credentials.keyId, token.cipher, fake.accountId],
  );
  // Synced just now (as far as the schedule knows), so only the measured job runs.
  const integrationId = created[0]!.id;

  const api = await serve(env, PORT);
  try {
    let admin = await api.login('admin@demo.salesops.local');
    let loggedInAt = performance.now();
    await quietScheduler(api, ['commerce.', 'notify.alert-checks']);
    const fakeAlone = await timeFakePages(fake.baseUrl, fake.credentials);
    await sleep(3_500); // the sliding window forgets the baseline's requests
    fake.control.resetStats();
    const started = performance.now();
    const entityDone = new Map<string, number>();
    const loads: number[] = [];
    const job = await api.json<{ id: string }>('POST', '/api/v1/admin/sync/start', admin, {
      integration_id: integrationId,
      mode: 'full',
    });
    let last: {
      status: string;
      requests: number;
      error: string | null;
      totals: Record<string, number>;
      cursor: Record<string, { done: boolean; offset: number }>;
    };
    for (;;) {
      // The run outlasts an access token: log in again well before it expires.
      if (performance.now() - loggedInAt > 5 * 60_000) {
        admin = await api.login('admin@demo.salesops.local');
        loggedInAt = performance.now();
      }
      last = await api.json('GET', `/api/v1/admin/sync/jobs/${job.id}`, admin);
      loads.push(os.loadavg()[0]!);
      for (const [entity, cursor] of Object.entries(last.cursor ?? {}))
        if (cursor.done && !entityDone.has(entity)) entityDone.set(entity, performance.now());
      if (!['queued', 'running'].includes(last.status)) break;
      await sleep(1000);
    }
    const seconds = (performance.now() - started) / 1000;
    const stats = fake.control.stats();
    let previous = started;
    const perEntity = [...entityDone.entries()]
      .sort((a, b) => a[1] - b[1])
      .map(([entity, at]) => {
        const spent = `${entity} ${r1((at - previous) / 1000)} s`;
        previous = at;
        return spent;
      });
    const rateFloor = last.requests / (45 / 3);
    lines.push(
      `commerce sync (PostgreSQL): full sync of ${PRODUCTS.toLocaleString('en')} products and ${DOCUMENTS.toLocaleString('en')} documents`,
      `  status ${last.status}${last.error ? ` (${last.error})` : ''} in ${r1(seconds)} s`,
      `  rows: ${JSON.stringify(last.totals)}`,
      `  requests made by the job: ${last.requests}; answered by the fake: ${stats.requests} (429: ${stats.rejectedRate} rate, ${stats.rejectedParallel} parallel)`,
      `  max request units in any 3-s window at the fake: ${stats.maxUnitsPerWindow} (limit 45); max in flight ${stats.maxInFlight} (limit 5)`,
      `  lower bound from the rate limit: ${last.requests} requests ÷ 15 per s = ${r1(rateFloor)} s; the run took ${r1(seconds / rateFloor)}× that`,
      `  per entity (to the poll, ±1 s): ${perEntity.join(', ')}`,
      `  baseline, the fake alone: a page of 100 expanded documents in ${fakeAlone.documents} ms, of 1,000 products in ${fakeAlone.products} ms (median of 5)`,
      `  load average during the run: mean ${r1(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length))}, max ${r1(Math.max(...loads))} on ${os.cpus().length} cores`,
    );
  } finally {
    await api.stop();
  }
} finally {
  await database.end().catch(() => undefined);
  await fake.close();
  await postgres.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
writeReport('commerce-sync', lines);

/**
 * The machine's baseline for the sync: how long the fake takes to answer one page alone (median of
 * five), so the run can be read as a ratio of what the fake and the rate limit allow.
 */
async function timeFakePages(
  baseUrl: string,
  credentials: { login: string; password: string },
): Promise<{ documents: number; products: number }> {
  const headers = {
    authorization: `Basic ${Buffer.from(`${credentials.login}:${credentials.password}`).toString('base64')}`,
    'accept-encoding': 'gzip',
  };
  const median = async (url: string) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const at = performance.now();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      times.push(performance.now() - at);
    }
    return Math.round(times.sort((a, b) => a - b)[2]!);
  };
  return {
    documents: await median(`${baseUrl}/entity/demand?limit=100&expand=positions,state,owner,rate.currency`),
    products: await median(`${baseUrl}/entity/product?limit=1000`),
  };
}
