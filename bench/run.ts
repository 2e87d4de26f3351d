/**
 * `npm run bench`: load measurements on this machine, reported as absolute figures and as ratios
 * against the machine's own ceilings measured in the same run (a bare route, a bare SELECT 1).
 * Runs on PGlite, and on PostgreSQL when BENCH_DATABASE_URL is set or 127.0.0.1:5432 answers.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { postgresDatabase } from './databases.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
interface Case {
  name: string;
  path: string;
  authenticated?: boolean;
  connections?: number;
}

/** The first two cases are the ceilings every other case is compared with. */
const CASES: Case[] = [
  { name: 'bare route', path: '/api/v1/bench/bare' },
  { name: 'SELECT 1 through the pool', path: '/api/v1/bench/select1' },
  { name: 'tenant-scoped query (withTenant)', path: '/api/v1/bench/tenant' },
  { name: 'GET /auth/me (token)', path: '/api/v1/auth/me', authenticated: true },
  { name: 'GET /users/{id} (token)', path: '/api/v1/users/:me', authenticated: true },
  {
    name: 'GET /users/{id} (token, 50 conn)',
    path: '/api/v1/users/:me',
    authenticated: true,
    connections: 50,
  },
  { name: 'SELECT 1 through the pool (50 conn)', path: '/api/v1/bench/select1', connections: 50 },
];

interface Row {
  driver: string;
  case: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Server {
  port: number;
  userId: string;
  token: string;
}

async function withServer<T>(env: Record<string, string>, fn: (server: Server) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const server = await new Promise<Server>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\d+) (\S+) (\S+)/.exec(chunk.toString());
      if (match) resolve({ port: Number(match[1]), userId: match[2]!, token: match[3]! });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  try {
    return await fn(server);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function measure(server: Server, item: Case): Promise<Omit<Row, 'driver' | 'case'>> {
  const options = {
    url: `http://127.0.0.1:${server.port}${item.path.replace(':me', server.userId)}`,
    connections: item.connections ?? CONNECTIONS,
    headers: item.authenticated ? { authorization: `Bearer ${server.token}` } : {},
  };
  await autocannon({ ...options, duration: 1 }); // warm-up
  const result = await autocannon({ ...options, duration: DURATION_S });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function runDriver(driver: string, env: Record<string, string>): Promise<Row[]> {
  return withServer(env, async (server) => {
    const rows: Row[] = [];
    for (const item of CASES) {
      process.stderr.write(`… ${driver}: ${item.name}\n`);
      rows.push({ driver, case: item.name, ...(await measure(server, item)) });
    }
    return rows;
  });
}

// BENCH_DRIVERS=postgres (or pglite) measures one driver only.
const drivers = (process.env.BENCH_DRIVERS ?? 'pglite,postgres').split(',');
const rows = drivers.includes('pglite') ? await runDriver('pglite', {}) : [];
const postgres = drivers.includes('postgres') ? await postgresDatabase('platform') : undefined;
if (postgres) {
  try {
    rows.push(...(await runDriver('postgres', { BENCH_DATABASE_URL: postgres.url })));
  } finally {
    await postgres.drop();
  }
}

const lines = [
  `Benchmark: ${CONNECTIONS} connections unless noted, ${DURATION_S} s per case, ${new Date().toISOString()}`,
  '',
  '| driver | case | req/s | p50 ms | p99 ms | vs bare route | vs SELECT 1 | errors |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const row of rows) {
  const bare = rows.find((r) => r.driver === row.driver && r.case === CASES[0]!.name)!;
  const select = rows.find((r) => r.driver === row.driver && r.case === CASES[1]!.name)!;
  lines.push(
    `| ${row.driver} | ${row.case} | ${row.rps} | ${row.p50} | ${row.p99} | ${(row.rps / bare.rps).toFixed(2)} | ${(row.rps / select.rps).toFixed(2)} | ${row.errors} |`,
  );
}
const report = lines.join('\n');
process.stdout.write(`${report}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/platform.md', `${report}\n`);
