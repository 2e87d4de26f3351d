/**
 * `npm run bench:success`: customer success at scale, on PostgreSQL only. Generates the data with
 * `salesops seed --success-customers N` (default 100,000 customers with 1,000,000 interactions,
 * their deployments and CSAT/NPS responses), starts `salesops serve` with workers against it, then
 * measures:
 * - `POST /health-scores/calculate-all` to the end of its run (target under 60 s);
 * - `GET /dashboard/stats` and `GET /customers?limit=100` (with the latest scores; also sorted by
 *   score) at 1 and 10 connections;
 * - the public survey submit rate: links made beforehand, each answered once, 10 at a time;
 * beside the machine's baselines in the same server (bare route, `SELECT 1` through the pool).
 * BENCH_SUCCESS_SEEDED=1 with BENCH_DATABASE_URL reuses a database that already holds the data;
 * BENCH_SUCCESS_SCORED=1 also skips calculate-all (the database holds scores already).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresDatabase } from './databases.js';
import {
  BASELINE_CASES,
  latencyRows,
  percentile,
  quietScheduler,
  r1,
  salesopsRun,
  serve,
  type Served,
  writeReport,
} from './serve.js';

const CUSTOMERS = Number(process.env.BENCH_SUCCESS_CUSTOMERS ?? 100_000);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const PORT = 39_500 + (process.pid % 400);
const LINKS = Number(process.env.BENCH_SURVEY_LINKS ?? 2_000);
const SUBMITTERS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scores every customer through the job and waits for its recorded run to end. */
async function calculateAll({ json }: Served, admin: string, database: pg.Client) {
  const started = performance.now();
  const run = await json<{ id: string }>('POST', '/api/v1/health-scores/calculate-all', admin, {});
  for (;;) {
    const { rows } = await database.query<{ status: string; error: string | null }>(
      'select status, error from job_runs where id = $1',
      [run.id],
    );
    const status = rows[0]?.status;
    if (status === 'succeeded' || status === 'failed') {
      const seconds = (performance.now() - started) / 1000;
      // Scores first, then their health-drop alerts: the run's clock stamps every score, and the
      // alerts' own timestamps say when delivery ended.
      const counts = await database.query<{
        scores: number;
        scored: number;
        alerts: number;
        notifications: number;
        alert_seconds: number | null;
      }>(
        `with run as (select started_at from job_runs where id = $1),
           drops as (select created_at from alerts where type = 'health_drop' and created_at >= (select started_at from run))
         select (select count(*) from health_scores)::int as scores,
           (select count(*) from customers where health_scored_at is not null)::int as scored,
           (select count(*) from drops)::int as alerts,
           (select count(*) from notifications where created_at >= (select started_at from run))::int as notifications,
           extract(epoch from (select max(created_at) - min(created_at) from drops))::float8 as alert_seconds`,
        [run.id],
      );
      return { seconds, status, error: rows[0]!.error, ...counts.rows[0]! };
    }
    await sleep(250);
  }
}

/** Makes `LINKS` survey links, then answers each once from `SUBMITTERS` clients at a time. */
async function surveySubmits({ base, json }: Served, admin: string) {
  const customers = await json<{ customers: { id: string }[] }>('GET', '/api/v1/customers?limit=100', admin);
  const tokens: string[] = [];
  for (let i = 0; i < LINKS; i++) {
    const customer = customers.customers[i % customers.customers.length]!;
    const link = await json<{ token: string }>('POST', '/api/v1/csat/survey-link', admin, {
      customer_id: customer.id,
      survey_type: i % 2 ? 'nps' : 'quarterly',
    });
    tokens.push(link.token);
  }
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      while (next < tokens.length) {
        const i = next++;
        const t0 = performance.now();
        const res = await fetch(`${base}/api/v1/csat/public/submit/${tokens[i]}`, {
          method: 'POST',
          // Each answer from its own customer's address: the per-address limit is not what is measured.
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
          },
          body: JSON.stringify({ score: i % 2 ? 9 : 4, feedback_text: 'Bench answer' }),
        });
        await res.arrayBuffer();
        if (!res.ok) failed++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(tokens.length / seconds),
    p50: r1(percentile(latencies, 0.5)),
    p99: r1(percentile(latencies, 0.99)),
    failed,
  };
}

