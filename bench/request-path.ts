/**
 * `npm run bench:request-path`: the authenticated, tenant-scoped read against the machine's own
 * ceilings, on the production app (bench/production-server.ts). Each case reports req/s, p50/p99
 * and its share of `SELECT 1` through the same pool in the same process and run, with the server's and
 * PostgreSQL's CPU per request (`cpu-usage.ts`), which drift far less than throughput on a shared machine.
 * BENCH_DRIVERS=postgres,pglite (default postgres when reachable), BENCH_CONNECTIONS (default 50),
 * BENCH_DURATION seconds per case and round (default 5), BENCH_ROUNDS (default 3), BENCH_OUT the
 * report file. The cases run in rounds, one after another within each round, and each figure is the
 * median over the rounds: on a shared machine the throughput drifts within a minute, and a share of
 * `SELECT 1` only means something when both were measured close together.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { cpuUsageOf } from './cpu-usage.js';
import { postgresDatabase } from './databases.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const OUT = process.env.BENCH_OUT ?? 'bench/results/request-path.md';

interface Started {
  pid: number | undefined;
  port: number;
  token: string;
  userId: string;
  customerId: string;
}
const CASES = [
  { name: 'bare route', path: '/api/v1/bench/bare' },
  { name: 'SELECT 1 through the pool', path: '/api/v1/bench/select1' },
  { name: 'GET /auth/me', path: '/api/v1/auth/me', auth: true },
  { name: 'GET /customers/{id}', path: '/api/v1/customers/:customer', auth: true },
  { name: 'GET /users/{id}', path: '/api/v1/users/:user', auth: true },
];

async function withServer<T>(env: Record<string, string>, fn: (s: Started) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/production-server.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const started = await new Promise<Started>((resolve, reject) => {
    child.once('message', (message) => resolve({ ...(message as Started), pid: child.pid }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  try {
    return await fn(started);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

type Measured = Awaited<ReturnType<typeof measure>>;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function measure(s: Started, path: string, auth: boolean | undefined) {
  const options = {
    url: `http://127.0.0.1:${s.port}${path.replace(':customer', s.customerId).replace(':user', s.userId)}`,
    connections: CONNECTIONS,
    headers: auth ? { authorization: `Bearer ${s.token}` } : {},
  };
  await autocannon({ ...options, duration: 2 }); // warm-up
  const usage = cpuUsageOf(s.pid);
  const r = await autocannon({ ...options, duration: DURATION_S });
  const cpu = usage.stop(r.requests.total);
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    serverUs: cpu ? Math.round(cpu.perRequest.server * 1000) : NaN,
    postgresUs: cpu ? Math.round(cpu.perRequest.postgres * 1000) : NaN,
    steal: cpu?.steal ?? 0,
  };
}

const drivers = (process.env.BENCH_DRIVERS ?? 'postgres').split(',');
const lines = [
  `Request path on the production app: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per case ` +
    `(medians; the share's range over the rounds in brackets), ${new Date().toISOString()}`,
  '',
  '| driver | case | req/s | p50 ms | p99 ms | share of SELECT 1 | server CPU µs/req | PostgreSQL CPU µs/req | errors |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
let stolen = 0;
for (const driver of drivers) {
  const postgres = driver === 'postgres' ? await postgresDatabase('request_path') : undefined;
  if (driver === 'postgres' && !postgres) continue;
  try {
    await withServer(postgres ? { BENCH_DATABASE_URL: postgres.url } : {}, async (s) => {
      const rounds: Measured[][] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const measured: Measured[] = [];
        for (const item of CASES) {
          process.stderr.write(`… ${driver}, round ${round}: ${item.name}\n`);
          measured.push(await measure(s, item.path, item.auth));
        }
        rounds.push(measured);
      }
      const select1 = CASES.findIndex((item) => item.name.startsWith('SELECT 1'));
      CASES.forEach((item, i) => {
        const of = (pick: (m: Measured) => number) => median(rounds.map((r) => pick(r[i]!)));
        const shares = rounds.map((r) => (100 * r[i]!.rps) / r[select1]!.rps);
        const share =
          i < select1
            ? '—'
            : `${Math.round(median(shares))}% (${Math.round(Math.min(...shares))}–${Math.round(Math.max(...shares))})`;
        const errors = rounds.reduce((sum, r) => sum + r[i]!.errors, 0);
        stolen += rounds.reduce((sum, r) => sum + r[i]!.steal, 0);
        lines.push(
          `| ${driver} | ${item.name} | ${of((m) => m.rps)} | ${of((m) => m.p50)} | ${of((m) => m.p99)} | ${share} | ` +
            `${of((m) => m.serverUs)} | ${of((m) => m.postgresUs)} | ${errors} |`,
        );
      });
    });
  } finally {
    await postgres?.drop();
  }
}
lines.push(
  '',
  `CPU per request is read from /proc over each measured run (PostgreSQL: every local server process); ` +
    `the machine lost ${Math.round(stolen * 10) / 10} CPU-s to steal during the measured runs.`,
);
const report = lines.join('\n');
process.stdout.write(`${report}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(OUT, `${report}\n`);
