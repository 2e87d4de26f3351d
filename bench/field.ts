/**
 * `npm run bench:field`: field execution at scale, on PostgreSQL only (PGlite is one connection in
 * one process; it is not where a million visits live). Generates the data with
 * `salesops seed --scale N` (default 1,000,000 visits, about 200,000 photos), starts `salesops serve`
 * against it, then measures visit lists with filters, the analytics for a quarter and a month, and
 * the visit write path: ten agents each creating, checking in and completing visits back to back
 * (completed visits/s, p50/p99 per step). Machine baselines run in the same server: a bare route
 * (`/health/live`) and `SELECT 1` through the same pool (`/health/ready`). After a bulk load the
 * database is analysed (ANALYZE), as an operator would, so plans see the data's real shape.
 * BENCH_CASES=word,word keeps only the cases whose name contains one of the words.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cpuUsageLine, cpuUsageOf } from './cpu-usage.js';
import { postgresDatabase } from './databases.js';
import { measure } from './load.js';
import { benchAgents, day, percentile, r1, salesopsRun, serve, type Served } from './serve.js';

const VISITS = Number(process.env.BENCH_FIELD_VISITS ?? 1_000_000);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const PORT = 38_000 + (process.pid % 1000);

const AGENTS = 10;

/**
 * The visit write path: each agent, on its own connection, runs visits back to back — create,
 * check in, complete — for DURATION_S seconds after a second of warm-up. Completed visits per
 * second, and each step's latency percentiles.
 */
async function visitWritePath({ json, pid }: Served, tokens: string[], outletIds: string[]) {
  const steps = { create: [] as number[], checkIn: [] as number[], complete: [] as number[] };
  let completed = 0;
  let errors = 0;
  const timed = async <T>(into: number[] | undefined, call: () => Promise<T>) => {
    const started = performance.now();
    const result = await call();
    into?.push(performance.now() - started);
    return result;
  };
  const agent = async (token: string, i: number, until: number, record: boolean) => {
    const outletId = outletIds[i % outletIds.length]!;
    const gps = { latitude: 41.3111, longitude: 69.2797, accuracy_m: 8 };
    while (Date.now() < until) {
      try {
        const visit = await timed(record ? steps.create : undefined, () =>
          json<{ id: string }>('POST', '/api/v1/visits', token, {
            outlet_id: outletId,
            client_uuid: randomUUID(),
          }),
        );
        await timed(record ? steps.checkIn : undefined, () =>
          json('PUT', `/api/v1/visits/${visit.id}/check-in`, token, gps),
        );
        await timed(record ? steps.complete : undefined, () =>
          json('PUT', `/api/v1/visits/${visit.id}/complete`, token, gps),
        );
        if (record) completed++;
      } catch (error) {
        if (record) errors++;
        if (errors === 1) process.stderr.write(`${String(error)}\n`);
      }
    }
  };
  const run = (seconds: number, record: boolean) => {
    const until = Date.now() + seconds * 1000;
    return Promise.all(tokens.map((token, i) => agent(token, i, until, record)));
  };
  await run(1, false);
  const usage = cpuUsageOf(pid);
  await run(DURATION_S, true);
  const requests = steps.create.length + steps.checkIn.length + steps.complete.length;
  const cpu = usage.stop(requests);
  const figures = (latencies: number[]) => {
    const sorted = latencies.sort((a, b) => a - b);
    return { p50: r1(percentile(sorted, 0.5)), p99: r1(percentile(sorted, 0.99)) };
  };
  return {
    perSecond: r1(completed / DURATION_S),
    errors,
    create: figures(steps.create),
    checkIn: figures(steps.checkIn),
    complete: figures(steps.complete),
    cpu,
  };
}

