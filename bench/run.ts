/**
 * `npm run bench`: load measurements on this machine, reported as absolute figures and as ratios
 * against the machine's own ceilings measured in the same run (a bare route, a bare SELECT 1).
 * Runs on PGlite, and on PostgreSQL when BENCH_DATABASE_URL is set or 127.0.0.1:5432 answers.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import autocannon from 'autocannon';
import pg from 'pg';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUTES = [
  ['bare route', '/api/v1/bench/bare'],
  ['SELECT 1 through the pool', '/api/v1/bench/select1'],
  ['tenant-scoped query (withTenant)', '/api/v1/bench/tenant'],
] as const;

interface Row {
  driver: string;
  case: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function withServer<T>(env: Record<string, string>, fn: (port: number) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/server.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  try {
    return await fn(port);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function measure(port: number, path: string): Promise<Omit<Row, 'driver' | 'case'>> {
  await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: CONNECTIONS, duration: 1 }); // warm-up
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function runDriver(driver: string, env: Record<string, string>): Promise<Row[]> {
  return withServer(env, async (port) => {
    const rows: Row[] = [];
    for (const [name, path] of ROUTES) {
      process.stderr.write(`… ${driver}: ${name}\n`);
      rows.push({ driver, case: name, ...(await measure(port, path)) });
    }
    return rows;
  });
}

async function postgresUrl(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, drop: async () => {} };
  if (!(await reachable(5432))) return undefined;
  const name = `salesops_bench_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`create database "${name}"`);
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: () => admin(`drop database if exists "${name}" with (force)`),
  };
}

const rows = await runDriver('pglite', {});
const postgres = await postgresUrl();
if (postgres) {
  try {
    rows.push(...(await runDriver('postgres', { BENCH_DATABASE_URL: postgres.url })));
  } finally {
    await postgres.drop();
  }
}

const lines = [
  `Platform benchmark: ${CONNECTIONS} connections, ${DURATION_S} s per case, ${new Date().toISOString()}`,
  '',
  '| driver | case | req/s | p50 ms | p99 ms | vs bare route | vs SELECT 1 | errors |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const row of rows) {
  const bare = rows.find((r) => r.driver === row.driver && r.case === ROUTES[0][0])!;
  const select = rows.find((r) => r.driver === row.driver && r.case === ROUTES[1][0])!;
  lines.push(
    `| ${row.driver} | ${row.case} | ${row.rps} | ${row.p50} | ${row.p99} | ${(row.rps / bare.rps).toFixed(2)} | ${(row.rps / select.rps).toFixed(2)} | ${row.errors} |`,
  );
}
const report = lines.join('\n');
process.stdout.write(`${report}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/platform.md', `${report}\n`);
