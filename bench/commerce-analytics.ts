/**
 * `npx tsx bench/commerce-analytics.ts`: commerce analytics at scale, on PostgreSQL only (skipped
 * without it). Generates the data with `salesops seed --commerce-positions N` (default 1,000,000
 * positions over a year: 200,000 documents, 2,000 products, 5,000 customers, 10 synthetic agents),
 * starts `salesops serve` against it, then measures p50/p99 of
 * - `GET /analytics/dashboard?period=year` and `?period=month`,
 * - `GET /analytics/sales/report` over the last 365 days by month × product and by manager,
 * for the tenant admin (no scope condition) and for one synthetic agent (own scope), beside the
 * machine's baselines in the same server (bare route, `SELECT 1` through the pool).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresDatabase } from './databases.js';
import { BASELINE_CASES, day, latencyRows, salesopsRun, serve, writeReport } from './serve.js';

const POSITIONS = Number(process.env.BENCH_COMMERCE_POSITIONS ?? 1_000_000);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const PORT = 39_800 + (process.pid % 90);

const postgres = await postgresDatabase('commerce');
if (!postgres) {
  process.stderr.write(
    'bench:commerce-analytics needs PostgreSQL (BENCH_DATABASE_URL or 127.0.0.1:5432); skipped.\n',
  );
  process.exit(0);
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-commerce-'));
const env = { DATABASE_URL: postgres.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' };
const lines: string[] = [];
const database = new pg.Client({ connectionString: postgres.url });
try {
  await database.connect();
  // BENCH_DATABASE_URL may hold the data of an earlier run: measured again without reseeding.
  const { rows: seeded } = await database
    .query<{ n: number }>("select count(*)::int as n from products where code like 'CSP-%'")
    .catch(() => ({ rows: [{ n: 0 }] }));
  const seedStarted = performance.now();
  if (!seeded[0]!.n) {
    process.stderr.write(`… seeding ${POSITIONS} document positions\n`);
    await salesopsRun(['seed', '--commerce-positions', String(POSITIONS)], env);
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  await database.query('vacuum analyze');
  const { rows: facts } = await database.query<{ positions: number; documents: number; agent: string }>(
    `select (select count(*) from commerce_document_positions)::int as positions,
       (select count(*) from commerce_documents)::int as documents,
       (select u.email from users u where u.email like 'scale-agent-00001@%') as agent`,
  );
  const api = await serve(env, PORT);
  try {
    const admin = await api.login('admin@demo.salesops.local');
    // The synthetic agents' password is random: the bench signs one in after setting a known one.
    await database.query(
      `update users set password_hash = (select password_hash from users where email = 'admin@demo.salesops.local')
       where email = $1`,
      [facts[0]!.agent],
    );
    const agent = await api.login(facts[0]!.agent);
    const year = `from=${day(-364)}&to=${day(0)}`;
    const cases: [string, string][] = [
      ['GET /analytics/dashboard?period=year', '/api/v1/analytics/dashboard?period=year'],
      ['GET /analytics/dashboard?period=month', '/api/v1/analytics/dashboard?period=month'],
      [
        'GET /analytics/sales/report, 365 days by month × product',
        `/api/v1/analytics/sales/report?${year}&granularity=month&group_by=product&limit=1000`,
      ],
      [
        'GET /analytics/sales/report, 365 days by month × manager',
        `/api/v1/analytics/sales/report?${year}&granularity=month&group_by=manager`,
      ],
    ];
    lines.push(
      `Commerce analytics benchmark, ${new Date().toISOString()}: PostgreSQL; ${facts[0]!.positions} positions in ` +
        `${facts[0]!.documents} documents (${seeded[0]!.n ? 'seeded by an earlier run' : `seeded in ${seedSeconds.toFixed(0)} s with the demo data`}); ` +
        `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
      '',
      '| case | connections | req/s | p50 ms | p95 ms | p99 ms | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    lines.push(
      ...(await latencyRows(
        api.base,
        admin,
        [...BASELINE_CASES, ...cases.map(([n, u]) => [`admin: ${n}`, u] as [string, string])],
        DURATION_S,
      )),
    );
    lines.push(
      ...(await latencyRows(
        api.base,
        agent,
        cases.slice(0, 1).map(([n, u]) => [`agent (own scope): ${n}`, u] as [string, string]),
        DURATION_S,
      )),
    );
  } finally {
    await api.stop();
  }
} finally {
  await database.end().catch(() => undefined);
  await postgres.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
writeReport('commerce-analytics', lines);