const postgres = await postgresDatabase('field');
if (!postgres) {
  process.stderr.write('bench:field needs PostgreSQL (BENCH_DATABASE_URL or 127.0.0.1:5432); skipped.\n');
  process.exit(0);
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-field-'));
const env = {
  DATABASE_URL: postgres.url,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  RATE_LIMIT_MAX: '1000000',
};
const lines: string[] = [];
try {
  const seedStarted = performance.now();
  // BENCH_FIELD_SEEDED=1: BENCH_DATABASE_URL already holds the scale data (compare code versions on it).
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  if (process.env.BENCH_FIELD_SEEDED !== '1') {
    process.stderr.write(`… seeding ${VISITS} visits\n`);
    await salesopsRun(['seed', '--scale', String(VISITS)], env);
    await client.query('analyze');
  } else {
    // A database written by earlier runs holds their dead rows; with autovacuum off (as on this
    // machine's server) they would slow each run more than the last. Every run starts vacuumed.
    await client.query(
      'vacuum analyze visits, visit_answers, audit_log, field_daily_totals, field_daily_tenant_totals, call_cycle_slots',
    );
  }
  await client.end();
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const api = await serve({ ...env, WORKERS: 'false' }, PORT);
  const { base, json, login } = api;
  try {
    const admin = await login('admin@demo.salesops.local');
    const agentToken = await login('agent@demo.salesops.local');
    const { visits } = await json<{ visits: { agent_id: string }[] }>('GET', '/api/v1/visits?limit=1', admin);
    const someAgent = visits[0]!.agent_id;
    const { outlets } = await json<{ outlets: { id: string }[] }>(
      'GET',
      `/api/v1/outlets?limit=${AGENTS}`,
      agentToken,
    );
    const allCases: [string, string, string][] = [
      ['baseline: GET /health/live (bare route)', '/health/live', admin],
      ['baseline: GET /health/ready (SELECT 1 through the pool)', '/health/ready', admin],
      [
        'GET /visits?status=completed, last 90 days (admin, tenant scope)',
        `/api/v1/visits?status=completed&date_from=${day(-90)}&date_to=${day(0)}`,
        admin,
      ],
      [
        'GET /visits?agent=…, last 90 days',
        `/api/v1/visits?agent=${someAgent}&date_from=${day(-90)}&date_to=${day(0)}`,
        admin,
      ],
      ['GET /visits (agent, own scope)', '/api/v1/visits', agentToken],
      [
        'GET /analytics/visits, a quarter by week',
        `/api/v1/analytics/visits?from=${day(-91)}&to=${day(0)}&interval=week`,
        admin,
      ],
      [
        'GET /analytics/shelf-share, a month',
        `/api/v1/analytics/shelf-share?from=${day(-30)}&to=${day(0)}`,
        admin,
      ],
      [
        'GET /analytics/overview, a month vs the one before',
        `/api/v1/analytics/overview?from=${day(-30)}&to=${day(0)}`,
        admin,
      ],
    ];
    const only = process.env.BENCH_CASES?.split(',');
    const cases = allCases.filter(
      ([name]) => !only || name.startsWith('baseline') || only.some((word) => name.includes(word)),
    );
    lines.push(
      `Field benchmark, ${new Date().toISOString()}: PostgreSQL, ${VISITS} visits generated in ${seedSeconds.toFixed(0)} s; ${DURATION_S} s per case`,
      '',
      '| case | connections | req/s | p50 ms | p95 ms | p99 ms | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    // Each case as one lone request stream (what a person waiting for a report sees) and under 10
    // concurrent connections (throughput on this 2-core machine).
    for (const [name, url, token] of cases) {
      for (const connections of [1, 10]) {
        process.stderr.write(`… ${name}, ${connections} connection(s)\n`);
        const r = await measure(`${base}${url}`, {
          connections,
          durationS: DURATION_S,
          headers: { authorization: `Bearer ${token}` },
        });
        lines.push(`| ${name} | ${connections} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} |`);
      }
    }
    if (!only || only.some((word) => 'visit write path'.includes(word))) {
      process.stderr.write(`… visit write path, ${AGENTS} agents\n`);
      const path = await visitWritePath(
        api,
        await benchAgents(api, admin, AGENTS),
        outlets.map((o) => o.id),
      );
      lines.push(
        '',
        `Visit write path, ${AGENTS} agents (own scope, one connection each; create → check-in → complete): ` +
          `${path.perSecond} completed visits/s, ${path.errors} errors`,
        '',
        '| step | p50 ms | p99 ms |',
        '| --- | ---: | ---: |',
        `| POST /visits | ${path.create.p50} | ${path.create.p99} |`,
        `| PUT /visits/{id}/check-in | ${path.checkIn.p50} | ${path.checkIn.p99} |`,
        `| PUT /visits/{id}/complete | ${path.complete.p50} | ${path.complete.p99} |`,
        '',
        cpuUsageLine(path.cpu),
      );
    }
  } finally {
    await api.stop();
  }
} finally {
  await postgres.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
const report = lines.join('\n');
process.stdout.write(`${report}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(process.env.BENCH_OUT ?? 'bench/results/field.md', `${report}\n`);
