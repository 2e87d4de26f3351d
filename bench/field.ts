/**
 * `npm run bench:field`: field execution at scale, on PostgreSQL only (PGlite is one connection in
 * one process; it is not where a million visits live). Generates the data with
 * `salesops seed --scale N` (default 1,000,000 visits, about 200,000 photos), starts `salesops serve`
 * against it, then measures visit lists with filters, the analytics for a quarter and a month, and
 * the throughput of an agent's POST /visits + PUT /visits/{id}/complete. Machine baselines run in the
 * same server: a bare route (`/health/live`) and `SELECT 1` through the same pool (`/health/ready`).
 * BENCH_CASES=word,word keeps only the cases whose name contains one of the words.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresDatabase } from './databases.js';
import { measure } from './load.js';

const VISITS = Number(process.env.BENCH_FIELD_VISITS ?? 1_000_000);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const PORT = 38_000 + (process.pid % 1000);
const base = `http://127.0.0.1:${PORT}`;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function run(args: string[], env: Record<string, string>) {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function json<T>(method: string, url: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const login = async (email: string) =>
  (
    await json<{ access_token: string }>('POST', '/api/v1/auth/login', undefined, {
      email,
      password: 'Demo1234!',
    })
  ).access_token;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** An agent's visit cycle, back to back on `concurrency` connections: create, then complete. */
async function visitThroughput(token: string, outletId: string, concurrency: number) {
  const latencies: number[] = [];
  const until = Date.now() + DURATION_S * 1000;
  const worker = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      const visit = await json<{ id: string }>('POST', '/api/v1/visits', token, {
        outlet_id: outletId,
        client_uuid: randomUUID(),
      });
      await json('PUT', `/api/v1/visits/${visit.id}/complete`, token, {
        latitude: 41.3111,
        longitude: 69.2797,
        accuracy_m: 8,
      });
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / DURATION_S,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
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
  if (process.env.BENCH_FIELD_SEEDED !== '1') {
    process.stderr.write(`… seeding ${VISITS} visits\n`);
    const seed = run(['seed', '--scale', String(VISITS)], env);
    const [code] = (await once(seed, 'exit')) as [number];
    if (code !== 0) throw new Error(`seed exited ${code}`);
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const server = run(['serve'], {
    ...env,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    DEMO_DATA: 'false',
    WORKERS: 'false',
  });
  try {
    for (let i = 0; ; i++) {
      const ready = await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (i > 1500) throw new Error('server did not start');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const admin = await login('admin@demo.salesops.local');
    const agentToken = await login('agent@demo.salesops.local');
    const { visits } = await json<{ visits: { agent_id: string }[] }>('GET', '/api/v1/visits?limit=1', admin);
    const someAgent = visits[0]!.agent_id;
    const { outlets } = await json<{ outlets: { id: string }[] }>(
      'GET',
      '/api/v1/outlets?limit=1',
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
    process.stderr.write('… POST /visits + PUT complete\n');
    const cycle = await visitThroughput(agentToken, outlets[0]!.id, 10);
    lines.push(
      '',
      `POST /visits + PUT /visits/{id}/complete, one agent on 10 connections: ${cycle.perSecond.toFixed(0)} visits/s (p50 ${cycle.p50.toFixed(0)} ms, p99 ${cycle.p99.toFixed(0)} ms per pair)`,
    );
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
} finally {
  await postgres.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
const report = lines.join('\n');
process.stdout.write(`${report}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(process.env.BENCH_OUT ?? 'bench/results/field.md', `${report}\n`);
