/**
 * `npm run bench:imports`: does the API keep answering while a large import writes? Imports
 * 100,000 products (BENCH_ROWS) on PGlite (and PostgreSQL with BENCH_DRIVERS=pglite,postgres) in
 * each mode, while autocannon measures `GET /auth/me` (10 connections) and a bare route (1
 * connection) together for the whole import; the same routes measured idle (one after the other)
 * before the import are the baseline.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { postgresDatabase } from './databases.js';
import { writeCsv } from './product-file.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const IDLE_S = Number(process.env.BENCH_DURATION ?? 5);
const MODES = (process.env.BENCH_IMPORT_MODES ?? 'default,all-or-nothing').split(',');

interface Figure {
  driver: string;
  mode: string;
  phase: 'idle' | 'during import';
  case: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

function server(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/imports-child.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<{ port: string; token: string }>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+) (\S+)/.exec(out);
      if (match) resolve({ port: match[1]!, token: match[2]! });
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { proc, ready };
}

/** Load until `until` resolves (or for `seconds`), then the latency figures. */
function load(options: autocannon.Options, until: Promise<unknown>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, duration: 3600 }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    void until.then(() => instance.stop());
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runMode(driver: string, mode: string, env: Record<string, string>) {
  const { proc, ready } = server(env);
  const { port, token } = await ready;
  const base = `http://127.0.0.1:${port}/api/v1`;
  // A request stalled behind a long transaction is measured, not dropped.
  const me = {
    url: `${base}/auth/me`,
    connections: 10,
    timeout: 600,
    headers: { authorization: `Bearer ${token}` },
  };
  const bare = { url: `${base}/bench/bare`, connections: 1, timeout: 600 };
  const figures: Figure[] = [];
  const add = (phase: Figure['phase'], name: string, r: autocannon.Result) =>
    figures.push({
      driver,
      mode,
      phase,
      case: name,
      requests: r.requests.total,
      rps: Math.round(r.requests.average),
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      errors: r.errors + r.non2xx,
    });
  let seconds = 0;
  let status = '';
  try {
    await autocannon({ ...me, duration: 1 });
    // Idle, one after the other: the bare route is the HTTP ceiling, /auth/me the unloaded figure.
    add('idle', 'bare route (1 conn)', await load(bare, sleep(IDLE_S * 1000)));
    add('idle', 'GET /auth/me (10 conn)', await load(me, sleep(IDLE_S * 1000)));

    process.stderr.write(`… ${driver} ${mode}: importing ${ROWS} products under load\n`);
    const started = await fetch(`${base}/bench/import?mode=${mode}`, { method: 'POST' });
    const { id } = (await started.json()) as { id: string };
    const finished = (async () => {
      for (;;) {
        await sleep(250);
        const state = (await (await fetch(`${base}/bench/import/${id}`)).json()) as {
          status: string;
          seconds?: number;
        };
        if (state.seconds !== undefined || state.status.startsWith('error')) {
          seconds = state.seconds ?? 0;
          status = state.status;
          return;
        }
      }
    })();
    const [busyMe, busyBare] = await Promise.all([load(me, finished), load(bare, finished)]);
    add('during import', 'GET /auth/me (10 conn)', busyMe);
    add('during import', 'bare route (1 conn)', busyBare);
  } finally {
    proc.kill('SIGTERM');
    await once(proc, 'exit');
  }
  return { driver, mode, seconds, status, figures };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-imports-'));
const file = path.join(dir, 'products.csv');
process.stderr.write(`… writing ${ROWS} products as CSV\n`);
await writeCsv(file, ROWS);
const results: Awaited<ReturnType<typeof runMode>>[] = [];
const drivers = (process.env.BENCH_DRIVERS ?? 'pglite').split(',');
try {
  for (const mode of MODES) {
    if (drivers.includes('pglite'))
      results.push(
        await runMode('pglite', mode, {
          BENCH_FILE: file,
          BENCH_PGLITE_DIR: path.join(dir, `pglite-${mode}`),
        }),
      );
    const postgres = drivers.includes('postgres')
      ? await postgresDatabase(`imports_${process.pid}`)
      : undefined;
    if (postgres) {
      try {
        results.push(await runMode('postgres', mode, { BENCH_FILE: file, BENCH_DATABASE_URL: postgres.url }));
      } finally {
        await postgres.drop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  const lines = [
    `Import benchmark, ${new Date().toISOString()}: ${ROWS} products (insert) per run; GET /auth/me with 10 connections and a bare route with 1, idle for ${IDLE_S} s each, then together for the whole import`,
    '',
    '| driver | import mode | import s | status |',
    '| --- | --- | ---: | --- |',
    ...results.map((r) => `| ${r.driver} | ${r.mode} | ${r.seconds.toFixed(1)} | ${r.status} |`),
    '',
    '| driver | import mode | phase | case | requests | req/s | p50 ms | p99 ms | max ms | errors |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.flatMap((r) =>
      r.figures.map(
        (f) =>
          `| ${f.driver} | ${f.mode} | ${f.phase} | ${f.case} | ${f.requests} | ${f.rps} | ${f.p50} | ${f.p99} | ${f.max} | ${f.errors} |`,
      ),
    ),
  ];
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(process.env.BENCH_REPORT ?? 'bench/results/imports.md', `${report}\n`);
}
