/**
 * `npm run bench:leads`: leads and bonuses at scale, on PostgreSQL only. Generates the data with
 * `salesops seed --conversions N` (default 1,000,000 sales from 1,500,000 leads, with their ledger
 * entries), starts `salesops serve` with workers against it, then measures:
 * - the KPI rebuild of the year (`POST /kpi/rebuild`, to the job's end);
 * - a bonus run over every sale of the year (`POST /bonus-runs`, to the run's completion; target
 *   under 30 s at 1,000,000 conversions) with four rules of different types;
 * - `POST /leads/batch` throughput: ten agents each sending batches of 100 new leads back to back;
 * - `GET /analytics/leads/dashboard` for a month and for the year, at 1 and 10 connections;
 * beside the machine's baselines in the same server (bare route, `SELECT 1` through the pool).
 * BENCH_LEADS_SEEDED=1 with BENCH_DATABASE_URL reuses a database that already holds the data;
 * BENCH_CASES=kpi,bonus,batch,dashboard runs only those cases.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresDatabase } from './databases.js';
import {
  BASELINE_CASES,
  benchAgents,
  day,
  latencyRows,
  percentile,
  quietScheduler,
  r1,
  salesopsRun,
  serve,
  type Served,
  writeReport,
} from './serve.js';

const CONVERSIONS = Number(process.env.BENCH_LEADS_CONVERSIONS ?? 1_000_000);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const PORT = 39_000 + (process.pid % 1000);
const AGENTS = 10;
const BATCH = 100;
const CASES = process.env.BENCH_CASES?.split(',');
const wants = (name: string) => !CASES || CASES.includes(name);
const skipped = { seconds: NaN, status: 'skipped', error: null } as const;

/** The calendar day `days` before `day` (YYYY-MM-DD). */
const dayBefore = (day: string, days = 1) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` says so; the seconds from `started`. */
async function until<T>(started: number, read: () => Promise<T>, done: (value: T) => boolean) {
  for (;;) {
    const value = await read();
    if (done(value)) return { value, seconds: (performance.now() - started) / 1000 };
    await sleep(250);
  }
}

/** Rebuilds the year's daily KPIs and waits for the rebuild run to finish. */
async function kpiRebuild({ json }: Served, admin: string, database: pg.Client) {
  const started = performance.now();
  const run = await json<{ id: string }>('POST', '/api/v1/kpi/rebuild', admin, {
    from: day(-366),
    to: day(0),
  });
  const { value, seconds } = await until(
    started,
    () => json<{ status: string; error: string | null }>('GET', `/api/v1/kpi/rebuild/${run.id}`, admin),
    (r) => r.status === 'succeeded' || r.status === 'failed',
  );
  const rows = await database.query<{ agents: number; outlets: number }>(
    `select (select count(*) from kpi_agent_daily)::int as agents, (select count(*) from kpi_outlet_daily)::int as outlets`,
  );
  return { seconds, status: value.status, error: value.error, ...rows.rows[0]! };
}

/**
 * A rule set with one rule of each kind, and a run over a year of sales: the year up to yesterday,
 * or, when active rule sets already cover part of it (the demo data's), the year before the
 * earliest of them (only one active set may cover a day).
 */
async function bonusRun({ json }: Served, admin: string) {
  const { bonus_rule_sets: active } = await json<{ bonus_rule_sets: { valid_from: string | null }[] }>(
    'GET',
    '/api/v1/bonus-rule-sets?active=true&limit=100',
    admin,
  );
  const earliest = active.map((r) => r.valid_from ?? '0000-01-01').sort()[0];
  const periodEnd = earliest && earliest <= day(-1) ? dayBefore(earliest) : day(-1);
  const periodStart = dayBefore(periodEnd, 364);
  const set = await json<{ id: string }>('POST', '/api/v1/bonus-rule-sets', admin, {
    name: `Bench ${randomUUID().slice(0, 8)}`,
    valid_from: periodStart,
    valid_to: periodEnd,
    active: true,
  });
  const rules = [
    {
      code: 'R1',
      name: 'Big sales',
      type: 'per_conversion',
      priority: 1,
      amount_type: 'percent',
      amount: '5',
      conditions: [{ field: 'sale_amount', op: 'gte', value: '1000000' }],
      cap_per_item: '50000',
    },
    {
      code: 'R2',
      name: 'Every sale',
      type: 'per_conversion',
      priority: 2,
      amount_type: 'fixed',
      amount: '2000',
      cap_per_agent: '5000000',
    },
    {
      code: 'R3',
      name: 'Revenue target',
      type: 'per_target',
      priority: 3,
      basis: 'revenue',
      target: '100000000',
      amount_type: 'fixed',
      amount: '250000',
    },
    {
      code: 'R4',
      name: 'Volume tiers',
      type: 'tier',
      priority: 4,
      basis: 'count',
      tiers: [
        { threshold: '100', rate: '0.5' },
        { threshold: '400', rate: '1' },
      ],
    },
  ];
  for (const rule of rules) await json('POST', `/api/v1/bonus-rule-sets/${set.id}/rules`, admin, rule);
  const started = performance.now();
  const run = await json<{ id: string }>('POST', '/api/v1/bonus-runs', admin, {
    rule_set_id: set.id,
    period_start: periodStart,
    period_end: periodEnd,
  });
  const { value, seconds } = await until(
    started,
    () =>
      json<{
        status: string;
        item_count: number;
        agent_count: number;
        total_amount: string;
        error: string | null;
      }>('GET', `/api/v1/bonus-runs/${run.id}`, admin),
    (r) => r.status === 'completed' || r.status === 'failed',
  );
  return { seconds, periodStart, periodEnd, ...value };
}

/** Ten agents each sending batches of new leads back to back: leads/s and per-batch latency. */
async function batchThroughput({ json }: Served, tokens: string[]) {
  const latencies: number[] = [];
  let leads = 0;
  let failed = 0;
  const agent = async (token: string, until: number, record: boolean) => {
    while (Date.now() < until) {
      const body = {
        leads: Array.from({ length: BATCH }, (_, i) => ({
          client_uuid: randomUUID(),
          customer_name: `Bench customer ${i}`,
          phone: `+9989${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
        })),
      };
      const started = performance.now();
      const result = await json<{ created: number; failed: number }>(
        'POST',
        '/api/v1/leads/batch',
        token,
        body,
      );
      if (!record) continue;
      latencies.push(performance.now() - started);
      leads += result.created;
      failed += result.failed;
    }
  };
  const run = (seconds: number, record: boolean) =>
    Promise.all(tokens.map((token) => agent(token, Date.now() + seconds * 1000, record)));
  await run(1, false);
  await run(DURATION_S, true);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    perSecond: r1(leads / DURATION_S),
    failed,
    p50: r1(percentile(sorted, 0.5)),
    p99: r1(percentile(sorted, 0.99)),
  };
}