const postgres = await postgresDatabase('success');
if (!postgres) {
  process.stderr.write('bench:success needs PostgreSQL (BENCH_DATABASE_URL or 127.0.0.1:5432); skipped.\n');
  process.exit(0);
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-success-'));
const env = {
  DATABASE_URL: postgres.url,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  RATE_LIMIT_MAX: '1000000',
  TRUST_PROXY: 'true',
};
const lines: string[] = [];
const database = new pg.Client({ connectionString: postgres.url });
try {
  const seedStarted = performance.now();
  if (process.env.BENCH_SUCCESS_SEEDED !== '1') {
    process.stderr.write(`… seeding ${CUSTOMERS} customers\n`);
    await salesopsRun(['seed', '--success-customers', String(CUSTOMERS)], env);
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  await database.connect();
  // Production runs autovacuum (this server has it off): the visibility map and statistics it keeps.
  await database.query('vacuum analyze');
  const api = await serve({ ...env, WORKERS: 'true' }, PORT);
  try {
    const admin = await api.login('admin@demo.salesops.local');
    const restoreScheduler = await quietScheduler(api, ['success.', 'notify.alert-checks']);
    process.stderr.write('… calculate-all\n');
    const scores =
      process.env.BENCH_SUCCESS_SCORED === '1'
        ? {
            seconds: NaN,
            status: 'skipped',
            error: null,
            scores: 0,
            scored: 0,
            alerts: 0,
            notifications: 0,
            alert_seconds: null,
          }
        : await calculateAll(api, admin, database);
    await database.query('vacuum analyze customers, health_scores, alerts, notifications');
    process.stderr.write('… survey submits\n');
    const submits = await surveySubmits(api, admin);
    const counts = await database.query<{ customers: number; interactions: number }>(
      `select (select count(*) from customers)::int as customers,
         (select count(*) from customer_interactions)::int as interactions`,
    );
    lines.push(
      `Success benchmark, ${new Date().toISOString()}: PostgreSQL, ${counts.rows[0]!.customers} customers and ` +
        `${counts.rows[0]!.interactions} interactions (${CUSTOMERS} customers generated in ${seedSeconds.toFixed(0)} s); ` +
        `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
      '',
      '| case | figure |',
      '| --- | --- |',
      `| POST /health-scores/calculate-all | ${scores.seconds.toFixed(1)} s, ${scores.status}` +
        `${scores.error ? ` (${scores.error})` : ''}: ${scores.scored} customers scored, ${scores.scores} scores stored; ` +
        `${scores.alerts} health-drop alerts with ${scores.notifications} notifications delivered in the last ` +
        `${scores.alert_seconds === null ? '–' : scores.alert_seconds.toFixed(1)} s |`,
      `| public survey submit, ${SUBMITTERS} at a time, ${LINKS} links | ${submits.perSecond} submits/s; ` +
        `p50 ${submits.p50} ms, p99 ${submits.p99} ms; ${submits.failed} failed |`,
      '',
      '| case | connections | req/s | p50 ms | p95 ms | p99 ms | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    const cases: [string, string][] = [
      ['GET /dashboard/stats', '/api/v1/dashboard/stats'],
      ['GET /customers?limit=100', '/api/v1/customers?limit=100'],
      ['GET /customers?limit=100 by health score', '/api/v1/customers?limit=100&sort=health_score'],
      ['GET /dashboard/health-trends (12 months)', '/api/v1/dashboard/health-trends'],
      ['GET /health-scores/at-risk', '/api/v1/health-scores/at-risk'],
    ];
    lines.push(...(await latencyRows(api.base, admin, [...BASELINE_CASES, ...cases], DURATION_S)));
    await restoreScheduler();
  } finally {
    await api.stop();
  }
} finally {
  await database.end().catch(() => undefined);
  await postgres.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
writeReport('success', lines);