const postgres = await postgresDatabase('leads');
if (!postgres) {
  process.stderr.write('bench:leads needs PostgreSQL (BENCH_DATABASE_URL or 127.0.0.1:5432); skipped.\n');
  process.exit(0);
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-leads-'));
const env = { DATABASE_URL: postgres.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' };
const lines: string[] = [];
const database = new pg.Client({ connectionString: postgres.url });
try {
  const seedStarted = performance.now();
  if (process.env.BENCH_LEADS_SEEDED !== '1') {
    process.stderr.write(`… seeding ${CONVERSIONS} conversions\n`);
    await salesopsRun(['seed', '--conversions', String(CONVERSIONS)], env);
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  await database.connect();
  // Production runs autovacuum (this server has it off): the visibility map and statistics it keeps.
  await database.query('vacuum analyze');
  const api = await serve({ ...env, WORKERS: 'true' }, PORT);
  try {
    const admin = await api.login('admin@demo.salesops.local');
    const restoreScheduler = await quietScheduler(api, ['leads.', 'notify.alert-checks']);
    process.stderr.write('… KPI rebuild of the year\n');
    const kpi = wants('kpi') ? await kpiRebuild(api, admin, database) : { ...skipped, agents: 0, outlets: 0 };
    process.stderr.write('… bonus run over the year\n');
    const bonus = wants('bonus')
      ? await bonusRun(api, admin)
      : { ...skipped, periodStart: '', periodEnd: '', item_count: 0, agent_count: 0, total_amount: '' };
    process.stderr.write(`… POST /leads/batch, ${AGENTS} agents\n`);
    const batch = wants('batch')
      ? await batchThroughput(api, await benchAgents(api, admin, AGENTS))
      : { perSecond: NaN, p50: NaN, p99: NaN, failed: 0 };
    const counts = await database.query<{ leads: number; conversions: number }>(
      'select (select count(*) from leads)::int as leads, (select count(*) from conversions)::int as conversions',
    );
    lines.push(
      `Leads benchmark, ${new Date().toISOString()}: PostgreSQL, ${counts.rows[0]!.conversions} conversions and ` +
        `${counts.rows[0]!.leads} leads (${CONVERSIONS} conversions generated in ${seedSeconds.toFixed(0)} s); ` +
        `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
      '',
      '| case | figure |',
      '| --- | --- |',
      `| KPI rebuild, one year | ${kpi.seconds.toFixed(1)} s, ${kpi.status}${kpi.error ? ` (${kpi.error})` : ''}: ` +
        `${kpi.agents} agent-days, ${kpi.outlets} outlet-days |`,
      `| bonus run ${bonus.periodStart} – ${bonus.periodEnd} (4 rules) | ${bonus.seconds.toFixed(1)} s, ${bonus.status}: ${bonus.item_count} items, ` +
        `${bonus.agent_count} agents, total ${bonus.total_amount}${bonus.error ? ` (${bonus.error})` : ''} |`,
      `| POST /leads/batch, ${AGENTS} agents × ${BATCH} leads | ${batch.perSecond} leads/s; per batch p50 ` +
        `${batch.p50} ms, p99 ${batch.p99} ms; ${batch.failed} failed items |`,
      '',
      '| case | connections | req/s | p50 ms | p95 ms | p99 ms | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    const cases: [string, string][] = [
      [
        'GET /analytics/leads/dashboard, a month',
        `/api/v1/analytics/leads/dashboard?from=${day(-30)}&to=${day(0)}`,
      ],
      [
        'GET /analytics/leads/dashboard, a year',
        `/api/v1/analytics/leads/dashboard?from=${day(-365)}&to=${day(0)}`,
      ],
    ];
    const measured = wants('dashboard') ? [...BASELINE_CASES, ...cases] : BASELINE_CASES;
    lines.push(...(await latencyRows(api.base, admin, measured, DURATION_S)));
    await restoreScheduler();
  } finally {
    await api.stop();
  }
} finally {
  await database.end().catch(() => undefined);
  await postgres.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
writeReport('leads', lines);
